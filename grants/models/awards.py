"""Awards and their tranches. A database trigger (migration 0002) keeps the awards of a call within its envelope
and the tranches within their award."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Sum
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from grants.models.applications import GrantApplication
from grants.models.calls import GrantCall
from grants.models.money import MONEY, ZERO
from mapping_portal.text import format_amount


class Award(models.Model):
    """The grant given to an approved application. A database trigger (migration 0002) refuses any award
    that would take the call's awards over its envelope, or that exceeds the amount requested."""

    application = models.OneToOneField(
        GrantApplication, on_delete=models.PROTECT, related_name="award", verbose_name=_("application")
    )
    # The application's call, kept here so the envelope check sums one indexed column.
    call = models.ForeignKey(GrantCall, on_delete=models.PROTECT, related_name="awards", verbose_name=_("call"))
    amount = models.DecimalField(_("amount awarded (som)"), **MONEY)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided on"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["call", "decided_at", "id"]
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        constraints = [models.CheckConstraint(name="award_amount_positive", condition=Q(amount__gt=0))]

    def __str__(self):
        return f"{self.application} — {format_amount(self.amount)}"

    @classmethod
    def history_rows(cls):
        """Its own rows shown in its history (mapping_portal.history): (model, foreign key, which row it is)."""
        return ((Tranche, "award", "number"),)

    def plan_tranche(self, user, planned_date, amount) -> "Tranche":
        """Add the next tranche. The award row is locked first (as the trigger does), so two staff planning at
        once are served in turn and the planned tranches never add up to more than the award."""
        from django.core.exceptions import ValidationError

        from grants import limits

        with limits.held():
            award = Award.objects.select_for_update().get(pk=self.pk)
            planned = award.tranches.aggregate(total=Sum("planned_amount"))["total"] or ZERO
            if amount <= 0:
                raise ValidationError(_("The amount of a tranche must be more than zero."), code="amount")
            if planned + amount > award.amount:
                raise ValidationError(
                    _("Only %(left)s som of the award are not planned yet."),
                    params={"left": format_amount(award.amount - planned)},
                    code="over_award",
                )
            number = (award.tranches.aggregate(n=models.Max("number"))["n"] or 0) + 1
            return Tranche.objects.create(
                award=award, number=number, planned_date=planned_date, planned_amount=amount, created_by=user
            )

    def totals(self) -> dict:
        """Planned and paid so far, summed in SQL."""
        sums = self.tranches.aggregate(planned=Sum("planned_amount"), paid=Sum("paid_amount"))
        return {"planned": sums["planned"] or ZERO, "paid": sums["paid"] or ZERO}

    @staticmethod
    def totals_of(tranches) -> dict:
        """Planned and paid, from tranches already fetched (the application's page lists them anyway)."""
        return {
            "planned": sum((t.planned_amount for t in tranches), Decimal("0")),
            "paid": sum((t.paid_amount or 0 for t in tranches), Decimal("0")),
        }


class Tranche(models.Model):
    """A planned payment of an award, and when and how much was actually paid. A database trigger
    (migration 0002) keeps the planned and the paid sums each within the award; a check constraint keeps the
    payment within the tranche's planned amount."""

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="tranches", verbose_name=_("award"))
    number = models.PositiveSmallIntegerField(_("number"))
    planned_date = models.DateField(_("planned date"))
    planned_amount = models.DecimalField(_("planned amount (som)"), **MONEY)
    paid_date = models.DateField(_("paid on"), null=True, blank=True)
    paid_amount = models.DecimalField(_("amount paid (som)"), **MONEY, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["award", "number"]
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        constraints = [
            models.UniqueConstraint(fields=["award", "number"], name="tranche_number_once_per_award"),
            models.CheckConstraint(name="tranche_planned_positive", condition=Q(planned_amount__gt=0)),
            models.CheckConstraint(
                name="tranche_paid_both_or_neither",
                condition=(Q(paid_date__isnull=True) & Q(paid_amount__isnull=True))
                | (Q(paid_date__isnull=False) & Q(paid_amount__gt=0)),
            ),
            models.CheckConstraint(
                name="tranche_paid_within_planned",
                condition=Q(paid_amount__isnull=True) | Q(paid_amount__lte=F("planned_amount")),
            ),
        ]

    def __str__(self):
        return f"{self.award.application} — {self.number}"

    def record_payment(self, user, paid_date, amount, *, version) -> "Tranche":
        """Record what was paid and when: never more than the tranche's planned amount (so the paid tranches never
        add up to more than the award either). `version` is the one the page showed: a payment recorded meanwhile by
        someone else is not overwritten. The check constraint `tranche_paid_within_planned` and the trigger
        `tranches_within_award` are the guarantee behind these checks."""
        from django.core.exceptions import ValidationError

        from grants import limits

        with limits.held():
            award = Award.objects.select_for_update().get(pk=self.award_id)
            tranche = Tranche.objects.select_for_update().get(pk=self.pk)
            if tranche.version != int(version):
                raise ValidationError(
                    _("This tranche was changed by someone else since you opened the page. Check it."), code="stale"
                )
            if amount <= 0:
                raise ValidationError(_("The amount paid must be more than zero."), code="amount")
            if amount > tranche.planned_amount:
                raise ValidationError(
                    _(
                        "A payment cannot be more than its tranche: %(planned)s som are planned for tranche "
                        "%(number)s. Plan another tranche for the rest."
                    ),
                    params={"planned": format_amount(tranche.planned_amount), "number": tranche.number},
                    code="over_tranche",
                )
            paid_elsewhere = award.tranches.exclude(pk=tranche.pk).aggregate(total=Sum("paid_amount"))["total"] or ZERO
            if paid_elsewhere + amount > award.amount:
                raise ValidationError(
                    _("Only %(left)s som of the award are left to pay."),
                    params={"left": format_amount(award.amount - paid_elsewhere)},
                    code="over_award",
                )
            tranche.paid_date, tranche.paid_amount = paid_date, amount
            tranche.version += 1
            tranche._history_user = user
            tranche.save()
            return tranche
