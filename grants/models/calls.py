"""Calls for applications and their weighted review criteria."""

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

from grants.models.money import MONEY, ZERO
from mapping_portal import access
from mapping_portal.models import PilotSite, TranslatedNames
from stakeholders.models import Person


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
        from grants.models.applications import GrantApplication

        if not access.can_view_grants(user):
            return self.none()
        if access.can_review_applications(user):
            return self.filter(Exists(GrantApplication.objects.for_user(user).filter(call=OuterRef("pk"))))
        if access.is_applicant(user):
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
        from grants.models.applications import GrantApplication

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
        from grants.models.awards import Award, Tranche

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
