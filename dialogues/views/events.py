"""Events: the list and its export, an event's profile and its form. `editable_event` is the event an edit page
works on: in the user's scope (404 otherwise) and theirs to edit."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from dialogues import counting
from dialogues.exports import event_export_spec
from dialogues.filters import EventFilterSet
from dialogues.forms import EventForm, FollowUpActionForm, PhotoForm
from dialogues.models import Attendance, DialoguePlatform, Event, EventKind, FollowUpAction
from dialogues.outcomes import knowledge_change, shown_change
from mapping_portal import access
from mapping_portal.forms import QueryForm
from mapping_portal.history import recent_changes
from mapping_portal.listing import export_response, filtered_page
from mapping_portal.shortcuts import get_for_user_or_404, require, save_posted
from mapping_portal.sql_export import Selected
from mapping_portal.views import map_context


def event_queryset(user):
    """Events the user may see, with what their list and profile show, in a fixed number of queries."""
    return (
        Event.objects.for_user(user).select_related("site", "platform").prefetch_related("thematic_areas").with_counts()
    )


@login_required
def event_list(request):
    require(access.can_view_events(request.user) or access.can_view_dialogue_results(request.user))
    if not access.can_view_events(request.user):
        # Viewers read aggregates only: the results page is theirs.
        return redirect("dialogues:results")
    filterset, page = filtered_page(request, EventFilterSet, event_queryset(request.user))
    return render(request, "dialogues/event_list.html", {"filter": filterset, "page": page})


@login_required
def event_export(request, fmt):
    require(access.can_view_events(request.user) and access.can_export(request.user))
    filterset = EventFilterSet(request.GET, queryset=event_queryset(request.user))
    spec = event_export_spec(suppressing=not access.can_view_small_counts(request.user))
    return export_response(request, spec, Selected(spec, filterset), fmt)


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
    is_training = event.kind == EventKind.TRAINING
    knowledge = shown_change(knowledge_change(Event.objects.filter(pk=event.pk)), suppressing) if is_training else None
    return render(
        request,
        "dialogues/event_detail.html",
        {
            "event": event,
            "names": names,
            "attendances": event.attendances.all() if names else [],
            "summary": counting.summary(counts, suppressing),
            "by_sex": by_sex,
            "is_training": is_training,
            "knowledge": knowledge,
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
    require(access.can_manage_registry(request.user))
    event = Event()
    platforms = forms.ModelChoiceField(DialoguePlatform.objects.for_user(request.user), required=False)
    platform = QueryForm(request.GET, fields={"platform": platforms}).get("platform")
    if platform:
        event.platform, event.site = platform, platform.site
    return _event_form(request, event)


@login_required
def event_edit(request, pk):
    event = get_for_user_or_404(Event, request.user, pk=pk)
    require(access.can_edit_record(request.user, event))
    return _event_form(request, event)


def _event_form(request, event):
    form = EventForm(request.POST or None, instance=event, user=request.user)
    if (saved := save_posted(request, form)) is not None:
        event = saved
        messages.success(request, _("The event “%(title)s” was saved.") % {"title": event.title})
        return redirect("dialogues:event-detail", pk=event.pk)
    return render(request, "dialogues/event_form.html", {"form": form, "event": event, **map_context()})


def editable_event(request, pk):
    event = get_for_user_or_404(Event.objects.select_related("site"), request.user, pk=pk)
    require(access.can_edit_record(request.user, event))
    return event
