"""Dialogue platforms (dialogue and resource centres), events and trainings, attendance (named and anonymous
tallies), follow-up actions, photos, and what the project records about the initiative groups it formed."""

import datetime

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mapping_portal import access
from mapping_portal.models import (
    Photo,
    PilotSite,
    Settlement,
    ThematicArea,
    portal_date_errors,
    validate_point_in_kyrgyzstan,
)
from stakeholders.models import Organization, Person

# A multi-day event longer than this is a typing mistake (a year typed wrong), not a training.
MAX_EVENT_DAYS = 31
# Organizations of this type (stakeholders' seeded OrganizationType code) are initiative groups.
INITIATIVE_GROUP_TYPE = "initiative-group"


class DialogueQuerySet(access.SiteScopedQuerySet):
    """Platforms and events: admins and staff (their sites), local authorities (their own site).

    Viewers get aggregates only (the results page), reviewers and the public nothing (DESIGN.md §4).
    """

    def for_user(self, user):
        if not access.can_view_events(user):
            return self.none()
        return super().for_user(user)


def _point_clean(lat, lon):
    try:
        validate_point_in_kyrgyzstan(lat, lon)
    except ValidationError as error:
        raise ValidationError({"lat": error.messages}) from error


class EventQuerySet(DialogueQuerySet):
    def for_aggregates(self, user):
        """The events whose counts the user may read (`access.can_view_dialogue_results`), in the user's sites:
        viewers read these aggregates but never the events themselves (`for_user`)."""
        if not access.can_view_dialogue_results(user):
            return self.none()
        return access.scope_to_sites(self, user)

    def with_counts(self):
        """Each event with its named participants, people tallied and overdue follow-up actions, as
        correlated subqueries: computed for the rows fetched (a page), not for every event."""
        return self.annotate(
            participant_count=_count_of(Attendance.objects.filter(role=AttendanceRole.PARTICIPANT)),
            tallied_count=_count_of(AttendanceTally.objects.all(), models.Sum("count")),
            overdue_actions=_count_of(FollowUpAction.objects.filter(FollowUpAction.overdue_q())),
        )


def _count_of(queryset, aggregate=None):
    return Coalesce(
        Subquery(
            queryset.filter(event=OuterRef("pk"))
            .order_by()
            .values("event")
            .annotate(n=aggregate or models.Count("pk"))
            .values("n"),
            output_field=models.IntegerField(),
        ),
        Value(0),
    )


class DialoguePlatform(models.Model):
    """A dialogue and resource centre of a pilot site, hosted by an organization, with its coordinators."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("being set up")
        ACTIVE = "active", _("open")
        CLOSED = "closed", _("closed")

    name = models.CharField(_("name"), max_length=300)
    site = models.ForeignKey(
        PilotSite, on_delete=models.PROTECT, related_name="platforms", verbose_name=_("pilot site")
    )
    host_organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_platforms",
        verbose_name=_("host organization"),
    )
    settlement = models.ForeignKey(
        Settlement, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("settlement")
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    coordinators = models.ManyToManyField(
        Person, blank=True, related_name="coordinated_platforms", verbose_name=_("coordinators")
    )
    description = models.TextField(_("description"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["version"])

    objects = DialogueQuerySet.as_manager()

    class Meta:
        ordering = ["site", "name", "id"]
        verbose_name = _("dialogue and resource centre")
        verbose_name_plural = _("dialogue and resource centres")
        constraints = [
            models.CheckConstraint(
                name="platform_point_both_or_neither",
                condition=(Q(lat__isnull=True) & Q(lon__isnull=True)) | (Q(lat__isnull=False) & Q(lon__isnull=False)),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lon is not None

    def clean(self):
        if self.settlement_id and self.site_id and self.settlement.site_id != self.site_id:
            raise ValidationError({"settlement": _("This settlement is not in the chosen pilot site.")})
        if self.host_organization_id and self.site_id and self.host_organization.site_id != self.site_id:
            raise ValidationError({"host_organization": _("The host organization is in another pilot site.")})
        _point_clean(self.lat, self.lon)


class EventKind(models.TextChoices):
    DIALOGUE_MEETING = "dialogue_meeting", _("dialogue meeting")
    INTERACTIVE_SEMINAR = "interactive_seminar", _("interactive seminar")
    TRAINING = "training", _("training")
    COMMUNITY_MEETING = "community_meeting", _("community meeting")
    INITIATIVE_GROUP_MEETING = "initiative_group_meeting", _("initiative-group meeting")
    CONSULTATION = "consultation", _("consultation")
    OTHER = "other", _("other")


class Event(models.Model):
    """A dialogue meeting, seminar, training or other event of a pilot site, over one or more days."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        HELD = "held", _("held")
        CANCELLED = "cancelled", _("cancelled")

    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=30, choices=EventKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    site = models.ForeignKey(PilotSite, on_delete=models.PROTECT, related_name="events", verbose_name=_("pilot site"))
    platform = models.ForeignKey(
        DialoguePlatform,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("dialogue and resource centre"),
    )
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    settlement = models.ForeignKey(
        Settlement, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("settlement")
    )
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    thematic_areas = models.ManyToManyField(
        ThematicArea, blank=True, related_name="events", verbose_name=_("thematic directions")
    )
    organizers = models.ManyToManyField(
        Organization,
        blank=True,
        related_name="organized_events",
        verbose_name=_("organizers and facilitating organizations"),
    )
    facilitators = models.CharField(
        _("facilitators (trainers)"),
        max_length=500,
        blank=True,
        help_text=_("Names of the trainers or moderators. People from the registry can be added to the attendance."),
    )
    agenda = models.TextField(_("agenda"), blank=True)
    outcomes = models.TextField(_("outcomes and agreements"), blank=True)
    # Bumped by every change to the attendance, so that two people entering one sheet are told.
    attendance_version = models.PositiveIntegerField(default=1, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["version", "attendance_version"], m2m_fields=[thematic_areas])

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            models.Index(fields=["site", "start_date"]),
            models.Index(fields=["-start_date", "-id"], name="event_list_order"),
        ]
        constraints = [
            models.CheckConstraint(name="event_ends_after_it_starts", condition=Q(end_date__gte=F("start_date"))),
            models.CheckConstraint(
                name="event_point_both_or_neither",
                condition=(Q(lat__isnull=True) & Q(lon__isnull=True)) | (Q(lat__isnull=False) & Q(lon__isnull=False)),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def day_count(self) -> int:
        return (self.end_date - self.start_date).days + 1

    @property
    def days(self) -> list[datetime.date]:
        """Every day of the event, first to last."""
        return [self.start_date + datetime.timedelta(days=n) for n in range(self.day_count)]

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lon is not None

    @property
    def point(self):
        """The event's own point, or its dialogue centre's."""
        if self.has_point:
            return self.lat, self.lon
        if self.platform_id and self.platform.has_point:
            return self.platform.lat, self.platform.lon
        return None

    def clean(self):
        errors = portal_date_errors(self, "start_date", "end_date")
        if self.start_date and self.end_date and not errors:
            if self.end_date < self.start_date:
                errors["end_date"] = _("The last day cannot be before the first day.")
            elif too_long(self.start_date, self.end_date):
                errors["end_date"] = TOO_LONG_MESSAGE % {"days": MAX_EVENT_DAYS}
        if self.platform_id and self.site_id and self.platform.site_id != self.site_id:
            errors["platform"] = _("This dialogue and resource centre is in another pilot site.")
        if self.settlement_id and self.site_id and self.settlement.site_id != self.site_id:
            errors["settlement"] = _("This settlement is not in the chosen pilot site.")
        if errors:
            raise ValidationError(errors)
        _point_clean(self.lat, self.lon)

    def attendance_outside(self, start_date, end_date) -> int:
        """How many attendance records have a day outside `start_date`–`end_date` (when moving the event).

        One range condition in SQL, whatever the length of the range (never a list of its days)."""
        if not (start_date and end_date and start_date <= end_date):
            return 0
        return (
            self.attendances.alias(inside=_AllWithin(F("days"), Value(start_date), Value(end_date)))
            .filter(inside=False)
            .count()
        )


TOO_LONG_MESSAGE = _("An event lasts at most %(days)s days: check the dates.")


def too_long(start: datetime.date, end: datetime.date) -> bool:
    """More than MAX_EVENT_DAYS days from `start` to `end` (both counted): checked before any work per day."""
    return (end - start).days + 1 > MAX_EVENT_DAYS


class _AllWithin(models.Func):
    """`lo <= ALL(array) AND hi >= ALL(array)`: every element of an array lies in [lo, hi]."""

    output_field = models.BooleanField()

    def as_sql(self, compiler, connection, **extra):
        array, low, high = (compiler.compile(expression) for expression in self.get_source_expressions())
        sql = f"({low[0]} <= ALL({array[0]}) AND {high[0]} >= ALL({array[0]}))"
        return sql, (*low[1], *array[1], *high[1], *array[1])


class AttendanceRole(models.TextChoices):
    PARTICIPANT = "participant", _("participant")
    FACILITATOR = "facilitator", _("facilitator")
    ORGANIZER = "organizer", _("organizer")
    OBSERVER = "observer", _("observer")


class Attendance(models.Model):
    """A named person at an event, with the days they attended. Personal data: admins and staff only.

    Only participants are counted as people reached; a training is completed by a participant who
    attended every one of its days.
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("event"))
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="attendances", verbose_name=_("person"))
    role = models.CharField(
        _("role"), max_length=12, choices=AttendanceRole.choices, default=AttendanceRole.PARTICIPANT
    )
    days = ArrayField(models.DateField(), verbose_name=_("days attended"))
    # The training's knowledge check (dialogues.models.outcomes): kept on this row, so that removing a person
    # from the attendance removes their scores, a merge of two people keeps them, and the history records them.
    pre_score = models.PositiveSmallIntegerField(_("score before the training"), null=True, blank=True)
    post_score = models.PositiveSmallIntegerField(_("score after the training"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["event", "person__sort_key", "id"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            # One row per person and event: a merge of two people keeps one of two clashing rows.
            models.UniqueConstraint(fields=["event", "person"], name="attendance_once_per_event"),
            models.CheckConstraint(name="attendance_at_least_one_day", condition=Q(days__len__gte=1)),
        ]

    def __str__(self):
        return f"{self.person} — {self.event}"

    def save(self, *args, **kwargs):
        self.days = sorted(set(self.days))
        super().save(*args, **kwargs)

    def absorb_into_repeat(self, field_name, kept, user, reason):
        """Two records of one person merged, both at this event: the kept row gets this row's days too
        (so a person who attended day 1 under one spelling and days 2–3 under another completes)."""
        existing = Attendance.objects.get(event_id=self.event_id, person=kept)
        existing.days = [*existing.days, *self.days]
        # The knowledge check's scores of the other record, where the kept one has none.
        existing.pre_score = existing.pre_score if existing.pre_score is not None else self.pre_score
        existing.post_score = existing.post_score if existing.post_score is not None else self.post_score
        existing._history_user, existing._change_reason = user, reason
        existing.save()

    @property
    def attended_all_days(self) -> bool:
        return len(set(self.days)) >= self.event.day_count

    @property
    def from_another_site(self) -> bool:
        return self.person.site_id != self.event.site_id

    def clean(self):
        validate_days(self.event, self.days)
        if self.pre_score is None and self.post_score is None:
            return
        # A reverse one-to-one that is missing raises an AttributeError: no check yet.
        check = getattr(self.event, "knowledge_check", None)
        if check is None:
            raise ValidationError(_("Set the training's maximum score before entering scores."), code="no_check")
        from dialogues.models.outcomes import validate_score

        errors = {}
        for name in ("pre_score", "post_score"):
            try:
                validate_score(getattr(self, name), check.max_score)
            except ValidationError as error:
                errors[name] = error
        if errors:
            raise ValidationError(errors)


def validate_days(event, days):
    """Refuse days outside the event's dates, or more days than the event has, with a clear message."""
    if not days:
        raise ValidationError(_("Tick at least one day, or remove the person from the list."), code="no_day")
    outside = sorted({day for day in days if not (event.start_date <= day <= event.end_date)})
    if outside:
        raise ValidationError(
            _("%(days)s is outside the event's dates (%(start)s–%(end)s)."),
            code="outside",
            params={
                "days": ", ".join(day.strftime("%d.%m.%Y") for day in outside),
                "start": event.start_date.strftime("%d.%m.%Y"),
                "end": event.end_date.strftime("%d.%m.%Y"),
            },
        )
    if len(days) > event.day_count:
        raise ValidationError(
            _("%(count)s days were given, but the event has only %(days)s."),
            code="too_many",
            params={"count": len(days), "days": event.day_count},
        )


class TallyBand(models.TextChoices):
    """Age bands of anonymous tallies, cut so that both the Kyrgyz youth band (14–35) and the UN bands
    (under 15, 15–24, 25–64, 65 and over) add up exactly from them."""

    UNDER_14 = "under_14", _("under 14")
    AGE_14 = "14", _("14")
    AGE_15_24 = "15_24", _("15–24")
    AGE_25_35 = "25_35", _("25–35")
    AGE_36_64 = "36_64", _("36–64")
    AGE_65_PLUS = "65_plus", _("65 and over")
    UNKNOWN = "unknown", _("age not known")


class AttendanceTally(models.Model):
    """People counted without names at an event (large or sensitive meetings), by sex and age band."""

    class TallySex(models.TextChoices):
        FEMALE = "female", _("women")
        MALE = "male", _("men")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="tallies", verbose_name=_("event"))
    sex = models.CharField(_("sex"), max_length=10, choices=TallySex.choices)
    age_band = models.CharField(_("age band"), max_length=10, choices=TallyBand.choices)
    count = models.PositiveIntegerField(_("people"))
    completed = models.PositiveIntegerField(
        _("of them attended every day"), default=0, help_text=_("For a training: how many attended all its days.")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["event", "sex", "age_band"]
        verbose_name = _("anonymous tally")
        verbose_name_plural = _("anonymous tallies")
        constraints = [
            models.UniqueConstraint(fields=["event", "sex", "age_band"], name="tally_once_per_cell"),
            models.CheckConstraint(name="tally_completed_within_count", condition=Q(completed__lte=F("count"))),
        ]

    def __str__(self):
        return f"{self.event}: {self.get_sex_display()} {self.get_age_band_display()} = {self.count}"


class FollowUpAction(models.Model):
    """Something agreed at an event, with who does it and by when; overdue when the date passed undone."""

    class Status(models.TextChoices):
        OPEN = "open", _("to do")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        DROPPED = "dropped", _("dropped")

    OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS)

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="actions", verbose_name=_("event"))
    what = models.CharField(_("what"), max_length=500)
    owner = models.CharField(_("who is responsible"), max_length=200)
    owner_organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="event_actions",
        verbose_name=_("responsible organization"),
    )
    due = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due", "id"]
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")

    def __str__(self):
        return self.what

    @property
    def is_overdue(self) -> bool:
        return bool(self.due and self.status in self.OPEN_STATUSES and self.due < timezone.localdate())

    @classmethod
    def overdue_q(cls, prefix=""):
        return Q(**{f"{prefix}due__lt": timezone.localdate(), f"{prefix}status__in": cls.OPEN_STATUSES})


class EventPhoto(Photo):
    """A photo of an event (mapping_portal.models.Photo: checked, re-encoded without metadata, staff only)."""

    upload_folder = "event-photos"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="photos", verbose_name=_("event"))

    class Meta(Photo.Meta):
        verbose_name = _("event photo")
        verbose_name_plural = _("event photos")


class InitiativeGroupQuerySet(access.SiteScopedQuerySet):
    site_lookup = "organization__site"

    def for_user(self, user):
        if not access.can_view_events(user):
            return self.none()
        return super().for_user(user).filter(organization__merged_into__isnull=True)


class InitiativeGroup(models.Model):
    """What the project records about an initiative group it formed: when, and the problems it works on.

    The group itself is an organization of type "initiative group" in the registry (members, focus
    areas); its meetings are events it organizes.
    """

    organization = models.OneToOneField(
        Organization, on_delete=models.PROTECT, related_name="initiative_group", verbose_name=_("organization")
    )
    formed_by_project = models.BooleanField(_("formed by the project"), default=True)
    formed_on = models.DateField(_("formed on"), null=True, blank=True)
    problems = models.TextField(_("problems it works on"), blank=True)
    history = HistoricalRecords()

    objects = InitiativeGroupQuerySet.as_manager()

    class Meta:
        ordering = ["organization__site", "organization__sort_key"]
        verbose_name = _("initiative group")
        verbose_name_plural = _("initiative groups")

    def __str__(self):
        return str(self.organization)

    def clean(self):
        if self.organization_id and self.organization.type.code != INITIATIVE_GROUP_TYPE:
            raise ValidationError({"organization": _("This organization is not of the type “initiative group”.")})
