"""Applications and their parts: the applicant's account, budget lines, status changes, attachments."""

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Avg, Count, Exists, F, Max, Min, OuterRef, Q, StdDev, Sum
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from grants.models.calls import GrantCall, ProjectKind
from grants.models.money import MONEY, ZERO
from mapping_portal import access
from mapping_portal.models import PilotSite
from mapping_portal.roles import Role
from stakeholders.models import Organization, Person


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
        from grants.models.reviews import Review

        if access.can_manage_grants(user):
            return super().for_user(user)
        if access.can_view_awards_on_map(user):  # beyond those who manage grants: local authorities, awards only
            return super().for_user(user).filter(status=ApplicationStatus.APPROVED)
        if access.can_review_applications(user):
            assigned = Review.objects.assigned_to(user).exclude(status=Review.Status.RECUSED)
            return self.filter(Exists(assigned.filter(application=OuterRef("pk"))))
        if access.is_applicant(user):
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

    def status_counts(self) -> list[tuple[str, str, int]]:
        """(status, its label, how many) for each status present, in the workflow's order: one grouped query."""
        counts = dict(self.order_by().values_list("status").annotate(n=Count("pk")))
        return [(value, label, counts[value]) for value, label in ApplicationStatus.choices if value in counts]

    def ranked(self):
        """The applications reviewed (not drafts nor withdrawn), each with its submitted reviews' figures — how
        many reviewed, assigned and recused, the average weighted total, lowest, highest, spread and the
        recommendations — ranked by the average, computed in SQL (recused reviewers and reviews not yet submitted
        do not count). The id breaks ties, so the order is the same from one page to the next."""
        from grants.models.reviews import Review

        submitted = Q(reviews__status=Review.Status.SUBMITTED)
        recused = Q(reviews__status=Review.Status.RECUSED)
        return (
            self.exclude(status__in=[ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN])
            .annotate(
                reviewed=Count("reviews", filter=submitted),
                assigned=Count("reviews", filter=~recused),
                recused=Count("reviews", filter=recused),
                average=Avg("reviews__weighted_total", filter=submitted),
                lowest=Min("reviews__weighted_total", filter=submitted),
                highest=Max("reviews__weighted_total", filter=submitted),
                deviation=StdDev("reviews__weighted_total", filter=submitted),
                yes=Count("reviews", filter=submitted & Q(reviews__recommendation="yes")),
                maybe=Count("reviews", filter=submitted & Q(reviews__recommendation="maybe")),
                no=Count("reviews", filter=submitted & Q(reviews__recommendation="no")),
            )
            .order_by(F("average").desc(nulls_last=True), "id")
        )


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
    grants": applications entered by staff, or by the applicant's team with an account). Staff create it from the
    person's page (an invitation with a one-time link to set a password, or an existing applicant user linked), or
    by confirming a registration (grants.accounts); the person is the lead applicant of the applications the account
    starts."""

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
    # The last invitation sent (a one-time link to set the password), by whom: each one is a row of the history.
    invited_at = models.DateTimeField(_("invited on"), null=True, blank=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
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


class ApplicantRegistrationQuerySet(access.SiteScopedQuerySet):
    def for_user(self, user):
        """Registrations are personal data: admins and staff who manage applicant accounts, within their sites."""
        if not access.can_manage_applicant_accounts(user):
            return self.none()
        return super().for_user(user)


class ApplicantRegistration(models.Model):
    """A person asking for an applicant account on the public form. Nothing is created for them until staff confirm
    the link to the registry record (a person chosen or created): then the account is created and they are invited
    to set a password. A refused registration stays, refused, in the history."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("waiting")
        CONFIRMED = "confirmed", _("confirmed")
        REFUSED = "refused", _("refused")

    full_name = models.CharField(_("full name"), max_length=200)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    site = models.ForeignKey(
        PilotSite, on_delete=models.PROTECT, related_name="applicant_registrations", verbose_name=_("pilot site")
    )
    statement = models.TextField(_("about you and your project idea"), max_length=1000)
    language = models.CharField(max_length=2, default="ky", editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.WAITING, editable=False
    )
    created_at = models.DateTimeField(_("registered on"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True, editable=False)
    account = models.ForeignKey(
        ApplicantAccount,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations",
        editable=False,
        verbose_name=_("applicant account"),
    )
    history = HistoricalRecords()

    objects = ApplicantRegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("applicant registration")
        verbose_name_plural = _("applicant registrations")
        indexes = [models.Index(fields=["status", "site"])]

    def __str__(self):
        return self.full_name


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
    # Sent on to review although these eligibility rules failed (grants.eligibility keys): the comment is the reason.
    failed_rules = ArrayField(
        models.CharField(max_length=40), default=list, blank=True, verbose_name=_("eligibility rules not met")
    )

    class Meta:
        ordering = ["application", "at", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self):
        return f"{self.application}: {self.from_status} → {self.to_status}"

    def failed_rule_labels(self) -> list[str]:
        from grants.eligibility import label_of

        return [label_of(key) for key in self.failed_rules]


class ApplicationAttachmentQuerySet(models.QuerySet):
    def for_user(self, user):
        """The documents of the applications in the user's scope, for those who read them
        (`access.can_view_application_documents`: admins and staff, applicants their own, reviewers the ones assigned
        to them and not recused from — `GrantApplication.objects.for_user`)."""
        if not access.can_view_application_documents(user):
            return self.none()
        return self.filter(application__in=GrantApplication.objects.for_user(user))


class ApplicationAttachment(models.Model):
    """A document handed in with an application (a scanned form, a quote, a letter of support): checked by its
    content (PDF, JPEG, PNG, Word or Excel; never a program) and size; served to staff, the applicants' own account
    and the reviewers assigned to it (not recused)."""

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

    objects = ApplicationAttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["application", "created_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.name
