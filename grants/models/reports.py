"""Progress and final reports of an award: the spending per budget line and the photos."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from grants.models.applications import BudgetLine, GrantApplication
from grants.models.awards import Award
from grants.models.money import MONEY
from mapping_portal import access
from mapping_portal.models import Photo

NOTHING = Decimal("0")


class GrantReportQuerySet(models.QuerySet):
    def for_user(self, user):
        """The reports of the awards of the applications in the user's scope."""
        return self.filter(award__application__in=GrantApplication.objects.for_user(user))


class GrantReport(models.Model):
    """What the grantees report: a progress report (any number) or the final one, with spending per budget line
    and photos."""

    class Kind(models.TextChoices):
        PROGRESS = "progress", _("progress report")
        FINAL = "final", _("final report")

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="reports", verbose_name=_("award"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PROGRESS)
    period_end = models.DateField(_("reporting up to"))
    text = models.TextField(_("what was done, results, difficulties"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = GrantReportQuerySet.as_manager()

    class Meta:
        ordering = ["award", "period_end", "id"]
        verbose_name = _("grant report")
        verbose_name_plural = _("grant reports")
        constraints = [
            models.UniqueConstraint(fields=["award"], condition=Q(kind="final"), name="one_final_report_per_award")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.period_end:%d.%m.%Y}"

    def spending_against_budget(self) -> tuple[list[dict], dict]:
        """Each budget line of the application with what this report spent on it, what the reports up to this one
        spent (summed in SQL) and whether that is over the line's total; and the totals. Three queries."""
        spent_here = {s.budget_line_id: s.spent for s in self.spending.all()}
        spent_so_far = dict(
            ReportSpending.objects.filter(report__award=self.award_id, report__period_end__lte=self.period_end)
            .order_by()
            .values_list("budget_line")
            .annotate(total=Sum("spent"))
        )
        rows = [
            {
                "line": line,
                "here": spent_here.get(line.pk),
                "so_far": spent_so_far.get(line.pk, NOTHING),
                "over": spent_so_far.get(line.pk, NOTHING) > line.total,
            }
            for line in self.award.application.budget_lines.all()
        ]
        totals = {
            "budget": sum((row["line"].total for row in rows), NOTHING),
            "here": sum((row["here"] or 0 for row in rows), NOTHING),
            "so_far": sum((row["so_far"] for row in rows), NOTHING),
        }
        return rows, totals


class ReportSpending(models.Model):
    """What a report says was spent on one budget line during its period, in som."""

    report = models.ForeignKey(GrantReport, on_delete=models.CASCADE, related_name="spending", verbose_name=_("report"))
    budget_line = models.ForeignKey(
        BudgetLine, on_delete=models.PROTECT, related_name="spending", verbose_name=_("budget line")
    )
    spent = models.DecimalField(_("spent (som)"), **MONEY)
    history = HistoricalRecords()

    class Meta:
        ordering = ["report", "budget_line__order", "budget_line_id"]
        verbose_name = _("spending")
        verbose_name_plural = _("spending")
        constraints = [
            models.UniqueConstraint(fields=["report", "budget_line"], name="spending_once_per_line"),
            models.CheckConstraint(name="spending_not_negative", condition=Q(spent__gte=0)),
        ]

    def __str__(self):
        return f"{self.budget_line}: {self.spent}"


class ReportPhotoQuerySet(models.QuerySet):
    def for_user(self, user):
        """Report photos show people: for those who see them (`access.can_view_report_photos`), the photos of the
        reports in their scope."""
        if not access.can_view_report_photos(user):
            return self.none()
        return self.filter(report__in=GrantReport.objects.for_user(user))


class ReportPhoto(Photo):
    """A photo of the project's work (mapping_portal.models.Photo: checked, re-encoded without metadata, staff
    only)."""

    upload_folder = "grant-photos"

    report = models.ForeignKey(GrantReport, on_delete=models.CASCADE, related_name="photos", verbose_name=_("report"))

    objects = ReportPhotoQuerySet.as_manager()

    class Meta(Photo.Meta):
        verbose_name = _("report photo")
        verbose_name_plural = _("report photos")
