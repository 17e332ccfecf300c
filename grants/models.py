"""Small grants: calls with their review criteria, applications with their team and budget, status changes,
reviews with scores, awards and tranches (DESIGN.md §3 "Small grants").

Money is in som (KGS), as Decimal. The limits that matter — a budget line's quantity and cost, a score
between 1 and 5, the sum of awards within a call's envelope, tranches within their award — are guarded
in the database too (check constraints here, triggers in the migrations), not only in forms.
"""

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mapping_portal import access
from mapping_portal.models import Photo, PilotSite, TranslatedNames
from mapping_portal.roles import Role
from mapping_portal.text import format_amount
from stakeholders.models import Organization, Person

ZERO = Decimal("0.00")
MONEY = {"max_digits": 14, "decimal_places": 2}


def _pick(obj, prefix):
    language = (get_language() or "ky")[:2]
    return getattr(obj, f"{prefix}_{language}", "") or getattr(obj, f"{prefix}_ky") or getattr(obj, f"{prefix}_ru")


class ProjectKind(models.TextChoices):
    SOCIAL = "social", _("social project")
    BUSINESS = "business", _("business project")


# --- Calls --------------------------------------------------------------------------------------------


class GrantCallQuerySet(models.QuerySet):
    def for_user(self, user):
        """Calls of the user's sites: admins, staff, local authorities (their sites) and viewers (aggregates);
        reviewers see the calls of the applications assigned to them; the public nothing (DESIGN.md §4)."""
        role = access.role_of(user)
        if role is None:
            return self.none()
        if role == Role.REVIEWER:
            return self.filter(Exists(GrantApplication.objects.for_user(user).filter(call=OuterRef("pk"))))
        if role == Role.APPLICANT:
            return self.open_online_for(access.applicant_person_id(user))
        ids = access.site_scope_ids(user)
        if ids is None:
            return self
        if not ids:
            return self.none()
        return self.filter(Exists(GrantCall.sites.through.objects.filter(grantcall=OuterRef("pk"), pilotsite__in=ids)))

    def open_online_for(self, person_id):
        """Applicants: the calls that take applications online now, at their person's pilot site — and the calls
        of their own applications (lead or team), so that those stay readable after the call closes."""
        if person_id is None:
            return self.none()
        today = timezone.localdate()
        person_site = Person.objects.filter(pk=person_id).values("site")[:1]
        at_their_site = GrantCall.sites.through.objects.filter(grantcall=OuterRef("pk"), pilotsite=person_site)
        taking = Q(
            Exists(at_their_site),
            accepts_online_applications=True,
            status=GrantCall.Status.OPEN,
            opens_on__lte=today,
            closes_on__gte=today,
        )
        theirs = GrantApplication.objects.of_person(person_id).filter(call=OuterRef("pk"))
        return self.filter(taking | Q(Exists(theirs)))

    def with_totals(self):
        """Each call with what was awarded and paid, as correlated subqueries (for the rows fetched only)."""
        awarded = Award.objects.filter(call=OuterRef("pk")).order_by().values("call").annotate(s=Sum("amount"))
        paid = (
            Tranche.objects.filter(award__call=OuterRef("pk"), paid_amount__isnull=False)
            .order_by()
            .values("award__call")
            .annotate(s=Sum("paid_amount"))
        )
        money = models.DecimalField(**MONEY)
        return self.annotate(
            awarded_total=Coalesce(models.Subquery(awarded.values("s"), output_field=money), ZERO, output_field=money),
            paid_total=Coalesce(models.Subquery(paid.values("s"), output_field=money), ZERO, output_field=money),
        )


class GrantCall(models.Model):
    """A call for small-grant applications: where, for which kinds of projects, how much, until when."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("being prepared")
        OPEN = "open", _("open for applications")
        CLOSED = "closed", _("closed, under review")
        DECIDED = "decided", _("decided")

    title_ky = models.CharField(_("title (Kyrgyz)"), max_length=300, blank=True)
    title_ru = models.CharField(_("title (Russian)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    description_ky = models.TextField(_("description (Kyrgyz)"), blank=True)
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    sites = models.ManyToManyField(PilotSite, related_name="grant_calls", verbose_name=_("pilot sites"))
    kinds = ArrayField(
        models.CharField(max_length=10, choices=ProjectKind.choices), verbose_name=_("project kinds"), default=list
    )
    opens_on = models.DateField(_("open from"))
    closes_on = models.DateField(_("closing date"))
    envelope = models.DecimalField(_("envelope (som)"), **MONEY, help_text=_("All awards of the call together."))
    max_per_grant = models.DecimalField(_("maximum per grant (som)"), **MONEY)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    accepts_online_applications = models.BooleanField(
        _("applicants' teams may also apply online"),
        default=False,
        help_text=_(
            "Off: paper applications only, entered by staff. On: applicants with an account may also write, submit "
            "and withdraw their own applications while the call is open."
        ),
    )
    # Eligibility read from the records (grants.eligibility), never typed on the application.
    requires_training = models.BooleanField(
        _("only for those who completed the training"),
        default=False,
        help_text=_("The lead applicant must have attended every day of a training of at least this many days."),
    )
    training_days = models.PositiveSmallIntegerField(
        _("days of the training"), default=3, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    training_sites = models.ManyToManyField(
        PilotSite,
        blank=True,
        related_name="+",
        verbose_name=_("training held at"),
        help_text=_("Trainings at these pilot sites count; none ticked means the call's own sites."),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["version"], m2m_fields=[sites, training_sites])

    objects = GrantCallQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_on", "-id"]
        verbose_name = _("grant call")
        verbose_name_plural = _("grant calls")
        constraints = [
            models.CheckConstraint(name="call_has_a_title", condition=~Q(title_ky="") | ~Q(title_ru="")),
            models.CheckConstraint(name="call_closes_after_it_opens", condition=Q(closes_on__gte=F("opens_on"))),
            models.CheckConstraint(name="call_envelope_positive", condition=Q(envelope__gt=0)),
            models.CheckConstraint(
                name="call_maximum_within_envelope", condition=Q(max_per_grant__gt=0, max_per_grant__lte=F("envelope"))
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        return _pick(self, "title")

    @property
    def description(self) -> str:
        return _pick(self, "description")

    def takes_online_applications(self, today=None) -> bool:
        """Applicants may start, edit and submit online now: the call accepts online applications, is open, and
        today is within its dates."""
        today = today or timezone.localdate()
        return (
            self.accepts_online_applications
            and self.status == self.Status.OPEN
            and self.opens_on <= today <= self.closes_on
        )

    def get_kinds_display(self) -> list:
        labels = dict(ProjectKind.choices)
        return [labels[kind] for kind in self.kinds if kind in labels]

    def add_default_criteria(self):
        """The common UN small-grant review criteria, weights adding up to 100."""
        for order, (code, weight, names, guidance) in enumerate(DEFAULT_CRITERIA, 1):
            ReviewCriterion.objects.get_or_create(
                call=self,
                code=code,
                defaults={"weight": weight, "order": order, "guidance": guidance}
                | {f"name_{lang}": name for lang, name in names.items()},
            )


# code, weight, names ky/ru/en, guidance (English; translated in the interface by the reviewer's language)
DEFAULT_CRITERIA = [
    (
        "relevance",
        25,
        {
            "ky": "Социалдык биримдикке тиешелүүлүгү",
            "ru": "Актуальность для социальной сплочённости",
            "en": "Relevance to social cohesion",
        },
        "Does the project answer a real local problem and strengthen dialogue, trust or peace in the community?",
    ),
    (
        "inclusion",
        20,
        {
            "ky": "Аялдарды, жаштарды жана калктын аялуу катмарын тартуу",
            "ru": "Вовлечение женщин, молодёжи и уязвимых слоёв населения",
            "en": "Inclusion of women, youth and vulnerable groups",
        },
        "Are women, young people and vulnerable groups among those who decide, implement and benefit?",
    ),
    (
        "feasibility",
        20,
        {"ky": "Аткарылышы", "ru": "Реализуемость", "en": "Feasibility"},
        "Are the activities, dates and responsibilities realistic for the team and the time?",
    ),
    (
        "budget",
        15,
        {
            "ky": "Бюджет жана каражаттын натыйжалуулугу",
            "ru": "Бюджет и эффективность затрат",
            "en": "Budget and value for money",
        },
        "Are the costs reasonable, necessary and clearly linked to the activities? Is there co-funding?",
    ),
    (
        "sustainability",
        10,
        {"ky": "Туруктуулугу", "ru": "Устойчивость", "en": "Sustainability"},
        "Will the results last after the grant ends?",
    ),
    (
        "capacity",
        10,
        {"ky": "Өтүнмө ээсинин потенциалы", "ru": "Потенциал заявителя", "en": "Applicant capacity"},
        "Have the applicants the skills, experience and partners to carry the project out?",
    ),
]


class ReviewCriterion(TranslatedNames):
    """A weighted review criterion of a call; reviewers score each from 1 to 5."""

    call = models.ForeignKey(GrantCall, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("call"))
    code = models.SlugField(_("code"), max_length=40)
    weight = models.PositiveSmallIntegerField(
        _("weight (%)"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    guidance = models.TextField(_("guidance for reviewers"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["call", "order", "id"]
        verbose_name = _("review criterion")
        verbose_name_plural = _("review criteria")
        constraints = [
            models.UniqueConstraint(fields=["call", "code"], name="criterion_code_once_per_call"),
            models.CheckConstraint(name="criterion_weight_range", condition=Q(weight__range=(1, 100))),
        ]


# --- Applications -------------------------------------------------------------------------------------


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    SCREENING = "screening", _("eligibility screening")
    IN_REVIEW = "in_review", _("in review")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    WITHDRAWN = "withdrawn", _("withdrawn")


class GrantApplicationQuerySet(access.SiteScopedQuerySet):
    def for_user(self, user):
        """Admins and staff: the applications of their sites. Local authorities: their site's approved ones
        (awards). Reviewers: the ones assigned to them, unless they declared a conflict. Viewers and the
        public: none (viewers read aggregates)."""
        role = access.role_of(user)
        if role in {Role.ADMIN, Role.STAFF}:
            return super().for_user(user)
        if role == Role.LOCAL_AUTHORITY:
            return super().for_user(user).filter(status=ApplicationStatus.APPROVED)
        if role == Role.REVIEWER:
            assigned = Review.objects.filter(application=OuterRef("pk"), reviewer=user).exclude(
                status=Review.Status.RECUSED
            )
            return self.filter(Exists(assigned))
        if role == Role.APPLICANT:
            return self.of_person(access.applicant_person_id(user))
        return self.none()

    def of_person(self, person_id):
        """The applications a person leads or is in the team of (none for None)."""
        if person_id is None:
            return self.none()
        in_team = GrantApplication.team.through.objects.filter(grantapplication=OuterRef("pk"), person=person_id)
        return self.filter(Q(lead_applicant=person_id) | Exists(in_team))

    def awarded_on_map(self, user):
        """The awarded applications the grants map layer shows the user: approved, with their award, within
        `for_user`. Only for those who see awards one by one (`access.can_view_awards_on_map`)."""
        if not access.can_view_awards_on_map(user):
            return self.none()
        return self.for_user(user).filter(status=ApplicationStatus.APPROVED, award__isnull=False)


class GrantApplication(models.Model):
    """A project proposal to a call: who, what, for whom, at what cost. Status changes only through
    grants.workflow."""

    call = models.ForeignKey(GrantCall, on_delete=models.PROTECT, related_name="applications", verbose_name=_("call"))
    site = models.ForeignKey(
        PilotSite, on_delete=models.PROTECT, related_name="grant_applications", verbose_name=_("pilot site")
    )
    lead_applicant = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="led_grant_applications", verbose_name=_("lead applicant")
    )
    team = models.ManyToManyField(Person, blank=True, related_name="grant_applications", verbose_name=_("team members"))
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grant_applications",
        verbose_name=_("organization or initiative group"),
    )
    kind = models.CharField(_("kind of project"), max_length=10, choices=ProjectKind.choices)
    title = models.CharField(_("project title"), max_length=300)
    problem = models.TextField(_("problem"), blank=True)
    objectives = models.TextField(_("objectives"), blank=True)
    activities = models.TextField(_("activities with dates"), blank=True)
    # Applicants cannot search the registry (people are personal data): they name their team here, and staff link
    # the people of the registry to the application.
    team_note = models.TextField(
        _("team members as the applicants name them"),
        blank=True,
        help_text=_("Name, village and role in the project of each team member, one per line."),
    )
    girls = models.PositiveIntegerField(_("girls (under 14)"), default=0)
    boys = models.PositiveIntegerField(_("boys (under 14)"), default=0)
    young_women = models.PositiveIntegerField(_("young women (14–35)"), default=0)
    young_men = models.PositiveIntegerField(_("young men (14–35)"), default=0)
    women = models.PositiveIntegerField(_("women (over 35)"), default=0)
    men = models.PositiveIntegerField(_("men (over 35)"), default=0)
    # The sum of the budget lines, kept with them in one transaction (BudgetLineFormSet.save_lines).
    requested_amount = models.DecimalField(_("requested amount (som)"), **MONEY, default=ZERO, editable=False)
    co_funding_amount = models.DecimalField(_("co-funding (som)"), **MONEY, default=ZERO, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT, editable=False
    )
    submitted_at = models.DateTimeField(_("submitted on"), null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["version"], m2m_fields=[team])

    objects = GrantApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        indexes = [
            models.Index(fields=["call", "status"]),
            models.Index(fields=["site", "status"]),
            # The list's order: a page of 25 read in index order (1 ms) instead of sorting every application
            # joined to 200,000 people (130 ms on national data).
            models.Index(fields=["-created_at", "-id"], name="application_newest"),
        ]
        constraints = [
            models.CheckConstraint(name="application_amounts_not_negative", condition=Q(requested_amount__gte=0)),
            models.CheckConstraint(name="application_co_funding_not_negative", condition=Q(co_funding_amount__gte=0)),
        ]

    def __str__(self):
        return self.title

    @property
    def beneficiaries(self) -> int:
        return self.girls + self.boys + self.young_women + self.young_men + self.women + self.men

    @property
    def is_editable(self) -> bool:
        """Only a draft is edited; once submitted, the application is what was handed in."""
        return self.status == ApplicationStatus.DRAFT

    def totals_from_lines(self) -> tuple[Decimal, Decimal]:
        """(requested, co-funding) summed in SQL from the stored budget lines."""
        sums = self.budget_lines.aggregate(requested=Sum("total"), co_funding=Sum("co_funding"))
        return sums["requested"] or ZERO, sums["co_funding"] or ZERO


class ApplicantAccount(models.Model):
    """The link between a user with the applicant role and the registry person they are (DESIGN.md §3 "Small
    grants": applications entered by staff, or by the applicant's team with an account). Admins create it in the
    Django admin; the person is the lead applicant of the applications the account starts."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="applicant_account",
        verbose_name=_("user"),
        limit_choices_to={"role": Role.APPLICANT},
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="applicant_accounts", verbose_name=_("person in the registry")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("applicant account")
        verbose_name_plural = _("applicant accounts")

    def __str__(self):
        return f"{self.user} → {self.person}"

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.user_id and self.user.role != Role.APPLICANT:
            errors["user"] = _("Only a user with the role “grant applicant” can be linked to a person.")
        if self.person_id and (not self.person.is_active or self.person.merged_into_id):
            errors["person"] = _("Choose an active person of the registry (not a merged or deactivated record).")
        if errors:
            raise ValidationError(errors)


class BudgetLine(models.Model):
    """One line of an application's budget, in som: quantity × unit cost, and what others pay towards it."""

    application = models.ForeignKey(
        GrantApplication, on_delete=models.CASCADE, related_name="budget_lines", verbose_name=_("application")
    )
    item = models.CharField(_("item"), max_length=200)
    unit = models.CharField(_("unit"), max_length=40, help_text=_("For example: piece, day, month, kg."))
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    unit_cost = models.DecimalField(_("unit cost (som)"), max_digits=12, decimal_places=2)
    co_funding = models.DecimalField(
        _("co-funding (som)"),
        max_digits=12,
        decimal_places=2,
        default=ZERO,
        help_text=_("Paid by the applicants or others, not by the grant."),
    )
    total = models.GeneratedField(
        expression=F("quantity") * F("unit_cost"),
        output_field=models.DecimalField(**MONEY),
        db_persist=True,
        verbose_name=_("total (som)"),
    )
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords(excluded_fields=["total"])

    class Meta:
        ordering = ["application", "order", "id"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.CheckConstraint(name="budget_line_quantity_positive", condition=Q(quantity__gte=1)),
            models.CheckConstraint(name="budget_line_unit_cost_positive", condition=Q(unit_cost__gt=0)),
            models.CheckConstraint(name="budget_line_co_funding_not_negative", condition=Q(co_funding__gte=0)),
        ]

    def __str__(self):
        return self.item


class StatusChange(models.Model):
    """One step of an application's workflow: from which status to which, who, when, and why."""

    application = models.ForeignKey(
        GrantApplication, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("application")
    )
    from_status = models.CharField(_("from"), max_length=10, choices=ApplicationStatus.choices)
    to_status = models.CharField(_("to"), max_length=10, choices=ApplicationStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("when"), auto_now_add=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["application", "at", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self):
        return f"{self.application}: {self.from_status} → {self.to_status}"


# --- Reviews (grants.workflow owns their steps) -------------------------------------------------------


class Review(models.Model):
    """A reviewer's assignment to an application, their declaration, their scores and recommendation."""

    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("assigned: declaration pending")
        RECUSED = "recused", _("recused: conflict of interest")
        SCORING = "scoring", _("scoring")
        SUBMITTED = "submitted", _("submitted")

    class Recommendation(models.TextChoices):
        YES = "yes", _("yes: fund it")
        MAYBE = "maybe", _("maybe")
        NO = "no", _("no: do not fund it")

    application = models.ForeignKey(
        GrantApplication, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("application")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="grant_reviews", verbose_name=_("reviewer")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ASSIGNED)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("assigned by")
    )
    assigned_at = models.DateTimeField(_("assigned on"), auto_now_add=True)
    declared_at = models.DateTimeField(_("declared on"), null=True, blank=True)
    has_conflict = models.BooleanField(_("declared a conflict of interest"), null=True)
    conflict_note = models.TextField(_("the conflict of interest"), blank=True)
    confidentiality_accepted = models.BooleanField(_("accepted confidentiality"), default=False)
    recommendation = models.CharField(_("recommendation"), max_length=5, choices=Recommendation.choices, blank=True)
    comment = models.TextField(_("overall comment"), blank=True)
    # The weighted total 0–100 (score 5 on every criterion = 100), kept with the scores.
    weighted_total = models.DecimalField(_("weighted total"), max_digits=5, decimal_places=1, null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted on"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["application", "assigned_at", "id"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="review_once_per_reviewer"),
            models.CheckConstraint(
                name="review_submitted_needs_declaration",
                condition=~Q(status__in=["scoring", "submitted"])
                | Q(has_conflict=False, confidentiality_accepted=True),
            ),
            models.CheckConstraint(
                name="review_submitted_has_recommendation", condition=~Q(status="submitted") | ~Q(recommendation="")
            ),
            models.CheckConstraint(
                name="review_total_range",
                condition=Q(weighted_total__isnull=True) | Q(weighted_total__range=(0, 100)),
            ),
        ]

    def __str__(self):
        return f"{self.reviewer} — {self.application}"


class Score(models.Model):
    """A reviewer's score (1–5) of one criterion, with a comment."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores", verbose_name=_("review"))
    criterion = models.ForeignKey(
        ReviewCriterion, on_delete=models.PROTECT, related_name="scores", verbose_name=_("criterion")
    )
    score = models.PositiveSmallIntegerField(_("score (1–5)"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(_("comment"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "criterion__order", "criterion_id"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="score_once_per_criterion"),
            models.CheckConstraint(name="score_range", condition=Q(score__range=(1, 5))),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.score}"


# --- Awards and tranches ------------------------------------------------------------------------------


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
        return f"{self.application} — {self.amount}"

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


# --- Progress and final reports -------------------------------------------------------------------------------


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

    class Meta:
        ordering = ["award", "period_end", "id"]
        verbose_name = _("grant report")
        verbose_name_plural = _("grant reports")
        constraints = [
            models.UniqueConstraint(fields=["award"], condition=Q(kind="final"), name="one_final_report_per_award")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.period_end:%d.%m.%Y}"


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


class ReportPhoto(Photo):
    """A photo of the project's work (mapping_portal.models.Photo: checked, re-encoded without metadata, staff
    only)."""

    upload_folder = "grant-photos"

    report = models.ForeignKey(GrantReport, on_delete=models.CASCADE, related_name="photos", verbose_name=_("report"))

    class Meta(Photo.Meta):
        verbose_name = _("report photo")
        verbose_name_plural = _("report photos")


class ApplicationAttachment(models.Model):
    """A document handed in with an application (a scanned form, a quote, a letter of support): checked by its
    content (PDF, JPEG, PNG, Word or Excel; never a program) and size; served to staff only."""

    application = models.ForeignKey(
        GrantApplication, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("application")
    )
    file = models.FileField(_("file"), upload_to="grant-attachments/")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=10, editable=False)
    size = models.PositiveIntegerField(_("size (bytes)"), editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "created_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.name
