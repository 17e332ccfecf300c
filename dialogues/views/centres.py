"""Dialogue and resource centres: the list and its export, a centre's profile (its events) and its form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from dialogues.exports import platform_export_spec
from dialogues.filters import PlatformFilterSet
from dialogues.forms import PlatformForm
from dialogues.models import DialoguePlatform, Event
from dialogues.views.events import event_queryset
from mapping_portal import access
from mapping_portal.history import recent_changes
from mapping_portal.listing import export_response, filtered_page
from mapping_portal.shortcuts import get_for_user_or_404, require, save_posted
from mapping_portal.views import map_context


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
    require(access.can_view_events(request.user))
    filterset, page = filtered_page(request, PlatformFilterSet, platform_queryset(request.user))
    return render(request, "dialogues/platform_list.html", {"filter": filterset, "page": page})


@login_required
def platform_export(request, fmt):
    require(access.can_view_events(request.user) and access.can_export(request.user))
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
    require(access.can_manage_registry(request.user))
    return _platform_form(request, DialoguePlatform())


@login_required
def platform_edit(request, pk):
    platform = get_for_user_or_404(DialoguePlatform, request.user, pk=pk)
    require(access.can_edit_record(request.user, platform))
    return _platform_form(request, platform)


def _platform_form(request, platform):
    form = PlatformForm(request.POST or None, instance=platform, user=request.user)
    if (saved := save_posted(request, form)) is not None:
        platform = saved
        messages.success(request, _("“%(name)s” was saved.") % {"name": platform.name})
        return redirect("dialogues:platform-detail", pk=platform.pk)
    return render(request, "dialogues/platform_form.html", {"form": form, "platform": platform, **map_context()})
