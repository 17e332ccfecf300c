"""An event's attendance: the sheet (a row per person, a checkbox per day), the people search and the two ways
to add someone (from the registry, or entered new), the tallies of people counted without names, the printable
blank sheet, and the attendance export."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dialogues.exports import attendance_export_spec
from dialogues.filters import AttendanceOfEvents
from dialogues.forms import AddAttendeeForm, AttendanceGridForm, AttendeeForm, TallyForm
from dialogues.models import Attendance, Event
from dialogues.views.events import editable_event
from mapping_portal import access
from mapping_portal.forms import QueryForm
from mapping_portal.listing import export_response
from mapping_portal.shortcuts import get_for_user_or_404, require
from mapping_portal.sql_export import Selected
from mapping_portal.text import match_key
from stakeholders.duplicates import similar_people
from stakeholders.forms import PersonForm
from stakeholders.models import Person


@login_required
def attendance_export(request, fmt):
    """Who attended which event, on which days: personal data, admins only, every export logged."""
    require(access.can_export_personal_data(request.user))
    attendance = Attendance.objects.order_by("event_id", "person_id")
    filterset = AttendanceOfEvents(request.GET, queryset=attendance, events=Event.objects.for_user(request.user))
    spec = attendance_export_spec()
    return export_response(request, spec, Selected(spec, filterset), fmt)


@login_required
def attendance_sheet(request, pk):
    """The attendance grid: a row per person, a checkbox per day; keyboard friendly (attendance_grid.js).
    People are added below it, in place with htmx (the page works without JavaScript too)."""
    event = editable_event(request, pk)
    form = AttendanceGridForm(request.POST or None, event=event, attendances=_attendances(event))
    if request.method == "POST" and form.is_valid():
        if form.save(request.user):
            messages.success(request, _("The attendance was saved."))
            return redirect("dialogues:attendance-sheet", pk=event.pk)
    return _render_sheet(request, event, grid=form)


def _attendances(event):
    return event.attendances.select_related("person__site").order_by("person__sort_key", "id")


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _render_sheet(request, event, grid=None, add_form=None, new_person=None):
    """The whole sheet page; the forms not given are opened afresh."""
    grid = grid or AttendanceGridForm(event=event, attendances=_attendances(event))
    query = request.GET.get("q", "") if request.method == "GET" else request.POST.get("add-query", "")
    context = {
        "event": event,
        "form": grid,
        "rows": grid.rows(),
        **_add_context(request, event, add_form, query),
        **(new_person or _new_person_context(request, event)),
    }
    return render(request, "dialogues/attendance_sheet.html", context)


def _add_context(request, event, form=None, query="", initial=None):
    """The "add a person from the registry" part: the name searched, the matches, the days and role."""
    return {
        "add_form": form or AddAttendeeForm(event=event, user=request.user, prefix="add", initial=initial),
        "query": query,
        "matches": _people_like(request, event, query),
    }


def _new_person_context(request, event, person_form=None, attendee_form=None, similar=(), is_open=False):
    """The "enter a new person" part: the person's record, and their days and role at the event."""
    return {
        "person_form": person_form or _new_person_form(request, event),
        "attendee_form": attendee_form or AttendeeForm(event=event, prefix="new"),
        "similar": similar,
        "ask_different": bool(similar),
        "new_person_open": is_open or person_form is not None,
    }


def _people_like(request, event, name, limit=8):
    """People in the registry whose name looks like `name` (any script), the event's site first."""
    key = match_key(name)
    if len(key) < 3:
        return []
    people = (
        Person.objects.for_user(request.user)
        .filter(Q(search_key__contains=key) | Q(search_key__trigram_word_similar=key))
        .exclude(attendances__event=event)
        .annotate(similarity=TrigramWordSimilarity(key, "search_key"))
        .select_related("site", "settlement")
    )
    found = list(people.order_by("-similarity", "id")[:limit])
    return sorted(found, key=lambda person: (person.site_id != event.site_id, -person.similarity))


def _new_person_form(request, event, data=None):
    # No prefix: the form's "did you mean…?" hint (stakeholders:person-similar) reads the plain field names.
    form = PersonForm(data, instance=Person(site=event.site), user=request.user)
    if data is None:  # the instance gives an empty purpose: offer the usual one
        form.initial["consent_purpose"] = form.initial.get("consent_purpose") or _("Attendance at the project's events")
    return form


@login_required
@require_GET
def attendance_search(request, pk):
    """htmx, while a name is typed: people already in the registry, to add instead of entering them again.
    The days and role already chosen (sent along) stay as they were."""
    event = editable_event(request, pk)
    initial = None
    if "add-role" in request.GET:
        initial = {
            "days": request.GET.getlist("add-days"),
            "role": request.GET["add-role"],
            "person": request.GET.get("add-person"),
        }
    query = request.GET.get("q", "")
    context = {"event": event, "searched": True, **_add_context(request, event, None, query, initial)}
    return render(request, "dialogues/partials/people_matches.html", context)


@login_required
@require_POST
def attendance_add(request, pk):
    """Add an existing person to the event with the days the staff member ticked (never every day unasked)."""
    event = editable_event(request, pk)
    form = AddAttendeeForm(request.POST, event=event, user=request.user, prefix="add")
    attendance = form.save(request.user) if form.is_valid() else None
    if attendance is not None:
        return _added(request, event, attendance, "add")
    if _is_htmx(request):
        context = {"event": event, **_add_context(request, event, form, request.POST.get("add-query", ""))}
        return render(request, "dialogues/partials/attendance_add.html", context)
    return _render_sheet(request, event, add_form=form)


@login_required
@require_POST
def attendance_new_person(request, pk):
    """Enter a person who is not in the registry yet, with the days they attended. People with a similar
    name (the same rule as the form's hint, stakeholders.duplicates) are offered first: saving anyway needs a
    tick that says it is a different person."""
    event = editable_event(request, pk)
    person_form = _new_person_form(request, event, request.POST)
    attendee_form = AttendeeForm(request.POST, event=event, prefix="new")
    similar, attendance = [], None
    # Both forms are checked, so that every mistake is shown at once.
    if person_form.is_valid() & attendee_form.is_valid():
        cleaned = person_form.cleaned_data
        similar = similar_people(
            Person.objects.for_user(request.user),
            cleaned["full_name"] or cleaned.get("full_name_latin", ""),
            site=cleaned.get("site"),
            birth_year=cleaned.get("birth_year"),
        )
        if not similar or request.POST.get("different_person"):
            similar = []
            attendance = attendee_form.save(request.user, new_person_form=person_form)
    if attendance is not None:
        return _added(request, event, attendance, "new")
    new_person = _new_person_context(request, event, person_form, attendee_form, similar, is_open=True)
    if _is_htmx(request):
        return render(request, "dialogues/partials/attendance_new_person.html", {"event": event, **new_person})
    return _render_sheet(request, event, new_person=new_person)


def _added(request, event, attendance, part):
    """After a person was added: without JavaScript, back to the sheet; with htmx, the part used comes back
    fresh, and the new row, the sheet's new version and the message are put in place."""
    person = attendance.person
    notes = [("success", _("%(name)s was added to the attendance.") % {"name": person.full_name})]
    if person.site_id != event.site_id:
        notes.append(
            (
                "warning",
                _("%(name)s lives in another pilot site (%(site)s). Check that this is the right person.")
                % {"name": person.full_name, "site": person.site.name},
            )
        )
    if not _is_htmx(request):
        for level, text in notes:
            messages.add_message(request, getattr(messages, level.upper()), text)
        return redirect("dialogues:attendance-sheet", pk=event.pk)
    row = AttendanceGridForm(event=event, attendances=[attendance]).rows()[0]
    context = {
        "event": event,
        "part": part,
        "row": row,
        "first_row": not event.attendances.exclude(pk=attendance.pk).exists(),
        "notes": notes,
        "version": event.attendance_version,
    }
    if part == "add":
        context |= _add_context(request, event)
    else:
        context |= _new_person_context(request, event, is_open=True)
    return render(request, "dialogues/partials/attendance_added.html", context)


@login_required
def attendance_tallies(request, pk):
    """People counted without names, by sex and age band."""
    event = editable_event(request, pk)
    form = TallyForm(request.POST or None, event=event)
    if request.method == "POST" and form.is_valid():
        if form.save(request.user):
            messages.success(request, _("The tallies were saved."))
            return redirect("dialogues:event-detail", pk=event.pk)
    return render(request, "dialogues/tallies.html", {"event": event, "form": form})


@login_required
def attendance_blank_sheet(request, pk):
    """A blank attendance sheet to print and sign on paper: a column per day of the event."""
    event = get_for_user_or_404(Event.objects.select_related("site", "platform"), request.user, pk=pk)
    require(access.can_manage_registry(request.user))
    rows = QueryForm(request.GET, fields={"rows": forms.IntegerField(required=False, min_value=1)}).get("rows", 25)
    return render(request, "dialogues/blank_sheet.html", {"event": event, "rows": range(1, max(1, min(rows, 200)) + 1)})
