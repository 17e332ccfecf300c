"""The shared core: users with a role and a site scope, pilot sites with their settlements, thematic areas; and
the photo every app attaches the same way."""

import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mapping_portal.access import PilotSiteQuerySet, SiteScopedQuerySet
from mapping_portal.roles import Role

# Kyrgyzstan's extent, with a small margin. A point outside it is a typing mistake (swapped
# latitude and longitude is the usual one), never a real place of this project.
KYRGYZSTAN_BOUNDS = {"lat_min": 39.1, "lat_max": 43.4, "lon_min": 69.2, "lon_max": 80.4}


def point_in_kyrgyzstan(lat, lon) -> bool:
    b = KYRGYZSTAN_BOUNDS
    return b["lat_min"] <= lat <= b["lat_max"] and b["lon_min"] <= lon <= b["lon_max"]


# Every date typed into the portal (events, plans, calls, tranches, reports, assessments, filters) lies in this
# range: the project's records start after 2000 and nothing is planned more than ten years ahead. A year 0001 or
# 9999 is a typing slip (or an attack: a range of dates costs work in proportion to its length), never data.
EARLIEST_DATE = datetime.date(2000, 1, 1)
YEARS_AHEAD = 10


def latest_date() -> datetime.date:
    """The last date the portal accepts: today (in Bishkek) ten years on."""
    today = timezone.localdate()
    return today.replace(year=today.year + YEARS_AHEAD, day=28 if (today.month, today.day) == (2, 29) else today.day)


DATE_RANGE_MESSAGE = _("Enter a date from %(earliest)s to %(latest)s.")


def validate_portal_date(value: datetime.date) -> None:
    """Refuse a date outside the portal's range, with the range in the user's date format."""
    latest = latest_date()
    if value is not None and not EARLIEST_DATE <= value <= latest:
        raise ValidationError(
            DATE_RANGE_MESSAGE,
            code="date_out_of_range",
            params={
                "earliest": date_format(EARLIEST_DATE, "SHORT_DATE_FORMAT"),
                "latest": date_format(latest, "SHORT_DATE_FORMAT"),
            },
        )


def portal_date_errors(instance, *names) -> dict:
    """The model-level twin of the forms' date field: {field name: error} for each named date outside the range
    (for a model's clean, so the admin and any other writer get the same limit)."""
    errors = {}
    for name in names:
        try:
            validate_portal_date(getattr(instance, name))
        except ValidationError as error:
            errors[name] = error
    return errors


def validate_point_in_kyrgyzstan(lat, lon):
    """Raise a ValidationError a field officer understands when a point is not in Kyrgyzstan."""
    if lat is None and lon is None:
        return
    if lat is None or lon is None:
        raise ValidationError(_("Give both latitude and longitude, or neither."))
    if not point_in_kyrgyzstan(lat, lon):
        raise ValidationError(
            _(
                "The point %(lat).5f, %(lon).5f is not in Kyrgyzstan. "
                "Check that latitude and longitude are not swapped."
            ),
            params={"lat": lat, "lon": lon},
        )


class TranslatedNames(models.Model):
    """Reference data named in all three interface languages; `name` follows the active one."""

    name_ky = models.CharField(_("name (Kyrgyz)"), max_length=200, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language, falling back to Kyrgyz, Russian, English in that order."""
        language = (get_language() or "ky")[:2]
        preferred = getattr(self, f"name_{language}", "")
        return preferred or self.name_ky or self.name_ru or self.name_en

    def names(self) -> dict:
        return {"ky": self.name_ky, "ru": self.name_ru, "en": self.name_en}


class LocationPrecision(models.TextChoices):
    EXACT = "exact", _("exact")
    DISTRICT_SEAT = "district_seat", _("approximate: the district seat")
    UNSET = "unset", _("not set")


class PilotSite(TranslatedNames):
    """One of the project's pilot sites: an ayil aimak or a town, with its official code and place."""

    class Kind(models.TextChoices):
        AYIL_AIMAK = "ayil_aimak", _("ayil aimak")
        TOWN = "town", _("town")

    slug = models.SlugField(unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    oblast_ky = models.CharField(_("oblast (Kyrgyz)"), max_length=100, blank=True)
    oblast_ru = models.CharField(_("oblast (Russian)"), max_length=100, blank=True)
    oblast_en = models.CharField(_("oblast (English)"), max_length=100, blank=True)
    district_ky = models.CharField(_("district (Kyrgyz)"), max_length=100, blank=True)
    district_ru = models.CharField(_("district (Russian)"), max_length=100, blank=True)
    district_en = models.CharField(_("district (English)"), max_length=100, blank=True)
    soate_code = models.CharField(_("official code (SOATE)"), max_length=14, unique=True)
    centre_lat = models.FloatField(_("centre latitude"), null=True, blank=True)
    centre_lon = models.FloatField(_("centre longitude"), null=True, blank=True)
    centre_precision = models.CharField(
        _("precision of the centre"),
        max_length=20,
        choices=LocationPrecision.choices,
        default=LocationPrecision.UNSET,
    )
    centre_note = models.TextField(_("where the centre comes from"), blank=True)
    boundary = models.JSONField(_("boundary (GeoJSON geometry)"), null=True, blank=True)
    boundary_source = models.CharField(_("source of the boundary"), max_length=300, blank=True)
    history = HistoricalRecords()

    objects = PilotSiteQuerySet.as_manager()

    class Meta:
        ordering = ["slug"]
        verbose_name = _("pilot site")
        verbose_name_plural = _("pilot sites")
        constraints = [
            models.CheckConstraint(
                name="pilot_site_centre_both_or_neither",
                condition=(models.Q(centre_lat__isnull=True) & models.Q(centre_lon__isnull=True))
                | (models.Q(centre_lat__isnull=False) & models.Q(centre_lon__isnull=False)),
            ),
            models.CheckConstraint(
                name="pilot_site_centre_precision_matches",
                condition=(models.Q(centre_lat__isnull=True) & models.Q(centre_precision="unset"))
                | (models.Q(centre_lat__isnull=False) & ~models.Q(centre_precision="unset")),
            ),
        ]

    def clean(self):
        validate_point_in_kyrgyzstan(self.centre_lat, self.centre_lon)

    @property
    def district(self) -> str:
        return _pick(self, "district")

    @property
    def oblast(self) -> str:
        return _pick(self, "oblast")

    @property
    def has_centre(self) -> bool:
        return self.centre_lat is not None and self.centre_lon is not None

    @property
    def centre_is_approximate(self) -> bool:
        return self.centre_precision != LocationPrecision.EXACT

    def set_centre(self, lat, lon, precision=LocationPrecision.EXACT, note=""):
        """Place the site's centre; validates that the point lies in Kyrgyzstan."""
        validate_point_in_kyrgyzstan(lat, lon)
        self.centre_lat, self.centre_lon = lat, lon
        self.centre_precision = precision if lat is not None else LocationPrecision.UNSET
        self.centre_note = note


def _pick(obj, prefix):
    language = (get_language() or "ky")[:2]
    return getattr(obj, f"{prefix}_{language}", "") or getattr(obj, f"{prefix}_ky") or getattr(obj, f"{prefix}_ru")


class Settlement(TranslatedNames):
    """A village (or town quarter) of a pilot site, with its official code and point where known."""

    site = models.ForeignKey(
        PilotSite, on_delete=models.CASCADE, related_name="settlements", verbose_name=_("pilot site")
    )
    soate_code = models.CharField(_("official code (SOATE)"), max_length=14, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    history = HistoricalRecords()

    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        ordering = ["site", "soate_code", "name_ru"]
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")
        constraints = [
            models.UniqueConstraint(
                fields=["soate_code"], condition=~models.Q(soate_code=""), name="settlement_soate_code_unique"
            ),
            models.CheckConstraint(
                name="settlement_point_both_or_neither",
                condition=(models.Q(lat__isnull=True) & models.Q(lon__isnull=True))
                | (models.Q(lat__isnull=False) & models.Q(lon__isnull=False)),
            ),
        ]

    def clean(self):
        validate_point_in_kyrgyzstan(self.lat, self.lon)


class Unscr1325Pillar(models.TextChoices):
    PREVENTION = "prevention", _("prevention")
    PARTICIPATION = "participation", _("participation")
    PROTECTION = "protection", _("protection")
    RELIEF_RECOVERY = "relief_recovery", _("relief and recovery")


class ThematicArea(TranslatedNames):
    """One of the project's five thematic directions, tagged with the UNSCR 1325 pillars it serves.

    A `sensitive` area (gender-based-violence prevention) hides the organizations working on it
    from the public map unless their consent says otherwise.
    """

    code = models.SlugField(unique=True)
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1), MaxValueValidator(99)])
    description_ky = models.TextField(_("description (Kyrgyz)"), blank=True)
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    sensitive = models.BooleanField(
        _("sensitive"),
        default=False,
        help_text=_(
            "Organizations working on a sensitive area are hidden from the public map unless their consent covers it."
        ),
    )
    pillars = ArrayField(
        models.CharField(max_length=20, choices=Unscr1325Pillar.choices),
        verbose_name=_("UNSCR 1325 pillars"),
        default=list,
        blank=True,
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        verbose_name = _("thematic area")
        verbose_name_plural = _("thematic areas")

    @property
    def description(self) -> str:
        return _pick(self, "description")

    def get_pillars_display(self) -> list:
        labels = dict(Unscr1325Pillar.choices)
        return [labels[p] for p in self.pillars if p in labels]


class PortalUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in: one role, and the pilot sites they work in.

    Staff and admins with no sites see all sites; every other role sees only its own sites.
    Django's `is_staff` and `is_superuser` follow the role (only admins use the Django admin).
    """

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.VIEWER)
    sites = models.ManyToManyField(
        PilotSite,
        blank=True,
        related_name="users",
        verbose_name=_("pilot sites"),
        help_text=_("Local authorities see only these sites. Staff and administrators with none see all sites."),
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=2,
        choices=[("ky", "Кыргызча"), ("ru", "Русский"), ("en", "English")],
        default="ky",
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"], m2m_fields=[sites])

    objects = PortalUserManager()

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def save(self, *args, **kwargs):
        if self.is_superuser and self.role != Role.ADMIN and not self.pk:
            self.role = Role.ADMIN
        self.is_staff = self.is_superuser = self.role == Role.ADMIN
        super().save(*args, **kwargs)


class ExportLog(models.Model):
    """Who exported what, when, with which filters, and how many rows (DESIGN.md §6)."""

    user = models.ForeignKey(
        "mapping_portal.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="exports",
        verbose_name=_("user"),
    )
    created_at = models.DateTimeField(_("exported at"), auto_now_add=True)
    export = models.CharField(_("export"), max_length=60)
    format = models.CharField(_("format"), max_length=10)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    personal_data = models.BooleanField(_("contains personal data"), default=False)
    channel = models.CharField(_("channel"), max_length=20, default="web")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("export log entry")
        verbose_name_plural = _("export log")

    def __str__(self):
        return f"{self.export}.{self.format} ({self.created_at:%d.%m.%Y %H:%M})"


def _photo_path(photo, filename):
    return f"{photo.upload_folder}/{filename}"


class Photo(models.Model):
    """A photo attached to a record (an event, a grant report): checked and re-encoded without its metadata by
    mapping_portal.images (phones record where a photo was taken), with a thumbnail; served to admins and staff
    only (photos show faces). Subclasses add the record it belongs to and their `upload_folder`."""

    upload_folder = "photos"

    image = models.ImageField(_("photo"), upload_to=_photo_path)
    thumbnail = models.ImageField(upload_to=_photo_path, editable=False)
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.caption or self.image.name

    def store(self, cleaned):
        """Keep a checked image (a mapping_portal.images.CleanImage) and its thumbnail; the caller saves."""
        self.image.save(cleaned.full.name, cleaned.full, save=False)
        self.thumbnail.save(cleaned.thumbnail.name, cleaned.thumbnail, save=False)


class PageVisit(models.Model):
    """When a user last opened a page whose news their home counts (the possible duplicates), and the newest row
    that page held then: what came after is new to them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    page = models.CharField(max_length=40)
    visited_at = models.DateTimeField()
    last_seen_id = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "page"], name="page_visit_once_per_user")]

    def __str__(self):
        return f"{self.user_id} {self.page} {self.visited_at:%d.%m.%Y %H:%M}"

    @classmethod
    def record(cls, user, page, last_seen_id):
        """One query, first visit or not (an upsert)."""
        cls.objects.bulk_create(
            [cls(user=user, page=page, visited_at=timezone.now(), last_seen_id=last_seen_id or 0)],
            update_conflicts=True,
            unique_fields=["user", "page"],
            update_fields=["visited_at", "last_seen_id"],
        )


# The results framework's models live in their own package (mapping_portal/results/); imported here so that Django
# finds them with the app's other models.
from mapping_portal.jobs.models import Job  # noqa: E402, F401
from mapping_portal.results.models import Indicator, Programme, Result, Target  # noqa: E402, F401
