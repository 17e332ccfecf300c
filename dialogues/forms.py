"""Forms of the dialogues: a platform, an event, its attendance sheet and tallies, follow-up actions, photos."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from dialogues.models import (
    BAND_COUNT,
    MAX_EVENT_DAYS,
    TOO_LONG_MESSAGE,
    Attendance,
    AttendanceRole,
    AttendanceTally,
    DialoguePlatform,
    Event,
    EventPhoto,
    FollowUpAction,
    InitiativeGroup,
    KnowledgeCheck,
    TallyBand,
    band_scores,
    too_long,
    validate_days,
    validate_score,
)
from dialogues.models.outcomes import EMPTY_BAND_MESSAGE, LARGEST_MAX_SCORE
from dialogues.models.outcomes import band_label as score_band_label
from mapping_portal.forms import BootstrapFormMixin, PortalDateField, VersionCheckedForm
from mapping_portal.images import clean_image
from mapping_portal.models import PilotSite, Settlement
from mapping_portal.widgets import RecordMultiPicker, RecordPicker
from stakeholders.forms import SettlementSelect
from stakeholders.models import Organization, Person

DATE_INPUT = forms.DateInput(attrs={"placeholder": "dd.mm.yyyy"})


class PlatformForm(VersionCheckedForm):
    class Meta:
        model = DialoguePlatform
        fields = [
            "name",
            "site",
            "host_organization",
            "status",
            "opened_on",
            "settlement",
            "address",
            "lat",
            "lon",
            "coordinators",
            "description",
        ]
        widgets = {
            "settlement": SettlementSelect,
            # Searchable pickers: a select of the whole registry would be megabytes at national scale.
            "host_organization": RecordPicker(site_select="id_site"),
            "coordinators": RecordMultiPicker(search="people", site_select="id_site"),
            "opened_on": DATE_INPUT,
            "description": forms.Textarea(attrs={"rows": 3}),
            "lat": forms.NumberInput(attrs={"step": "any"}),
            "lon": forms.NumberInput(attrs={"step": "any"}),
        }
        field_classes = {"opened_on": PortalDateField}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = PilotSite.objects.for_user(user)
        self.fields["settlement"].queryset = Settlement.objects.for_user(user).select_related("site")
        self.fields["settlement"].widget.attrs["data-site-filter"] = "id_site"
        self.fields["host_organization"].queryset = Organization.objects.for_user(user).filter(is_active=True)
        people = Person.objects.for_user(user).filter(is_active=True)
        if self.instance.site_id:
            # The coordinators come from the centre's own site (a short list, not the whole registry).
            people = people.filter(site=self.instance.site_id)
        self.fields["coordinators"].queryset = people


class EventForm(VersionCheckedForm):
    class Meta:
        model = Event
        fields = [
            "title",
            "kind",
            "status",
            "site",
            "platform",
            "start_date",
            "end_date",
            "venue",
            "settlement",
            "lat",
            "lon",
            "thematic_areas",
            "organizers",
            "facilitators",
            "agenda",
            "outcomes",
        ]
        widgets = {
            "settlement": SettlementSelect,
            "start_date": DATE_INPUT,
            "end_date": DATE_INPUT,
            "thematic_areas": forms.CheckboxSelectMultiple,
            "organizers": RecordMultiPicker(),
            "agenda": forms.Textarea(attrs={"rows": 3}),
            "outcomes": forms.Textarea(attrs={"rows": 3}),
            "lat": forms.NumberInput(attrs={"step": "any"}),
            "lon": forms.NumberInput(attrs={"step": "any"}),
        }
        field_classes = {"start_date": PortalDateField, "end_date": PortalDateField}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = PilotSite.objects.for_user(user)
        self.fields["platform"].queryset = DialoguePlatform.objects.for_user(user).select_related("site")
        self.fields["settlement"].queryset = Settlement.objects.for_user(user).select_related("site")
        self.fields["settlement"].widget.attrs["data-site-filter"] = "id_site"
        self.fields["organizers"].queryset = Organization.objects.for_user(user).filter(is_active=True)
        self.fields["outcomes"].help_text = _(
            "The portal records prevention work only: no incidents, cases or names of survivors of violence."
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and start <= end and too_long(start, end):
            # Refused here, before anything that costs work per day of the range.
            self.add_error("end_date", TOO_LONG_MESSAGE % {"days": MAX_EVENT_DAYS})
        elif self.instance.pk and start and end and start <= end:
            outside = self.instance.attendance_outside(start, end)
            if outside:
                self.add_error(
                    "start_date",
                    _(
                        "%(count)s people have attendance on days outside the new dates. "
                        "Correct their days on the attendance sheet first."
                    )
                    % {"count": outside},
                )
        return cleaned

    def before_save(self, user):
        if not self.instance.pk:
            self.instance.created_by = user


class DaysField(forms.Field):
    """The days a person attended, as ISO dates (the grid's checkboxes), checked against the event's dates."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event

    def to_python(self, value):
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        if len(values) > self.event.day_count:
            # Counted before anything is parsed: a posted list is never longer than the event's days.
            raise ValidationError(
                _("%(count)s days were given, but the event has only %(days)s."),
                code="too_many",
                params={"count": len(values), "days": self.event.day_count},
            )
        days = []
        for item in values:
            try:
                days.append(datetime.date.fromisoformat(str(item)))
            except ValueError:
                raise ValidationError(_("“%(value)s” is not a date."), params={"value": str(item)[:20]}) from None
        return sorted(set(days))

    def validate(self, value):
        if not value and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        validate_days(self.event, value)


class AttendanceGridForm(forms.Form):
    """The attendance sheet of one event: one row per person, a checkbox per day, a role; rows can be removed.

    Saved as a whole, under a version check: if someone else changed the sheet meanwhile, nothing is
    saved and the user is told (their ticks stay in the form).
    """

    attendance_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, event, attendances, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.attendances = list(attendances)
        self.fields["attendance_version"].initial = event.attendance_version
        for attendance in self.attendances:
            pk = attendance.pk
            self.fields[f"days-{pk}"] = DaysField(event=event, required=False, initial=attendance.days)
            self.fields[f"role-{pk}"] = forms.ChoiceField(
                choices=AttendanceRole.choices,
                initial=attendance.role,
                widget=forms.Select(
                    attrs={
                        "class": "form-select form-select-sm attendance-role",
                        "aria-label": _("Role of %(name)s") % {"name": attendance.person.full_name},
                    }
                ),
            )
            self.fields[f"remove-{pk}"] = forms.BooleanField(required=False)

    def clean(self):
        cleaned = super().clean()
        if "attendance_version" in cleaned and cleaned["attendance_version"] != self.event.attendance_version:
            # Rows were added or changed meanwhile: say that, rather than what is missing from the rows.
            self._errors = forms.utils.ErrorDict()
            raise ValidationError(CHANGED_MEANWHILE, code="changed")
        for attendance in self.attendances:
            key = f"days-{attendance.pk}"
            # Removing a person needs no day; every other row needs at least one (DaysField said why).
            if cleaned.get(f"remove-{attendance.pk}") and key in self.errors:
                del self.errors[key]
        return cleaned

    def rows(self):
        """[(attendance, [(day, checked)], role field, remove field, errors)] for the template."""
        rows = []
        for attendance in self.attendances:
            key = f"days-{attendance.pk}"
            if self.is_bound:
                ticked = set(self.data.getlist(key))
            else:
                ticked = {day.isoformat() for day in attendance.days}
            cells = [(day, day.isoformat() in ticked) for day in self.event.days]
            rows.append(
                (attendance, cells, self[f"role-{attendance.pk}"], self[f"remove-{attendance.pk}"], self[key].errors)
            )
        return rows

    @transaction.atomic
    def save(self, user) -> bool:
        """Save the sheet; False (with an error on the form) if someone changed it meanwhile."""
        event = Event.objects.select_for_update().get(pk=self.event.pk)
        if event.attendance_version != self.cleaned_data["attendance_version"]:
            self.add_error(None, CHANGED_MEANWHILE)
            return False
        for attendance in self.attendances:
            pk = attendance.pk
            if self.cleaned_data.get(f"remove-{pk}"):
                attendance._history_user = user
                attendance.delete()
                continue
            days, role = self.cleaned_data[f"days-{pk}"], self.cleaned_data[f"role-{pk}"]
            if sorted(attendance.days) != days or attendance.role != role:
                attendance.days, attendance.role = days, role
                attendance._history_user = user
                attendance.save()
        bump_attendance_version(event)
        return True


CHANGED_MEANWHILE = _(
    "Someone else changed this attendance while you were entering it. Nothing was saved: "
    "reload the page to see their changes, then enter yours again."
)


def bump_attendance_version(event):
    Event.objects.filter(pk=event.pk).update(attendance_version=F("attendance_version") + 1)


class AttendeeForm(forms.Form):
    """The days and role of one person being added to an event, under the sheet's version check.

    No day is ticked unless the staff member ticks it: a training is completed only when every one of its
    days is ticked, and grant eligibility reads that. A one-day event offers its one day already ticked, in
    sight. A person with no day ticked is refused: the database refuses an attendance without a day (check
    constraint attendance_at_least_one_day) and the counts take every participant's row as "reached", so
    "registered, not come yet" is not a state the portal knows.
    """

    attendance_version = forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": CHANGED_MEANWHILE, "invalid": CHANGED_MEANWHILE}
    )
    role = forms.ChoiceField(label=_("Role"), choices=AttendanceRole.choices, initial=AttendanceRole.PARTICIPANT)

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["attendance_version"].initial = event.attendance_version
        self.fields["days"] = DaysField(
            event=event,
            label=_("Days attended"),
            error_messages={"required": _("Tick the days the person attended (at least one).")},
            initial=event.days if event.day_count == 1 else [],
        )
        self.fields["role"].widget.attrs["class"] = "form-select"

    def clean_attendance_version(self):
        version = self.cleaned_data["attendance_version"]
        if version != self.event.attendance_version:
            raise ValidationError(CHANGED_MEANWHILE, code="changed")
        return version

    def sheet_errors(self):
        """Errors about the sheet as a whole: someone changed it meanwhile (the version is a hidden field)."""
        return [*self.non_field_errors(), *self.errors.get("attendance_version", [])]

    def day_boxes(self):
        """[(day, ticked)] for the template's boxes: the days sent (kept after an error), else the initial ones."""
        if self.is_bound and hasattr(self.data, "getlist"):
            ticked = set(self.data.getlist(self.add_prefix("days")))
        else:
            ticked = {day.isoformat() for day in self.fields["days"].initial}
        return [(day, day.isoformat() in ticked) for day in self.event.days]

    @transaction.atomic
    def save(self, user, new_person_form=None) -> Attendance | None:
        """Record the attendance (and the new person first, if one is entered) under a lock on the event;
        None, with an error on the form and nothing saved, if someone changed the sheet since it was opened."""
        event = Event.objects.select_for_update().get(pk=self.event.pk)
        if event.attendance_version != self.cleaned_data["attendance_version"]:
            self.add_error(None, CHANGED_MEANWHILE)
            return None
        person = new_person_form.save_checked(user) if new_person_form else self.cleaned_data["person"]
        attendance = Attendance(
            event=event, person=person, role=self.cleaned_data["role"], days=self.cleaned_data["days"], created_by=user
        )
        attendance._history_user = user
        attendance.save()
        bump_attendance_version(event)
        self.event.attendance_version = event.attendance_version + 1
        return attendance


class AddAttendeeForm(AttendeeForm):
    """Add an existing person (found by the search) to an event, with the days they attended and a role."""

    person = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the person to add from the names found."),
            "invalid_choice": _("This person is not in the registry you work with: search for the name again."),
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.for_user(user)

    def clean_person(self):
        person = self.cleaned_data["person"]
        if Attendance.objects.filter(event=self.event, person=person).exists():
            raise ValidationError(_("%(name)s is already on this event's attendance."), params={"name": person})
        return person


class TallyForm(forms.Form):
    """People counted without names: women and men per age band, and how many of them attended every day."""

    attendance_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        existing = {(t.sex, t.age_band): t for t in event.tallies.all()}
        self.existing = existing
        self.fields["attendance_version"].initial = event.attendance_version
        for sex, sex_label in AttendanceTally.TallySex.choices:
            for band, band_label in TallyBand.choices:
                tally = existing.get((sex, band))
                for measure, measure_label in (("count", _("people")), ("completed", _("every day"))):
                    # Each box says what it counts, as the grid's headers do (for screen readers).
                    name = _("%(sex)s, %(band)s: %(measure)s") % {
                        "sex": sex_label,
                        "band": band_label,
                        "measure": measure_label,
                    }
                    self.fields[f"{measure}-{sex}-{band}"] = forms.IntegerField(
                        label=name,
                        min_value=0,
                        max_value=100_000,
                        required=False,
                        initial=getattr(tally, measure) if tally else None,
                        widget=forms.NumberInput(
                            attrs={"class": "form-control form-control-sm", "inputmode": "numeric", "aria-label": name}
                        ),
                    )

    def grid(self):
        """[(band label, [(count field, completed field) per sex])] for the template."""
        return [
            (
                band_label,
                [
                    (self[f"count-{sex}-{band}"], self[f"completed-{sex}-{band}"])
                    for sex, _label in AttendanceTally.TallySex.choices
                ],
            )
            for band, band_label in TallyBand.choices
        ]

    def clean(self):
        cleaned = super().clean()
        for sex, sex_label in AttendanceTally.TallySex.choices:
            for band, band_label in TallyBand.choices:
                count = cleaned.get(f"count-{sex}-{band}") or 0
                completed = cleaned.get(f"completed-{sex}-{band}") or 0
                if completed > count:
                    self.add_error(
                        f"completed-{sex}-{band}",
                        _(
                            "%(sex)s, %(band)s: more people attended every day (%(completed)s) "
                            "than were counted (%(count)s)."
                        )
                        % {"sex": sex_label, "band": band_label, "completed": completed, "count": count},
                    )
        return cleaned

    @transaction.atomic
    def save(self, user) -> bool:
        event = Event.objects.select_for_update().get(pk=self.event.pk)
        if event.attendance_version != self.cleaned_data["attendance_version"]:
            self.add_error(None, CHANGED_MEANWHILE)
            return False
        for sex, _sex_label in AttendanceTally.TallySex.choices:
            for band, _band_label in TallyBand.choices:
                count = self.cleaned_data.get(f"count-{sex}-{band}") or 0
                completed = self.cleaned_data.get(f"completed-{sex}-{band}") or 0
                tally = self.existing.get((sex, band))
                if count == 0:
                    if tally is not None:
                        tally._history_user = user
                        tally.delete()
                    continue
                if tally is None:
                    tally = AttendanceTally(event=event, sex=sex, age_band=band)
                if tally.pk and (tally.count, tally.completed) == (count, completed):
                    continue
                tally.count, tally.completed = count, completed
                tally._history_user = user
                tally.save()
        bump_attendance_version(event)
        return True


def _small_number(label, initial, largest):
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=largest,
        required=False,
        initial=initial,
        widget=forms.NumberInput(
            attrs={"class": "form-control form-control-sm score-input", "inputmode": "numeric", "aria-label": label}
        ),
    )


class KnowledgeCheckForm(BootstrapFormMixin, forms.Form):
    """A training's knowledge check: its maximum score, each participant's score before and after, and for people
    not named the number who scored in each tenth of the maximum. Saved as a whole under the attendance's version
    check (the scores are on the attendance rows)."""

    attendance_version = forms.IntegerField(widget=forms.HiddenInput)
    max_score = forms.IntegerField(
        label=_("Maximum score"),
        min_value=1,
        max_value=LARGEST_MAX_SCORE,
        required=False,
        help_text=_("The highest score of the test, e.g. 10 (questions) or 100 (points)."),
    )

    def __init__(self, *args, event, attendances, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.attendances = [row for row in attendances if row.role == AttendanceRole.PARTICIPANT]
        self.check = getattr(event, "knowledge_check", None)
        self.fields["attendance_version"].initial = event.attendance_version
        self.fields["max_score"].initial = self.check.max_score if self.check else None
        for row in self.attendances:
            name = row.person.full_name
            self.fields[f"pre-{row.pk}"] = _small_number(
                _("Score before the training: %(name)s") % {"name": name}, row.pre_score, LARGEST_MAX_SCORE
            )
            self.fields[f"post-{row.pk}"] = _small_number(
                _("Score after the training: %(name)s") % {"name": name}, row.post_score, LARGEST_MAX_SCORE
            )
        for band in range(BAND_COUNT):
            label = score_band_label(band)
            for when, text, counts in (
                (
                    "before",
                    _("People who scored %(band)s before the training"),
                    self.check.before_bands if self.check else [],
                ),
                (
                    "after",
                    _("People who scored %(band)s after the training"),
                    self.check.after_bands if self.check else [],
                ),
            ):
                self.fields[f"{when}-{band}"] = _small_number(
                    text % {"band": label}, counts[band] if counts else None, 100_000
                )

    def rows(self):
        """[(attendance, before field, after field)] for the template."""
        return [(row, self[f"pre-{row.pk}"], self[f"post-{row.pk}"]) for row in self.attendances]

    def bands(self):
        """[(label, scores out of the maximum or None, before field, after field)] for the template."""
        maximum = self.check.max_score if self.check else None
        return [
            (
                score_band_label(band),
                band_scores(maximum, band) if maximum else None,
                self[f"before-{band}"],
                self[f"after-{band}"],
            )
            for band in range(BAND_COUNT)
        ]

    def clean(self):
        cleaned = super().clean()
        if "attendance_version" in cleaned and cleaned["attendance_version"] != self.event.attendance_version:
            self._errors = forms.utils.ErrorDict()
            raise ValidationError(CHANGED_MEANWHILE, code="changed")
        maximum = cleaned.get("max_score")
        scores = [name for name in self.fields if name.startswith(("pre-", "post-"))]
        counts = [name for name in self.fields if name.startswith(("before-", "after-"))]
        entered = [name for name in scores if cleaned.get(name) is not None]
        entered += [name for name in counts if cleaned.get(name)]
        if maximum is None:
            if entered and "max_score" not in self.errors:
                self.add_error("max_score", _("Enter the maximum score of the test before the scores."))
            return cleaned
        for name in scores:
            try:
                validate_score(cleaned.get(name), maximum)
            except ValidationError as error:
                self.add_error(name, error)
        for name in counts:
            band = int(name.split("-")[1])
            if cleaned.get(name) and band_scores(maximum, band) is None:
                self.add_error(name, EMPTY_BAND_MESSAGE % {"max": maximum, "band": score_band_label(band)})
        return cleaned

    @transaction.atomic
    def save(self, user) -> bool:
        """Save the check; False (with an error on the form) if someone changed the attendance meanwhile."""
        event = Event.objects.select_for_update().get(pk=self.event.pk)
        if event.attendance_version != self.cleaned_data["attendance_version"]:
            self.add_error(None, CHANGED_MEANWHILE)
            return False
        data = self.cleaned_data
        maximum = data["max_score"]
        check = self.check
        if maximum is None:
            if check is not None:
                check._history_user = user
                check.delete()
        else:
            before = [data.get(f"before-{band}") or 0 for band in range(BAND_COUNT)]
            after = [data.get(f"after-{band}") or 0 for band in range(BAND_COUNT)]
            fields = {
                "max_score": maximum,
                # No distribution at all is kept as none, not as ten zeros.
                "before_bands": before if any(before) else [],
                "after_bands": after if any(after) else [],
            }
            if check is None:
                check = KnowledgeCheck(event=event)
            if check._state.adding or any(getattr(check, key) != value for key, value in fields.items()):
                for key, value in fields.items():
                    setattr(check, key, value)
                check._history_user = user
                check.save()
        for row in self.attendances:
            pre, post = data.get(f"pre-{row.pk}"), data.get(f"post-{row.pk}")
            if (row.pre_score, row.post_score) != (pre, post):
                row.pre_score, row.post_score = pre, post
                row._history_user = user
                row.save(update_fields=["pre_score", "post_score"])
        bump_attendance_version(event)
        return True


class FollowUpActionForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = FollowUpAction
        fields = ["what", "owner", "owner_organization", "due", "status"]
        widgets = {"due": DATE_INPUT}
        field_classes = {"due": PortalDateField}

    def __init__(self, *args, user=None, event=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The organizations involved (its organizers, its centre's host), not the whole registry: a short list.
        involved = Q(organized_events=event)
        if event is not None and event.platform_id:
            involved |= Q(hosted_platforms=event.platform_id)
        self.fields["owner_organization"].queryset = (
            Organization.objects.for_user(user).filter(is_active=True).filter(involved).distinct()
        )
        self.fields["owner_organization"].help_text = _("One of the organizers; otherwise name the body above.")
        self.fields["status"].required = False

    def clean_status(self):
        return self.cleaned_data.get("status") or FollowUpAction.Status.OPEN


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(choices=FollowUpAction.Status.choices)


class PhotoForm(BootstrapFormMixin, forms.ModelForm):
    # A plain file field: `clean_image` is the one check (content, size, pixels), with its own messages.
    image = forms.FileField(
        label=_("Photo"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
        help_text=_("JPEG, PNG, WebP or GIF, up to 8 MB. It is re-saved without its metadata (no GPS position)."),
    )

    class Meta:
        model = EventPhoto
        fields = ["image", "caption"]

    def clean_image(self):
        upload = self.cleaned_data["image"]
        self.cleaned = clean_image(upload, max_bytes=8 * 1024 * 1024, max_side=2000, thumb_side=320)
        return self.cleaned.full

    def save(self, commit=True):
        photo = super().save(commit=False)
        photo.store(self.cleaned)
        if commit:
            photo.save()
        return photo


class InitiativeGroupForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = InitiativeGroup
        fields = ["formed_by_project", "formed_on", "problems"]
        widgets = {"formed_on": DATE_INPUT, "problems": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"formed_on": PortalDateField}
