"""Capacity assessments: versioned templates (domains → indicators with four anchored levels), the
assessments of organizations scored against them, and the capacity-development plans drawn from them.

Scores are computed, never typed: a domain's score is the mean of its applicable indicator scores,
the overall score the mean of the domain scores (each domain weighs the same, whatever its number
of indicators). "Not applicable" indicators, and domains with none applicable, are left out.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mapping_portal import access
from mapping_portal.models import TranslatedNames
from stakeholders.models.registry import Organization

LEVELS = [
    (1, _("nascent")),
    (2, _("emerging")),
    (3, _("expanding")),
    (4, _("mature")),
]


def _in_language(obj, prefix):
    language = (get_language() or "ky")[:2]
    return getattr(obj, f"{prefix}_{language}", "") or getattr(obj, f"{prefix}_ky") or getattr(obj, f"{prefix}_ru")


def mean(values) -> Decimal | None:
    values = [Decimal(value) for value in values if value is not None]
    if not values:
        return None
    return (sum(values) / len(values)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class AssessmentTemplate(TranslatedNames):
    """A version of an assessment template. Once an assessment uses it, it is never edited again:
    changes go into a new version (`new_version`), and old assessments keep theirs."""

    code = models.SlugField(_("code"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    description_ky = models.TextField(_("description (Kyrgyz)"), blank=True)
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    is_active = models.BooleanField(
        _("offered for new assessments"), default=True, help_text=_("Only the newest active version is offered.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("assessment template")
        verbose_name_plural = _("assessment templates")
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="assessment_template_version_unique")]

    def __str__(self):
        return f"{self.name} (v{self.version})"

    @property
    def description(self):
        return _in_language(self, "description")

    @property
    def in_use(self) -> bool:
        return self.assessments.exists()

    @classmethod
    def current(cls, code="organizational-capacity"):
        return cls.objects.filter(code=code, is_active=True).order_by("-version").first()

    @transaction.atomic
    def new_version(self) -> "AssessmentTemplate":
        """Copy this version (domains and indicators) into the next one, to be edited; this one
        stops being offered for new assessments."""
        newest = AssessmentTemplate.objects.select_for_update().filter(code=self.code).order_by("-version").first()
        copy = AssessmentTemplate.objects.create(
            code=self.code,
            version=newest.version + 1,
            **{
                f: getattr(self, f)
                for f in ["name_ky", "name_ru", "name_en", "description_ky", "description_ru", "description_en"]
            },
        )
        for domain in self.domains.prefetch_related("indicators"):
            indicators = list(domain.indicators.all())
            domain.pk, domain.template = None, copy
            domain.save()
            for indicator in indicators:
                indicator.pk, indicator.domain = None, domain
                indicator.save()
        AssessmentTemplate.objects.filter(code=self.code).exclude(pk=copy.pk).update(is_active=False)
        return copy


class AssessmentDomain(TranslatedNames):
    template = models.ForeignKey(AssessmentTemplate, on_delete=models.CASCADE, related_name="domains")
    code = models.SlugField(_("code"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["template", "order", "id"]
        verbose_name = _("assessment domain")
        verbose_name_plural = _("assessment domains")
        constraints = [models.UniqueConstraint(fields=["template", "code"], name="assessment_domain_code_unique")]


class AssessmentIndicator(models.Model):
    """A question of the template, with four levels each described in words (anchors)."""

    domain = models.ForeignKey(AssessmentDomain, on_delete=models.CASCADE, related_name="indicators")
    code = models.SlugField(_("code"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text_ky = models.CharField(_("indicator (Kyrgyz)"), max_length=300)
    text_ru = models.CharField(_("indicator (Russian)"), max_length=300)
    text_en = models.CharField(_("indicator (English)"), max_length=300)
    level1_ky = models.TextField(_("level 1, nascent (Kyrgyz)"))
    level1_ru = models.TextField(_("level 1, nascent (Russian)"))
    level1_en = models.TextField(_("level 1, nascent (English)"))
    level2_ky = models.TextField(_("level 2, emerging (Kyrgyz)"))
    level2_ru = models.TextField(_("level 2, emerging (Russian)"))
    level2_en = models.TextField(_("level 2, emerging (English)"))
    level3_ky = models.TextField(_("level 3, expanding (Kyrgyz)"))
    level3_ru = models.TextField(_("level 3, expanding (Russian)"))
    level3_en = models.TextField(_("level 3, expanding (English)"))
    level4_ky = models.TextField(_("level 4, mature (Kyrgyz)"))
    level4_ru = models.TextField(_("level 4, mature (Russian)"))
    level4_en = models.TextField(_("level 4, mature (English)"))

    class Meta:
        ordering = ["domain", "order", "id"]
        verbose_name = _("assessment indicator")
        verbose_name_plural = _("assessment indicators")
        constraints = [models.UniqueConstraint(fields=["domain", "code"], name="assessment_indicator_code_unique")]

    def __str__(self):
        return self.text

    @property
    def text(self):
        return _in_language(self, "text")

    def anchors(self):
        """[(level, level name, description)] in the active language."""
        return [(level, name, _in_language(self, f"level{level}")) for level, name in LEVELS]


class AssessmentQuerySet(access.SiteScopedQuerySet):
    site_lookup = "organization__site"

    def for_user(self, user):
        """Staff and admins, local authorities and viewers: their sites. The public and reviewers: none."""
        if not access.can_view_assessments(user):
            return self.none()
        return super().for_user(user)


class CapacityAssessment(models.Model):
    """One assessment of one organization against one template version."""

    class Kind(models.TextChoices):
        BASELINE = "baseline", _("baseline")
        MIDLINE = "midline", _("midline")
        ENDLINE = "endline", _("endline")

    class Method(models.TextChoices):
        SELF = "self", _("self-assessment")
        FACILITATED = "facilitated", _("facilitated assessment")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        FINAL = "final", _("final")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("organization")
    )
    template = models.ForeignKey(
        AssessmentTemplate, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("template")
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    method = models.CharField(_("method"), max_length=12, choices=Method.choices)
    assessor = models.CharField(_("assessor"), max_length=200)
    participants = models.TextField(
        _("participants"), blank=True, help_text=_("Roles or names of those who took part.")
    )
    strengths = models.TextField(_("strengths"), blank=True)
    gaps = models.TextField(_("gaps"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    finalized_at = models.DateTimeField(null=True, blank=True, editable=False)
    finalized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["version"])

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("capacity assessment")
        verbose_name_plural = _("capacity assessments")
        constraints = [
            # A form sent twice must not make two assessments.
            models.UniqueConstraint(fields=["organization", "kind", "date"], name="assessment_once_per_kind_and_date")
        ]

    def __str__(self):
        return f"{self.organization} — {self.get_kind_display()} {self.date:%d.%m.%Y}"

    @property
    def site(self):
        return self.organization.site

    @property
    def is_final(self) -> bool:
        return self.status == self.Status.FINAL

    @classmethod
    def history_rows(cls):
        """Its own rows shown in its history (mapping_portal.history): (model, foreign key, which row it is)."""
        return ((IndicatorScore, "assessment", "indicator"), (DevelopmentAction, "assessment", "what"))

    def results(self):
        """Domain scores and the overall score, from the (prefetched) indicator scores.

        Returns (rows, overall): rows are (domain, score or None, [(indicator, IndicatorScore or None)]).
        Needs `template__domains__indicators` and `scores` prefetched to stay at a fixed query count.
        """
        by_indicator = {score.indicator_id: score for score in self.scores.all()}
        rows = []
        for domain in self.template.domains.all():
            items = [(indicator, by_indicator.get(indicator.pk)) for indicator in domain.indicators.all()]
            domain_score = mean(s.score for _i, s in items if s is not None and not s.not_applicable)
            rows.append((domain, domain_score, items))
        return rows, mean(score for _domain, score, _items in rows)

    def domain_scores(self) -> dict:
        rows, _overall = self.results()
        return {domain.code: score for domain, score, _items in rows}

    def overall_score(self):
        return self.results()[1]


class IndicatorScore(models.Model):
    assessment = models.ForeignKey(CapacityAssessment, on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(AssessmentIndicator, on_delete=models.PROTECT, related_name="scores")
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True, choices=LEVELS)
    not_applicable = models.BooleanField(_("not applicable"), default=False)
    evidence = models.TextField(_("evidence"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator score")
        verbose_name_plural = _("indicator scores")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "indicator"], name="indicator_score_once"),
            models.CheckConstraint(
                name="indicator_score_range", condition=Q(score__isnull=True) | Q(score__range=(1, 4))
            ),
            models.CheckConstraint(
                name="indicator_score_or_not_applicable", condition=~(Q(not_applicable=True) & Q(score__isnull=False))
            ),
        ]

    def __str__(self):
        return f"{self.indicator.code}: {'n/a' if self.not_applicable else self.score}"

    @property
    def answered(self) -> bool:
        return self.not_applicable or self.score is not None


class AssessmentReopening(models.Model):
    """A final assessment opened again: who, when, and why (the reason is required)."""

    assessment = models.ForeignKey(CapacityAssessment, on_delete=models.CASCADE, related_name="reopenings")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(_("reason"))

    class Meta:
        ordering = ["-at"]

    def __str__(self):
        return f"{self.assessment} ({self.at:%d.%m.%Y})"


class DevelopmentAction(models.Model):
    """An action of the capacity-development plan drawn from an assessment's gaps."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        DROPPED = "dropped", _("dropped")

    assessment = models.ForeignKey(CapacityAssessment, on_delete=models.CASCADE, related_name="actions")
    what = models.CharField(_("what"), max_length=300)
    who = models.CharField(_("who"), max_length=200)
    due = models.DateField(_("by when"), null=True, blank=True)
    support_needed = models.TextField(_("support needed"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due", "id"]
        verbose_name = _("development action")
        verbose_name_plural = _("development actions")

    def __str__(self):
        return self.what
