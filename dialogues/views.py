"""Pages of the dialogues: events and dialogue and resource centres (lists with export, profiles, forms),
an event's attendance (sheet, people search, tallies, printable blank sheet), follow-up actions, photos,
the results (unique people reached and trained), initiative groups and the map layer."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.postgres.search import TrigramWordSimilarity
from django.core.exceptions import EmptyResultSet, PermissionDenied
from django.db import connection
from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dialogues import counting
from dialogues.exports import attendance_export_spec, event_export_spec, platform_export_spec
from dialogues.filters import AttendanceOfEvents, EventFilterSet, PlatformFilterSet
from dialogues.forms import (
    ActionStatusForm,
    AddAttendeeForm,
    AttendanceGridForm,
    AttendeeForm,
    EventForm,
    FollowUpActionForm,
    InitiativeGroupForm,
    PhotoForm,
    PlatformForm,
    TallyForm,
)
from dialogues.models import (
    INITIATIVE_GROUP_TYPE,
    Attendance,
    DialoguePlatform,
    Event,
    EventKind,
    FollowUpAction,
    InitiativeGroup,
)
from mapping_portal import access
from mapping_portal.forms import ChangedMeanwhile, QueryForm, style_filter_form
from mapping_portal.history import recent_changes
from mapping_portal.listing import export_response, export_rows, filtered_page
from mapping_portal.models import PilotSite
from mapping_portal.text import match_key
from mapping_portal.views import map_context
from stakeholders.duplicates import similar_people
from stakeholders.forms import PersonForm
from stakeholders.models import Membership, Organization, Person


def event_queryset(user):
    """Events the user may see, with what their list and profile show, in a fixed number of queries."""
    return (
        Event.objects.for_user(user).select_related("site", "platform").prefetch_related("thematic_areas").with_counts()
    )


def _require(allowed):
    if not allowed:
        raise PermissionDenied


# --- Events --------------------------------------------------------------------------------------


@login_required
def event_list(request):
    _require(access.can_view_events(request.user) or access.can_view_dialogue_results(request.user))
    if not access.can_view_events(request.user):
        # Viewers read aggregates only: the results page is theirs.
        return redirect("dialogues:results")
    filterset, page = filtered_page(request, EventFilterSet, event_queryset(request.user))
    return render(request, "dialogues/event_list.html", {"filter": filterset, "page": page})


@login_required
def event_export(request, fmt):
    _require(access.can_view_events(request.user) and access.can_export(request.user))
    filterset = EventFilterSet(request.GET, queryset=event_queryset(request.user).prefetch_related("organizers"))
    return export_response(request, event_export_spec(), filterset, fmt)


@login_required
def attendance_export(request, fmt):
    """Who attended which event, on which days: personal data, admins only, every export logged."""
    _require(access.can_export_personal_data(request.user))
    attendance = Attendance.objects.select_related("event__site", "person__site").order_by("event_id", "person_id")
    filterset = AttendanceOfEvents(request.GET, queryset=attendance, events=Event.objects.for_user(request.user))
    return export_response(request, attendance_export_spec(), filterset, fmt)


@login_required
def event_detail(request, pk):
    user = request.user
    names = access.can_view_attendee_names(user)
    queryset = event_queryset(user).select_related("settlement", "created_by", "platform__site")
    queryset = queryset.prefetch_related(
        "organizers",
        "tallies",
        Prefetch("actions", queryset=FollowUpAction.objects.select_related("owner_organization")),
    )
    if names:
        attendance = Attendance.objects.select_related("person__site").order_by("person__sort_key", "id")
        queryset = queryset.prefetch_related(Prefetch("attendances", queryset=attendance), "photos")
    event = get_object_or_404(queryset, pk=pk)
    can_edit = access.can_edit_record(user, event)
    counts = counting.count_people(Event.objects.filter(pk=event.pk))
    suppressing = not access.can_view_small_counts(user)
    by_sex = counting.breakdowns(counts, [], suppressing)[1]
    return render(
        request,
        "dialogues/event_detail.html",
        {
            "event": event,
            "names": names,
            "attendances": event.attendances.all() if names else [],
            "summary": counting.summary(counts, suppressing),
            "by_sex": by_sex,
            "is_training": event.kind == EventKind.TRAINING,
            "can_edit": can_edit,
            "action_form": FollowUpActionForm(user=user, event=event) if can_edit else None,
            "photo_form": PhotoForm() if can_edit else None,
            "status_choices": FollowUpAction.Status.choices,
            "history": recent_changes(event) if access.can_manage_registry(user) else [],
            **map_context(),
        },
    )


@login_required
def event_create(request):
    _require(access.can_manage_registry(request.user))
    event = Event()
    platforms = forms.ModelChoiceField(DialoguePlatform.objects.for_user(request.user), required=False)
    platform = QueryForm(request.GET, fields={"platform": platforms}).get("platform")
    if platform:
        event.platform, event.site = platform, platform.site
    return _event_form(request, event)


@login_required
def event_edit(request, pk):
    event = get_object_or_404(Event.objects.for_user(request.user), pk=pk)
    _require(access.can_edit_record(request.user, event))
    return _event_form(request, event)


def _event_form(request, event):
    form = EventForm(request.POST or None, instance=event, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            event = form.save_checked(request.user)
        except ChangedMeanwhile:
            pass
        else:
            messages.success(request, _("The event “%(title)s” was saved.") % {"title": event.title})
            return redirect("dialogues:event-detail", pk=event.pk)
    return render(request, "dialogues/event_form.html", {"form": form, "event": event, **map_context()})


# --- Attendance ----------------------------------------------------------------------------------


def _editable_event(request, pk):
    event = get_object_or_404(Event.objects.for_user(request.user).select_related("site"), pk=pk)
    _require(access.can_edit_record(request.user, event))
    return event


@login_required
def attendance_sheet(request, pk):
    """The attendance grid: a row per person, a checkbox per day; keyboard friendly (attendance_grid.js).
    People are added below it, in place with htmx (the page works without JavaScript too)."""
    event = _editable_event(request, pk)
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
    event = _editable_event(request, pk)
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
    event = _editable_event(request, pk)
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
    event = _editable_event(request, pk)
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
    event = _editable_event(request, pk)
    form = TallyForm(request.POST or None, event=event)
    if request.method == "POST" and form.is_valid():
        if form.save(request.user):
            messages.success(request, _("The tallies were saved."))
            return redirect("dialogues:event-detail", pk=event.pk)
    return render(request, "dialogues/tallies.html", {"event": event, "form": form})


@login_required
def attendance_blank_sheet(request, pk):
    """A blank attendance sheet to print and sign on paper: a column per day of the event."""
    event = get_object_or_404(Event.objects.for_user(request.user).select_related("site", "platform"), pk=pk)
    _require(access.can_manage_registry(request.user))
    rows = QueryForm(request.GET, fields={"rows": forms.IntegerField(required=False, min_value=1)}).get("rows", 25)
    return render(request, "dialogues/blank_sheet.html", {"event": event, "rows": range(1, max(1, min(rows, 200)) + 1)})


# --- Follow-up actions and photos ----------------------------------------------------------------


@login_required
@require_POST
def action_add(request, pk):
    event = _editable_event(request, pk)
    form = FollowUpActionForm(request.POST, instance=FollowUpAction(event=event), user=request.user, event=event)
    if form.is_valid():
        form.save()
        messages.success(request, _("The follow-up action was added."))
    else:
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
    return redirect("dialogues:event-detail", pk=event.pk)


@login_required
@require_POST
def action_status(request, pk, action_pk):
    event = _editable_event(request, pk)
    action = get_object_or_404(event.actions, pk=action_pk)
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        action.status = form.cleaned_data["status"]
        action._history_user = request.user
        action.save()
        messages.success(request, _("The status of the follow-up action was changed."))
    else:
        messages.error(request, _("Choose one of the statuses offered."))
    return redirect("dialogues:event-detail", pk=event.pk)


@login_required
@require_POST
def photo_add(request, pk):
    event = _editable_event(request, pk)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        photo = form.save(commit=False)
        photo.event, photo.uploaded_by = event, request.user
        photo.save()
        messages.success(request, _("The photo was added."))
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect("dialogues:event-detail", pk=event.pk)


@login_required
@require_POST
def photo_remove(request, pk, photo_pk):
    event = _editable_event(request, pk)
    photo = get_object_or_404(event.photos, pk=photo_pk)
    photo.image.delete(save=False)
    photo.thumbnail.delete(save=False)
    photo.delete()
    messages.success(request, _("The photo was removed."))
    return redirect("dialogues:event-detail", pk=event.pk)


# --- Dialogue and resource centres ---------------------------------------------------------------


def platform_queryset(user):
    return (
        DialoguePlatform.objects.for_user(user)
        .select_related("site", "host_organization", "settlement")
        .annotate(
            event_count=Coalesce(
                Subquery(
                    Event.objects.filter(platform=OuterRef("pk"), status=Event.Status.HELD)
                    .order_by()
                    .values("platform")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            )
        )
    )


@login_required
def platform_list(request):
    _require(access.can_view_events(request.user))
    filterset, page = filtered_page(request, PlatformFilterSet, platform_queryset(request.user))
    return render(request, "dialogues/platform_list.html", {"filter": filterset, "page": page})


@login_required
def platform_export(request, fmt):
    _require(access.can_view_events(request.user) and access.can_export(request.user))
    filterset = PlatformFilterSet(request.GET, queryset=platform_queryset(request.user))
    return export_response(request, platform_export_spec(), filterset, fmt)


@login_required
def platform_detail(request, pk):
    user = request.user
    platform = get_object_or_404(platform_queryset(user), pk=pk)
    events = event_queryset(user).filter(platform=platform)[:50]
    coordinators = platform.coordinators.all() if access.can_view_attendee_names(user) else []
    return render(
        request,
        "dialogues/platform_detail.html",
        {
            "platform": platform,
            "events": events,
            "coordinators": coordinators,
            "coordinator_count": platform.coordinators.count(),
            "can_edit": access.can_edit_record(user, platform),
            "history": recent_changes(platform) if access.can_manage_registry(user) else [],
            **map_context(),
        },
    )


@login_required
def platform_create(request):
    _require(access.can_manage_registry(request.user))
    return _platform_form(request, DialoguePlatform())


@login_required
def platform_edit(request, pk):
    platform = get_object_or_404(DialoguePlatform.objects.for_user(request.user), pk=pk)
    _require(access.can_edit_record(request.user, platform))
    return _platform_form(request, platform)


def _platform_form(request, platform):
    form = PlatformForm(request.POST or None, instance=platform, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            platform = form.save_checked(request.user)
        except ChangedMeanwhile:
            pass
        else:
            messages.success(request, _("“%(name)s” was saved.") % {"name": platform.name})
            return redirect("dialogues:platform-detail", pk=platform.pk)
    return render(request, "dialogues/platform_form.html", {"form": form, "platform": platform, **map_context()})


# --- Results -------------------------------------------------------------------------------------


@login_required
def results(request):
    """Unique people reached and trained at the events the filters select, disaggregated; tallies apart.
    Small cells are suppressed for everyone but admins and staff."""
    user = request.user
    _require(access.can_view_dialogue_results(user))
    # Viewers see every site's aggregates; the events themselves stay out of their reach.
    events = Event.objects.for_user(user) if access.can_view_events(user) else _events_for_aggregates(user)
    filterset = EventFilterSet(request.GET or None, queryset=events)
    style_filter_form(filterset.form)
    # Only held events count: status and overdue actions say nothing here.
    hidden = ["order", "status", "overdue"]
    if not access.can_view_events(user):
        hidden += ["q", "platform", "organization"]
    for name in hidden:  # viewers filter aggregates by site, kind, direction and dates, never by one event
        del filterset.form.fields[name]
    counts = _count_results(user, filterset)
    suppressing = not access.can_view_small_counts(user)
    sites = [(site.pk, site.name) for site in PilotSite.objects.for_user(user)]
    tables = counting.breakdowns(counts, sites, suppressing)
    tally_tables = counting.breakdowns(counts, sites, suppressing, tallies=True)
    if request.GET.get("format") in ("csv", "xlsx"):
        _require(access.can_export(user))
        rows = [
            [kind, table.title, label, reached, trained]
            for kind, group in (("named", tables), ("tallies", tally_tables))
            for table in group
            for label, reached, trained in table.rows
        ]
        header = ["counted", "breakdown", "group", "reached", "completed_training"]
        return export_rows(request, "dialogue-results", header, rows, request.GET["format"])
    return render(
        request,
        "dialogues/results.html",
        {
            "filter": filterset,
            "summary": counting.summary(counts, suppressing),
            "tables": tables,
            "tally_tables": tally_tables,
            "suppressing": suppressing,
            "query": request.GET.urlencode(),
        },
    )


def _count_results(user, filterset):
    """The counts of the results page. Whole sites (no filter but the site) are read from the reach
    summary the database keeps — the page as it opens, 200 ms rather than seconds at national scale; any
    other filter (dates, kinds, directions, one centre) counts the chosen events live."""
    if not filterset.is_bound or filterset.is_valid():
        cleaned = filterset.form.cleaned_data if filterset.is_bound else {}
        chosen = {name: value for name, value in cleaned.items() if value not in (None, "", [])}
        site = chosen.pop("site", None)
        if not chosen:
            scope = access.site_scope_ids(user)
            if site is not None:
                scope = {site.pk} if scope is None or site.pk in scope else set()
            return counting.count_people_at_sites(scope, filterset.qs)
    return counting.count_people(filterset.qs)


def _events_for_aggregates(user):
    """The events whose counts a viewer may read (aggregates only, never the events themselves)."""
    return access.scope_to_sites(Event.objects.all(), user)


def site_figures(user, site):
    """Counts for a pilot site's page: events and trainings held (one query), and the unique people reached
    and trained at its events, read from the reach summary (one query; the breakdowns are on the results
    page, linked)."""
    from django.db.models import Count, Q

    from mapping_portal.hooks import Figure

    if not access.can_view_dialogue_results(user):
        return []
    held = Q(status=Event.Status.HELD)
    figures = (
        _events_for_aggregates(user)
        .filter(site=site)
        .aggregate(events=Count("pk", filter=held), trainings=Count("pk", filter=held & Q(kind=EventKind.TRAINING)))
    )
    events_url = reverse("dialogues:event-list") + f"?site={site.slug}" if access.can_view_events(user) else ""
    results_url = reverse("dialogues:results") + f"?site={site.slug}"
    reached, trained = counting.reach_totals(site)
    suppressing = not access.can_view_small_counts(user)
    return [
        Figure(_("Events held"), figures["events"], events_url),
        Figure(_("Trainings held"), figures["trainings"], events_url),
        Figure(_("People reached (unique, named)"), counting.shown_total(reached, suppressing), results_url),
        Figure(_("People who completed a training"), counting.shown_total(trained, suppressing), results_url),
    ]


# --- Initiative groups ---------------------------------------------------------------------------


@login_required
def initiative_groups(request):
    """Organizations of type "initiative group" in the user's sites: members, focus areas, problems,
    and their meetings (events they organize)."""
    user = request.user
    _require(access.can_view_events(user))
    organizations = (
        Organization.objects.for_user(user)
        .filter(type__code=INITIATIVE_GROUP_TYPE)
        .select_related("site", "initiative_group")
        .prefetch_related(
            "thematic_areas",
            Prefetch(
                "organized_events",
                queryset=Event.objects.for_user(user).order_by("-start_date"),
                to_attr="meetings",
            ),
        )
        .annotate(member_count=Count("memberships__person", distinct=True))
        .order_by("site", "sort_key")
    )
    names = access.can_view_attendee_names(user)
    members = {}
    if names:
        for membership in Membership.objects.filter(organization__in=organizations).select_related("person"):
            members.setdefault(membership.organization_id, []).append(membership)
    groups = [(organization, members.get(organization.pk, [])) for organization in organizations]
    formed = sum(1 for organization, _m in groups if _formed(organization))
    return render(
        request,
        "dialogues/initiative_groups.html",
        {"groups": groups, "formed": formed, "names": names},
    )


def _formed(organization):
    try:
        return organization.initiative_group.formed_by_project
    except InitiativeGroup.DoesNotExist:
        return False


@login_required
def initiative_group_edit(request, organization_pk):
    organization = get_object_or_404(
        Organization.objects.for_user(request.user).filter(type__code=INITIATIVE_GROUP_TYPE), pk=organization_pk
    )
    _require(access.can_edit_record(request.user, organization))
    group = InitiativeGroup.objects.filter(organization=organization).first() or InitiativeGroup(
        organization=organization
    )
    form = InitiativeGroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The initiative group was saved."))
        return redirect("dialogues:initiative-groups")
    return render(request, "dialogues/initiative_group_form.html", {"form": form, "organization": organization})


# --- The map layer -------------------------------------------------------------------------------


@require_GET
def dialogues_geojson(request):
    """Dialogue and resource centres and events with a point, access-scoped, events filtered like the list.

    Events without a point of their own stand at their centre's point. Built by PostgreSQL as JSON.
    """
    user = request.user
    features = []
    if access.can_view_events(user):
        events = EventFilterSet(request.GET, queryset=Event.objects.for_user(user)).qs
        event_rows = (
            events.filter(Q(lat__isnull=False) | Q(platform__lat__isnull=False))
            .order_by()
            .values(
                "id",
                "title",
                "kind",
                "start_date",
                "status",
                point_lat=Coalesce("lat", "platform__lat"),
                point_lon=Coalesce("lon", "platform__lon"),
                site_slug=F("site__slug"),
            )
        )
        platform_rows = (
            DialoguePlatform.objects.for_user(user)
            .filter(lat__isnull=False)
            .order_by()
            .values("id", "name", "status", "lat", "lon", site_slug=F("site__slug"))
        )
        features = _geojson_features(event_rows, platform_rows)
    body = '{"type": "FeatureCollection", "features": ' + (features or "[]") + "}"
    response = HttpResponse(body, content_type="application/geo+json")
    response["Cache-Control"] = "private, no-store"
    return response


GEOJSON_SQL = """
SELECT coalesce(json_agg(f), '[]'::json)::text FROM (
    SELECT json_build_object('type', 'Feature',
        'geometry', json_build_object('type', 'Point', 'coordinates',
            json_build_array(round(e.point_lon::numeric, 5), round(e.point_lat::numeric, 5))),
        'properties', json_build_object('layer', 'event', 'id', e.id, 'name', e.title, 'kind', e.kind,
            'date', to_char(e.start_date, 'DD.MM.YYYY'), 'status', e.status, 'site', e.site_slug)) AS f
    FROM ({events}) AS e
    UNION ALL
    SELECT json_build_object('type', 'Feature',
        'geometry', json_build_object('type', 'Point', 'coordinates',
            json_build_array(round(p.lon::numeric, 5), round(p.lat::numeric, 5))),
        'properties', json_build_object('layer', 'platform', 'id', p.id, 'name', p.name, 'status', p.status,
            'site', p.site_slug))
    FROM ({platforms}) AS p
) AS features
"""


def _geojson_features(event_rows, platform_rows) -> str:
    try:
        events_sql, events_params = event_rows.query.sql_with_params()
        platforms_sql, platforms_params = platform_rows.query.sql_with_params()
    except EmptyResultSet:
        return "[]"
    with connection.cursor() as cursor:
        cursor.execute(
            GEOJSON_SQL.format(events=events_sql, platforms=platforms_sql), (*events_params, *platforms_params)
        )
        return cursor.fetchone()[0]
