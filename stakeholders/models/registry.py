"""The registry proper: organizations, people, their memberships, and the reference lists they use."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Func, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mapping_portal import access, hooks
from mapping_portal.models import PilotSite, Settlement, ThematicArea, TranslatedNames, validate_point_in_kyrgyzstan
from mapping_portal.text import match_key
from stakeholders.duplicates import organization_name_key

# Kyrgyz alphabet order (ң after н, ө after о, ү after у), which PostgreSQL's default C collation
# does not know. `translate()` maps each letter, both cases, to a private-use character whose
# code points follow that order; the result is an immutable expression, so it can be a stored,
# indexed generated column that sorts correctly on any PostgreSQL, with or without ICU.
KYRGYZ_ALPHABET = "абвгдеёжзийклмнңоөпрстуүфхцчшщъыьэюя"
_SORT_FROM = KYRGYZ_ALPHABET + KYRGYZ_ALPHABET.upper()
_SORT_TO = "".join(chr(0xE000 + rank) for rank in range(len(KYRGYZ_ALPHABET))) * 2


def kyrgyz_sort_key(expression):
    return Func(expression, Value(_SORT_FROM), Value(_SORT_TO), function="translate", output_field=models.TextField())


class OrganizationType(TranslatedNames):
    """Kinds of organizations and institutions (admin-editable, named in three languages)."""

    code = models.SlugField(unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    color = models.CharField(
        _("map colour"), max_length=7, default="#0b5394", help_text=_("Colour of its markers on the map, as #rrggbb.")
    )
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("organization type")
        verbose_name_plural = _("organization types")
        constraints = [
            models.CheckConstraint(name="organization_type_color_hex", condition=Q(color__regex=r"^#[0-9a-fA-F]{6}$"))
        ]


class TargetGroup(TranslatedNames):
    """Groups an organization works with (admin-editable, named in three languages)."""

    code = models.SlugField(unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")


class OrganizationQuerySet(access.SiteScopedQuerySet):
    def for_user(self, user):
        """What a user may see of the registry (DESIGN.md §4).

        Staff, admins, local authorities and viewers: the organizations of their sites. Reviewers:
        only those whose applications they review (`hooks.reviewer_scopes`, registered by grants). The public:
        active organizations with recorded consent, and of those working on a sensitive thematic
        area only the ones whose consent explicitly covers it.
        """
        if access.is_public(user):
            return self.public()
        if access.is_reviewer(user):
            scopes = hooks.reviewer_scopes.answers(user)
            if not scopes:
                return self.none()
            allowed = Q()
            for scope in scopes:
                allowed |= Q(pk__in=scope)
            return self.filter(allowed, merged_into__isnull=True)
        return super().for_user(user).filter(merged_into__isnull=True)

    def public(self):
        sensitive = ThematicArea.objects.filter(sensitive=True, organizations=models.OuterRef("pk"))
        return self.filter(is_active=True, public_listing_consent=True).filter(
            Q(consent_covers_sensitive=True) | ~models.Exists(sensitive)
        )


class Stance(models.TextChoices):
    SUPPORTIVE = "supportive", _("supportive")
    NEUTRAL = "neutral", _("neutral")
    RESISTANT = "resistant", _("resistant")


class RegistryRecord(models.Model):
    """What organizations and people share: deactivation, the record a merge folded this one into, the version
    that edit forms check, and the keys that searching and matching read (kept by `save()`: `search_key` every
    name, `name_key` the names as duplicates are compared)."""

    is_active = models.BooleanField(_("active"), default=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_records",
        editable=False,
        verbose_name=_("merged into"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_key = models.TextField(editable=False, default="")
    name_key = models.TextField(editable=False, default="")

    class Meta:
        abstract = True


class Organization(RegistryRecord):
    """A civil-society organization, institution or group mapped in a pilot site."""

    class RegistrationStatus(models.TextChoices):
        REGISTERED = "registered", _("registered with the Ministry of Justice")
        INFORMAL = "informal", _("not registered (informal group)")
        IN_PROGRESS = "in_progress", _("registration in progress")

    name_ky = models.CharField(_("name in Kyrgyz"), max_length=300, blank=True)
    name_ru = models.CharField(_("name in Russian"), max_length=300, blank=True)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    type = models.ForeignKey(
        OrganizationType, on_delete=models.PROTECT, related_name="organizations", verbose_name=_("type")
    )
    site = models.ForeignKey(
        PilotSite, on_delete=models.PROTECT, related_name="organizations", verbose_name=_("pilot site")
    )
    settlement = models.ForeignKey(
        Settlement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
        verbose_name=_("settlement"),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    registration_status = models.CharField(
        _("registration"), max_length=20, choices=RegistrationStatus.choices, default=RegistrationStatus.REGISTERED
    )
    registration_number = models.CharField(_("registration number"), max_length=60, blank=True)
    year_founded = models.PositiveSmallIntegerField(
        _("year founded"), null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    thematic_areas = models.ManyToManyField(
        ThematicArea, blank=True, related_name="organizations", verbose_name=_("thematic directions")
    )
    target_groups = models.ManyToManyField(
        TargetGroup, blank=True, related_name="organizations", verbose_name=_("target groups")
    )
    staff_women = models.PositiveIntegerField(_("staff: women"), null=True, blank=True)
    staff_men = models.PositiveIntegerField(_("staff: men"), null=True, blank=True)
    volunteers_women = models.PositiveIntegerField(_("volunteers: women"), null=True, blank=True)
    volunteers_men = models.PositiveIntegerField(_("volunteers: men"), null=True, blank=True)
    board_women = models.PositiveIntegerField(_("governing body: women"), null=True, blank=True)
    board_men = models.PositiveIntegerField(_("governing body: men"), null=True, blank=True)
    board_youth = models.PositiveIntegerField(
        _("governing body: young people (14–35)"), null=True, blank=True, help_text=_("Of the members counted above.")
    )
    women_led = models.BooleanField(_("women-led"), default=False)
    youth_led = models.BooleanField(_("youth-led"), default=False)
    funding_sources = models.TextField(
        _("funding sources"), blank=True, help_text=_("Sensitive: seen by project staff and administrators only.")
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    logo_thumbnail = models.ImageField(upload_to="logos/", blank=True, editable=False)
    public_listing_consent = models.BooleanField(
        _("consents to public listing"),
        default=False,
        help_text=_("Listed on the public map with its name, type, site and thematic directions only."),
    )
    consent_covers_sensitive = models.BooleanField(
        _("consent covers its sensitive work"),
        default=False,
        help_text=_("Without this, an organization working on a sensitive direction stays off the public map."),
    )
    consent_given_by = models.CharField(_("consent given by"), max_length=200, blank=True)
    consent_recorded_at = models.DateTimeField(_("consent recorded on"), null=True, blank=True, editable=False)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    influence = models.PositiveSmallIntegerField(
        _("influence (1–5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("How much it can affect social cohesion and local decisions in its site."),
    )
    interest = models.PositiveSmallIntegerField(
        _("interest (1–5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("How much the project's aims matter to it."),
    )
    stance = models.CharField(_("stance towards the project"), max_length=12, choices=Stance.choices, blank=True)
    needs_validation = models.BooleanField(
        _("needs validation"), default=True, help_text=_("Not yet verified in the field.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    sort_key = models.GeneratedField(
        expression=kyrgyz_sort_key(Coalesce(NullIf(F("name_ky"), Value("")), F("name_ru"))),
        output_field=models.TextField(),
        db_persist=True,
    )
    history = HistoricalRecords(
        excluded_fields=["search_key", "name_key", "sort_key", "version"], m2m_fields=[thematic_areas, target_groups]
    )

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["sort_key", "id"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        indexes = [
            models.Index(fields=["sort_key", "id"]),
            models.Index(fields=["site", "is_active"]),
            GinIndex(fields=["search_key"], name="organization_search_trgm", opclasses=["gin_trgm_ops"]),
            GinIndex(fields=["name_key"], name="organization_name_key_trgm", opclasses=["gin_trgm_ops"]),
        ]
        constraints = [
            models.CheckConstraint(name="organization_has_a_name", condition=~Q(name_ky="") | ~Q(name_ru="")),
            models.CheckConstraint(
                name="organization_analysis_range",
                condition=(Q(influence__isnull=True) | Q(influence__range=(1, 5)))
                & (Q(interest__isnull=True) | Q(interest__range=(1, 5))),
            ),
            models.CheckConstraint(
                name="organization_point_both_or_neither",
                condition=(Q(lat__isnull=True) & Q(lon__isnull=True)) | (Q(lat__isnull=False) & Q(lon__isnull=False)),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_key = " ".join(match_key(part) for part in (self.name_ky, self.name_ru, self.acronym) if part)
        self.name_key = organization_name_key(self.name_ky, self.name_ru)
        super().save(*args, **kwargs)

    @property
    def name(self) -> str:
        """The Kyrgyz name, or the Russian one where no Kyrgyz name is recorded."""
        return self.name_ky or self.name_ru

    @property
    def other_name(self) -> str:
        return self.name_ru if self.name_ky and self.name_ru and self.name_ru != self.name_ky else ""

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lon is not None

    @property
    def sensitive(self) -> bool:
        return any(area.sensitive for area in self.thematic_areas.all())

    def clean(self):
        errors = {}
        if not (self.name_ky.strip() or self.name_ru.strip()):
            errors["name_ky"] = _("Give the name in Kyrgyz, in Russian, or both.")
        if self.settlement_id and self.site_id and self.settlement.site_id != self.site_id:
            errors["settlement"] = _("This settlement is not in the chosen pilot site.")
        if self.board_youth is not None and self.board_youth > (self.board_women or 0) + (self.board_men or 0):
            errors["board_youth"] = _("There cannot be more young members than members of the governing body.")
        if self.year_founded and self.year_founded > timezone.localdate().year:
            errors["year_founded"] = _("The year founded cannot be in the future.")
        if errors:
            raise ValidationError(errors)
        try:
            validate_point_in_kyrgyzstan(self.lat, self.lon)
        except ValidationError as error:
            raise ValidationError({"lat": error.messages}) from error

    # On the 1–5 scales of the power–interest grid, "high" means this much or more (the grid draws its
    # quadrant lines half-way below it).
    ANALYSIS_HIGH = 4

    @property
    def analysis_quadrant(self) -> str | None:
        """Where it sits on the power–interest grid (high means 4 or 5 on the 1–5 scales)."""
        if self.influence is None or self.interest is None:
            return None
        high_influence, high_interest = self.influence >= self.ANALYSIS_HIGH, self.interest >= self.ANALYSIS_HIGH
        if high_influence and high_interest:
            return "manage-closely"
        if high_influence:
            return "keep-satisfied"
        if high_interest:
            return "keep-informed"
        return "monitor"

    def record_consent(self, user, given: bool):
        """Keep who recorded the public-listing consent and when; withdrawing it clears both."""
        if given and not self.consent_recorded_at:
            self.consent_recorded_at, self.consent_recorded_by = timezone.now(), user
        if not given:
            self.consent_recorded_at = self.consent_recorded_by = None
            self.consent_covers_sensitive = False


class PersonQuerySet(access.SiteScopedQuerySet):
    def for_user(self, user):
        """People are personal data: admins and staff only (DESIGN.md §6). A reviewer reads the names of the
        lead applicant and team of an application assigned to them on the grants pages
        (`access.can_view_applicant_names`), without their contacts, never these records."""
        if not access.can_view_personal_data(user):
            return self.none()
        return super().for_user(user).filter(merged_into__isnull=True)


class Sex(models.TextChoices):
    FEMALE = "female", _("female")
    MALE = "male", _("male")


class Difficulty(models.TextChoices):
    """Answers of the Washington Group short set on functioning."""

    NONE = "none", _("no difficulty")
    SOME = "some", _("some difficulty")
    A_LOT = "a_lot", _("a lot of difficulty")
    CANNOT = "cannot", _("cannot do at all")


class VulnerableGroup(models.TextChoices):
    RETURNING_MIGRANT = "returning_migrant", _("returning labour migrant")
    MIGRANT_FAMILY = "migrant_family", _("family member left behind by labour migrants")
    SINGLE_PARENT = "single_parent", _("single parent")
    LOW_INCOME = "low_income", _("low-income household")
    ETHNIC_MINORITY = "ethnic_minority", _("ethnic minority")
    INTERNALLY_DISPLACED = "internally_displaced", _("internally displaced")


WASHINGTON_GROUP_QUESTIONS = [
    ("wg_seeing", _("Seeing, even if wearing glasses")),
    ("wg_hearing", _("Hearing, even if using a hearing aid")),
    ("wg_walking", _("Walking or climbing steps")),
    ("wg_cognition", _("Remembering or concentrating")),
    ("wg_self_care", _("Self-care, such as washing all over or dressing")),
    ("wg_communication", _("Communicating in one's usual language")),
]


class Person(RegistryRecord):
    """An active citizen, member, contact or participant. Personal data: admins and staff only."""

    full_name = models.CharField(_("full name"), max_length=200, help_text=_("In Cyrillic, as in the passport."))
    full_name_latin = models.CharField(_("full name in Latin letters"), max_length=200, blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    birth_year = models.PositiveSmallIntegerField(
        _("year of birth"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
        help_text=_("Age groups are worked out from it; the exact date of birth is not recorded."),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    site = models.ForeignKey(PilotSite, on_delete=models.PROTECT, related_name="people", verbose_name=_("pilot site"))
    settlement = models.ForeignKey(
        Settlement, on_delete=models.PROTECT, null=True, blank=True, related_name="people", verbose_name=_("settlement")
    )
    wg_seeing = models.CharField(
        WASHINGTON_GROUP_QUESTIONS[0][1], max_length=10, choices=Difficulty.choices, blank=True
    )
    wg_hearing = models.CharField(
        WASHINGTON_GROUP_QUESTIONS[1][1], max_length=10, choices=Difficulty.choices, blank=True
    )
    wg_walking = models.CharField(
        WASHINGTON_GROUP_QUESTIONS[2][1], max_length=10, choices=Difficulty.choices, blank=True
    )
    wg_cognition = models.CharField(
        WASHINGTON_GROUP_QUESTIONS[3][1], max_length=10, choices=Difficulty.choices, blank=True
    )
    wg_self_care = models.CharField(
        WASHINGTON_GROUP_QUESTIONS[4][1], max_length=10, choices=Difficulty.choices, blank=True
    )
    wg_communication = models.CharField(
        WASHINGTON_GROUP_QUESTIONS[5][1], max_length=10, choices=Difficulty.choices, blank=True
    )
    vulnerable_groups = ArrayField(
        models.CharField(max_length=30, choices=VulnerableGroup.choices),
        verbose_name=_("other vulnerable-group categories"),
        default=list,
        blank=True,
    )
    is_active_citizen = models.BooleanField(_("active citizen"), default=False)
    consent_date = models.DateField(_("consent given on"), null=True, blank=True)
    consent_purpose = models.CharField(_("purpose of the consent"), max_length=300, blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    sort_key = models.GeneratedField(
        expression=kyrgyz_sort_key(F("full_name")), output_field=models.TextField(), db_persist=True
    )
    history = HistoricalRecords(excluded_fields=["search_key", "name_key", "sort_key", "version"])

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["sort_key", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            models.Index(fields=["sort_key", "id"]),
            models.Index(fields=["site", "is_active"]),
            GinIndex(fields=["search_key"], name="person_search_trgm", opclasses=["gin_trgm_ops"]),
            GinIndex(fields=["name_key"], name="person_name_key_trgm", opclasses=["gin_trgm_ops"]),
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.search_key = " ".join(match_key(part) for part in (self.full_name, self.full_name_latin) if part)
        self.name_key = match_key(self.full_name)
        super().save(*args, **kwargs)

    @property
    def has_disability(self) -> bool:
        """The Washington Group cut-off: "a lot of difficulty" or "cannot do at all" in any domain."""
        return any(
            getattr(self, field) in {Difficulty.A_LOT, Difficulty.CANNOT}
            for field, _label in WASHINGTON_GROUP_QUESTIONS
        )

    def age_in(self, year: int) -> int | None:
        return None if self.birth_year is None else year - self.birth_year

    @property
    def is_youth(self) -> bool | None:
        """Youth as Kyrgyz law counts it: 14 to 35 years old (this year)."""
        age = self.age_in(timezone.localdate().year)
        return None if age is None else 14 <= age <= 35

    def clean(self):
        if self.settlement_id and self.site_id and self.settlement.site_id != self.site_id:
            raise ValidationError({"settlement": _("This settlement is not in the chosen pilot site.")})
        if self.birth_year and self.birth_year > timezone.localdate().year:
            raise ValidationError({"birth_year": _("The year of birth cannot be in the future.")})


class MembershipRole(models.TextChoices):
    LEADER = "leader", _("leader")
    MEMBER = "member", _("member")
    STAFF = "staff", _("staff member")
    VOLUNTEER = "volunteer", _("volunteer")
    CONTACT = "contact", _("contact person")
    FOUNDER = "founder", _("founder")


class Membership(models.Model):
    """A person's tie to an organization, with the role they hold there."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("person"))
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organization")
    )
    role = models.CharField(_("role"), max_length=20, choices=MembershipRole.choices, default=MembershipRole.MEMBER)
    since = models.PositiveSmallIntegerField(_("since (year)"), null=True, blank=True)
    until = models.PositiveSmallIntegerField(_("until (year)"), null=True, blank=True)
    history = HistoricalRecords()
    merge_drops_repeats = True  # merging two people (or organizations): the same membership twice is one

    class Meta:
        ordering = ["organization", "role"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["person", "organization", "role"], name="membership_unique_role")
        ]

    def __str__(self):
        return f"{self.person} — {self.organization} ({self.get_role_display()})"


class RelationshipKind(models.TextChoices):
    PARTNER = "partner", _("partner of")
    MEMBER_OF = "member_of", _("member of")
    FUNDS = "funds", _("funds")
    COORDINATES_WITH = "coordinates_with", _("coordinates with")


class OrganizationRelationship(models.Model):
    """A tie between two organizations (the network view draws them); read from source to target:
    "A funds B", "A is a member of B"."""

    source = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="relationships_out", verbose_name=_("organization")
    )
    target = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="relationships_in", verbose_name=_("related organization")
    )
    kind = models.CharField(_("relationship"), max_length=20, choices=RelationshipKind.choices)
    since = models.PositiveSmallIntegerField(_("since (year)"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()
    merge_drops_repeats = True  # after a merge: the same tie twice, or a tie between the two merged records

    class Meta:
        ordering = ["source", "kind", "target"]
        verbose_name = _("relationship")
        verbose_name_plural = _("relationships")
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="relationship_once"),
            models.CheckConstraint(name="relationship_not_to_itself", condition=~Q(source=F("target"))),
        ]

    def __str__(self):
        return f"{self.source} → {self.target} ({self.get_kind_display()})"
