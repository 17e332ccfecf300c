"""The programme, its results, their indicators and the targets set for them (admins edit them; every change is
kept in the history)."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from mapping_portal.models import PilotSite, TranslatedNames
from mapping_portal.results import periods


class Programme(TranslatedNames):
    """The project whose results are reported: its dates and how it is named in IATI. There is one."""

    start = models.DateField(_("start date"))
    end = models.DateField(_("end date"))
    iati_identifier = models.CharField(
        _("IATI activity identifier"),
        max_length=100,
        help_text=_("The reporting organisation's identifier, a hyphen and the project's own number."),
    )
    reporting_org_ref = models.CharField(_("IATI identifier of the reporting organisation"), max_length=50)
    reporting_org_name = models.CharField(_("reporting organisation"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def clean(self):
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The end date is before the start date.")})
        if (
            self.iati_identifier
            and self.reporting_org_ref
            and not self.iati_identifier.startswith(self.reporting_org_ref + "-")
        ):
            raise ValidationError(
                {"iati_identifier": _("An IATI activity identifier starts with the reporting organisation's.")}
            )

    @classmethod
    def current(cls) -> "Programme":
        """The programme; on a database emptied since its migrations ran (`manage.py flush`, the transactional
        tests), the default framework is installed again first."""
        programme = cls.objects.order_by("pk").first()
        if programme is None:
            from django.apps import apps

            from mapping_portal.results import defaults

            defaults.install(apps)
            programme = cls.objects.order_by("pk").first()
        return programme


class Result(TranslatedNames):
    """An expected result of the project (the seed's list), grouping its indicators."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("result")
        verbose_name_plural = _("results")


class Indicator(TranslatedNames):
    """What is measured for a result. Its actual value is computed from the records by the provider registered
    under `measure` in the `indicators` hook — never typed."""

    class Unit(models.TextChoices):
        PEOPLE = "people", _("people")
        ORGANIZATIONS = "organizations", _("organizations")
        GROUPS = "groups", _("groups")
        CENTRES = "centres", _("centres")
        PLANS = "plans", _("plans")
        ACTIONS = "actions", _("actions")
        GRANTS = "grants", _("grants")
        SOM = "som", _("som")
        PERCENT = "percent", _("percent")
        POINTS = "points", _("points")

    result = models.ForeignKey(Result, on_delete=models.PROTECT, related_name="indicators", verbose_name=_("result"))
    measure = models.SlugField(
        _("measure"), max_length=60, unique=True, help_text=_("Which computation gives the actual value.")
    )
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices)
    baseline = models.DecimalField(
        pgettext_lazy("results framework: the value before the project", "baseline"),
        max_digits=14,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("Empty: not measured."),
    )

    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    baseline_note = models.CharField(_("about the baseline"), max_length=300, blank=True)
    cumulative = models.BooleanField(
        _("counted from the project's start"),
        default=True,
        help_text=_("Counted from the start of the project to the end of the period (otherwise within the period)."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    version = models.PositiveIntegerField(default=0, editable=False)
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["result__order", "order", "pk"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    @property
    def is_share(self) -> bool:
        return self.unit == self.Unit.PERCENT


def validate_period_key(value):
    if not periods.KEY.match(value or ""):
        raise ValidationError(_("A period is “all”, a year (2026) or a quarter (2026-Q3)."), code="period")


class Target(models.Model):
    """The value an indicator should reach in a period, for one pilot site or for the whole project (no site)."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="targets", verbose_name=_("indicator")
    )
    period = models.CharField(
        _("period"),
        max_length=7,
        validators=[RegexValidator(periods.KEY), validate_period_key],
        help_text=_("“all” for the whole project, a year (2026) or a quarter (2026-Q3)."),
    )
    site = models.ForeignKey(
        PilotSite,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pilot site"),
        help_text=_("Empty: the target of all three sites together."),
    )
    value = models.DecimalField(_("target"), max_digits=14, decimal_places=1)
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "period", "site"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period", "site"], name="one_target_per_period_and_site"),
            models.UniqueConstraint(
                fields=["indicator", "period"], condition=models.Q(site=None), name="one_overall_target_per_period"
            ),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="target_not_negative"),
        ]
        verbose_name = _("target")
        verbose_name_plural = _("targets")

    def __str__(self):
        return f"{self.indicator} {self.period} {self.site or ''}: {self.value}"

    def dates(self, programme) -> tuple[datetime.date, datetime.date] | None:
        period = periods.parse(self.period, programme)
        return (period.start, period.end) if period else None
