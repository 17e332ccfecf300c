"""Conflict-prevention action plans of the pilot sites: the plan, its risks and actions (with progress notes),
review comments, status changes and the frozen snapshot of each submitted version (DESIGN.md §3).

`dialogues.plans.workflow` owns a plan's status; nothing else assigns it. The portal records prevention work only:
no model here has a field for incidents, cases or survivors (DESIGN.md §6).
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from mapping_portal import access
from mapping_portal.models import PilotSite, ThematicArea, portal_date_errors
from stakeholders.models import Organization

# Organization types (stakeholders' seeded codes) that can author a plan: the local self-government.
AUTHORING_BODY_TYPES = ("local-self-government", "local-kenesh")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted for review")
    CHANGES_REQUESTED = "changes_requested", _("changes requested")
    # In context: a plan is "approved" and "completed" in other words than an application or a training.
    APPROVED = "approved", pgettext_lazy("plan status", "approved")
    IN_IMPLEMENTATION = "in_implementation", _("in implementation")
    COMPLETED = "completed", pgettext_lazy("plan status", "completed")


# A plan whose content may be edited; and the plans that were approved (read by viewers, printed, followed).
EDITABLE_STATUSES = (PlanStatus.DRAFT, PlanStatus.CHANGES_REQUESTED)
APPROVED_STATUSES = (PlanStatus.APPROVED, PlanStatus.IN_IMPLEMENTATION, PlanStatus.COMPLETED)


class PlanFocus(models.TextChoices):
    """The three focuses of the project's seed."""

    FORECASTING = "forecasting", _("risk forecasting and prevention")
    DIALOGUE = "dialogue", _("dialogue and trust")
    PEACE = "peace", _("sustainable peace")


class PlanQuerySet(access.SiteScopedQuerySet):
    def for_user(self, user):
        """The plans of the user's sites for those who may view plans (`access.can_view_plans`); of them, only the
        approved ones (approved, in implementation, completed) unless the user may see the others
        (`access.can_view_unapproved_plans`: viewers read approved plans only). DESIGN.md §4 "plans"."""
        if not access.can_view_plans(user):
            return self.none()
        plans = super().for_user(user)
        return plans if access.can_view_unapproved_plans(user) else plans.filter(status__in=APPROVED_STATUSES)

    def with_figures(self):
        """Each plan with its site and authoring body, and its risk and action counts and budget total as correlated
        subqueries: computed for the rows fetched (a page), in one query."""
        return self.select_related("site", "authoring_body").annotate(
            risk_count=_count_of(Risk.objects.all()),
            action_count=_count_of(PlanAction.objects.all()),
            budget_total=_count_of(
                PlanAction.objects.all(), models.Sum("budget"), models.DecimalField(max_digits=16, decimal_places=2)
            ),
        )

    def followed_at(self, site):
        """The site's plans being followed: approved, in implementation or completed, and not replaced by a later
        approved version."""
        return self.filter(site=site, status__in=APPROVED_STATUSES).exclude(next_version__status__in=APPROVED_STATUSES)

    def latest_versions(self):
        """Plans that no later version of the same plan has replaced (among all versions, whoever sees them)."""
        return self.filter(next_version__isnull=True)


def _count_of(queryset, aggregate=None, output=None):
    output = output or models.IntegerField()
    return Coalesce(
        Subquery(
            queryset.filter(plan=OuterRef("pk"))
            .order_by()
            .values("plan")
            .annotate(n=aggregate or models.Count("pk"))
            .values("n"),
            output_field=output,
        ),
        Value(0),
        output_field=output,
    )


class ConflictPreventionPlan(models.Model):
    """A pilot site's conflict-prevention plan («чыр-чатактарды алдын алуу боюнча план»), one version of it.

    An approved plan's content is never edited: a new version is opened (a draft copy that points at the
    version it succeeds), and the old one stays as it was approved.
    """

    site = models.ForeignKey(PilotSite, on_delete=models.PROTECT, related_name="plans", verbose_name=_("pilot site"))
    authoring_body = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="authored_plans",
        verbose_name=_("authoring body"),
        help_text=_("The local self-government body of the site that draws up the plan."),
    )
    title = models.CharField(_("title"), max_length=300)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    context_analysis = models.TextField(
        _("context analysis"),
        blank=True,
        help_text=_("The situation of the site: tensions, their causes, who is affected, what already works."),
    )
    focus_forecasting = models.TextField(_("risk forecasting and prevention"), blank=True)
    focus_dialogue = models.TextField(_("dialogue and trust"), blank=True)
    focus_peace = models.TextField(_("sustainable peace"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT, editable=False
    )
    version_number = models.PositiveSmallIntegerField(_("version"), default=1, editable=False)
    previous_version = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_version",
        editable=False,
        verbose_name=_("previous version"),
    )
    approving_body = models.CharField(_("approving body"), max_length=300, blank=True, editable=False)
    decision_number = models.CharField(_("decision or protocol number"), max_length=100, blank=True, editable=False)
    decision_date = models.DateField(_("date of the decision"), null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("submitted on"), null=True, blank=True, editable=False)
    approved_at = models.DateTimeField(_("approved on"), null=True, blank=True, editable=False)
    # Optimistic lock: bumped by every change to the plan, its risks and actions, and by every transition.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["version"])

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["site", "-period_start", "-version_number", "-id"]
        verbose_name = _("conflict-prevention plan")
        verbose_name_plural = _("conflict-prevention plans")
        constraints = [
            models.CheckConstraint(
                name="plan_period_ends_after_it_starts", condition=Q(period_end__gte=F("period_start"))
            ),
            # The approval means something: an approved plan always carries the approving body's decision.
            models.CheckConstraint(
                name="plan_approved_with_a_decision",
                condition=~Q(status__in=APPROVED_STATUSES) | (~Q(decision_number="") & Q(decision_date__isnull=False)),
            ),
        ]
        indexes = [models.Index(fields=["site", "status"], name="plan_site_status")]

    def __str__(self):
        return self.title

    @property
    def is_editable(self) -> bool:
        """Content (fields, risks, actions) changes only in a draft or when changes were requested."""
        return self.status in EDITABLE_STATUSES

    @property
    def is_approved(self) -> bool:
        return self.status in APPROVED_STATUSES

    @property
    def focuses(self) -> list[tuple[str, str]]:
        return [
            (PlanFocus.FORECASTING.label, self.focus_forecasting),
            (PlanFocus.DIALOGUE.label, self.focus_dialogue),
            (PlanFocus.PEACE.label, self.focus_peace),
        ]

    def clean(self):
        errors = portal_date_errors(self, "period_start", "period_end")
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = _("The period cannot end before it starts.")
        if self.authoring_body_id:
            body = self.authoring_body
            if self.site_id and body.site_id != self.site_id:
                errors["authoring_body"] = _("The authoring body is in another pilot site.")
            elif body.type.code not in AUTHORING_BODY_TYPES:
                errors["authoring_body"] = _(
                    "The authoring body must be a local self-government body (ayil okmotu, town hall or local kenesh)."
                )
        if errors:
            raise ValidationError(errors)


def _one_to_five():
    return [MinValueValidator(1), MaxValueValidator(5)]


class RiskLevel(models.TextChoices):
    """Likelihood × impact, in the four bands the heat map colours."""

    LOW = "low", _("low")
    MEDIUM = "medium", _("medium")
    HIGH = "high", _("high")
    VERY_HIGH = "very_high", _("very high")


def risk_level(likelihood: int, impact: int) -> str:
    score = likelihood * impact
    if score >= 15:
        return RiskLevel.VERY_HIGH
    if score >= 10:
        return RiskLevel.HIGH
    if score >= 5:
        return RiskLevel.MEDIUM
    return RiskLevel.LOW


class Risk(models.Model):
    """A risk («тобокелдик») the plan forecasts: how likely (1–5) and how serious (1–5), its early-warning signs
    and who it would affect. A forecast, not a record of anything that happened."""

    plan = models.ForeignKey(
        ConflictPreventionPlan, on_delete=models.CASCADE, related_name="risks", verbose_name=_("plan")
    )
    # The same risk across versions of the plan (a copy keeps it): how versions are compared.
    key = models.UUIDField(default=uuid.uuid4, editable=False)
    description = models.TextField(_("description"))
    thematic_area = models.ForeignKey(
        ThematicArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_risks",
        verbose_name=_("thematic direction"),
    )
    likelihood = models.PositiveSmallIntegerField(
        _("likelihood (1–5)"), validators=_one_to_five(), help_text=_("1 = very unlikely … 5 = almost certain")
    )
    impact = models.PositiveSmallIntegerField(
        _("impact (1–5)"), validators=_one_to_five(), help_text=_("1 = very small … 5 = very serious")
    )
    early_warning_signs = models.TextField(_("early-warning signs"), blank=True)
    affected_groups = models.CharField(_("affected groups"), max_length=500, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["plan", "id"]
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        constraints = [
            models.CheckConstraint(name="risk_likelihood_1_to_5", condition=Q(likelihood__gte=1, likelihood__lte=5)),
            models.CheckConstraint(name="risk_impact_1_to_5", condition=Q(impact__gte=1, impact__lte=5)),
            models.UniqueConstraint(fields=["plan", "key"], name="risk_key_once_per_plan"),
        ]

    def __str__(self):
        return self.description[:80]

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def level(self) -> str:
        return risk_level(self.likelihood, self.impact)

    def get_level_display(self) -> str:
        return RiskLevel(self.level).label


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("not started")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")


class PlanAction(models.Model):
    """An action («иш-чара») of the plan: who does it with whom, when, with what money, how success is measured,
    and how it is going. "Delayed" is never typed: it is derived from the dates (`is_delayed`)."""

    plan = models.ForeignKey(
        ConflictPreventionPlan, on_delete=models.CASCADE, related_name="actions", verbose_name=_("plan")
    )
    key = models.UUIDField(default=uuid.uuid4, editable=False)
    title = models.CharField(_("title"), max_length=500)
    focus = models.CharField(_("focus"), max_length=20, choices=PlanFocus.choices)
    risks = models.ManyToManyField(Risk, blank=True, related_name="actions", verbose_name=_("risks it addresses"))
    responsible_organizations = models.ManyToManyField(
        Organization, related_name="plan_actions", verbose_name=_("responsible organizations")
    )
    partner_organizations = models.ManyToManyField(
        Organization, blank=True, related_name="partnered_plan_actions", verbose_name=_("partner organizations")
    )
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    budget = models.DecimalField(_("budget (som)"), max_digits=14, decimal_places=2, default=Decimal("0"))
    budget_source = models.CharField(_("source of funding"), max_length=300, blank=True)
    indicator = models.CharField(_("indicator"), max_length=500, blank=True)
    target = models.CharField(_("target"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED
    )
    spent = models.DecimalField(_("spent so far (som)"), max_digits=14, decimal_places=2, default=Decimal("0"))
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(
        excluded_fields=["version"], m2m_fields=[responsible_organizations, partner_organizations]
    )

    class Meta:
        ordering = ["plan", "start_date", "id"]
        verbose_name = _("plan action")
        verbose_name_plural = _("plan actions")
        constraints = [
            models.CheckConstraint(name="plan_action_ends_after_it_starts", condition=Q(end_date__gte=F("start_date"))),
            models.CheckConstraint(name="plan_action_budget_not_negative", condition=Q(budget__gte=0)),
            models.CheckConstraint(name="plan_action_spent_not_negative", condition=Q(spent__gte=0)),
            models.UniqueConstraint(fields=["plan", "key"], name="plan_action_key_once_per_plan"),
        ]
        indexes = [models.Index(fields=["plan", "status"], name="plan_action_status")]

    def __str__(self):
        return self.title

    @property
    def is_delayed(self) -> bool:
        """Not done by its end date, or not started by its start date."""
        today = timezone.localdate()
        if self.status == ActionStatus.DONE:
            return False
        return self.end_date < today or (self.status == ActionStatus.NOT_STARTED and self.start_date < today)

    @classmethod
    def delayed_q(cls, prefix="", today=None):
        """`is_delayed` in SQL, for counts and filters."""
        today = today or timezone.localdate()
        return ~Q(**{f"{prefix}status": ActionStatus.DONE}) & (
            Q(**{f"{prefix}end_date__lt": today})
            | Q(**{f"{prefix}status": ActionStatus.NOT_STARTED, f"{prefix}start_date__lt": today})
        )

    @property
    def shown_status(self) -> str:
        """The status as the plan's readers see it: "delayed" when the dates say so."""
        return _("delayed") if self.is_delayed else self.get_status_display()

    def clean(self):
        errors = portal_date_errors(self, "start_date", "end_date")
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The action cannot end before it starts.")
        if errors:
            raise ValidationError(errors)


class ProgressNote(models.Model):
    """A dated note on how an action is going."""

    action = models.ForeignKey(PlanAction, on_delete=models.CASCADE, related_name="notes", verbose_name=_("action"))
    date = models.DateField(_("date"), default=timezone.localdate)
    text = models.TextField(_("progress"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["action", "date", "id"]
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")

    def __str__(self):
        return f"{self.date:%d.%m.%Y}: {self.text[:60]}"


class PlanComment(models.Model):
    """A review comment on the plan, or on one of its risks or actions; open until someone resolves it."""

    plan = models.ForeignKey(
        ConflictPreventionPlan, on_delete=models.CASCADE, related_name="comments", verbose_name=_("plan")
    )
    risk = models.ForeignKey(
        Risk, on_delete=models.SET_NULL, null=True, blank=True, related_name="comments", verbose_name=_("risk")
    )
    action = models.ForeignKey(
        PlanAction, on_delete=models.SET_NULL, null=True, blank=True, related_name="comments", verbose_name=_("action")
    )
    # What the comment was about, as it read then: kept if the risk or action is later removed.
    subject = models.CharField(_("about"), max_length=500, blank=True)
    text = models.TextField(_("comment"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("when"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved on"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["plan", "at", "id"]
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")
        constraints = [
            models.CheckConstraint(
                name="plan_comment_on_one_item", condition=Q(risk__isnull=True) | Q(action__isnull=True)
            ),
        ]

    def __str__(self):
        return self.text[:80]

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class PlanSnapshot(models.Model):
    """The plan as it was submitted (fields, risks, actions), frozen: what the reviewers read, and what the
    next submission is compared with. `reviewed_at` is set when a reviewer requested changes or approved it."""

    plan = models.ForeignKey(
        ConflictPreventionPlan, on_delete=models.CASCADE, related_name="snapshots", verbose_name=_("plan")
    )
    number = models.PositiveSmallIntegerField(_("submission"))
    data = models.JSONField()
    taken_at = models.DateTimeField(auto_now_add=True)
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_outcome = models.CharField(max_length=20, choices=PlanStatus.choices, blank=True)

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("submitted version")
        verbose_name_plural = _("submitted versions")
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plan_snapshot_number_once")]

    def __str__(self):
        return f"{self.plan} #{self.number}"


class PlanStatusChange(models.Model):
    """One step of a plan's workflow: from which status to which, who, when, and the comment."""

    plan = models.ForeignKey(
        ConflictPreventionPlan, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("plan")
    )
    from_status = models.CharField(_("from"), max_length=20, choices=PlanStatus.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=PlanStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("when"), auto_now_add=True)
    comment = models.TextField(_("comment"), blank=True)
    snapshot = models.ForeignKey(PlanSnapshot, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["plan", "at", "id"]
        verbose_name = _("plan status change")
        verbose_name_plural = _("plan status changes")

    def __str__(self):
        return f"{self.plan}: {self.from_status} → {self.to_status}"
