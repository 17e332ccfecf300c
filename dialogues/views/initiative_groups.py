"""Initiative groups: organizations of that type in the user's sites, their members and meetings, and the
project's record of each (formed by the project, when, the problems it works on)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from dialogues.exports import (
    initiative_group_export_spec,
    initiative_group_member_export_spec,
    initiative_group_memberships,
)
from dialogues.forms import InitiativeGroupForm
from dialogues.models import INITIATIVE_GROUP_TYPE, Event, InitiativeGroup
from mapping_portal import access
from mapping_portal.listing import PAGE_SIZE, export_rows
from mapping_portal.shortcuts import get_for_user_or_404, require
from stakeholders.models import Membership, Organization


def initiative_group_organizations(user):
    """Organizations of type "initiative group" in the user's sites, with what the page and its export show of
    them: site, the project's record, focus areas, the number of members and their meetings (events they organize,
    in the user's scope), in a fixed number of queries."""
    members = (
        Membership.objects.filter(organization=OuterRef("pk"))
        .order_by()
        .values("organization")
        .annotate(count=Count("person", distinct=True))
        .values("count")
    )
    return (
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
        # A correlated count rather than a GROUP BY over the join: the page's count and its 25 rows stay plain.
        .annotate(member_count=Coalesce(Subquery(members), 0))
        .order_by("site", "sort_key")
    )


@login_required
def initiative_groups(request):
    """Organizations of type "initiative group" in the user's sites: members, focus areas, problems,
    and their meetings (events they organize). With `?format=csv|xlsx` the groups as a file (members counted);
    with `?format=…&members=1` their members by name (personal data: admins only, logged)."""
    user = request.user
    require(access.can_view_events(user))
    organizations = initiative_group_organizations(user)
    fmt = request.GET.get("format")
    if fmt:
        return _export(request, organizations, fmt)
    names = access.can_view_attendee_names(user)
    # A page of groups at a time, as every list (at national scale the registry holds over a thousand).
    page = Paginator(organizations, PAGE_SIZE).get_page(request.GET.get("page"))
    page.query_without_page = ""
    members = {}
    if names:
        shown = Membership.objects.filter(organization__in=[organization.pk for organization in page])
        for membership in shown.select_related("person"):
            members.setdefault(membership.organization_id, []).append(membership)
    groups = [(organization, members.get(organization.pk, [])) for organization in page]
    formed = InitiativeGroup.objects.filter(
        organization__in=Organization.objects.for_user(user).filter(type__code=INITIATIVE_GROUP_TYPE),
        formed_by_project=True,
    ).count()
    return render(
        request,
        "dialogues/initiative_groups.html",
        {"groups": groups, "formed": formed, "names": names, "page": page},
    )


def _export(request, organizations, fmt):
    user = request.user
    if request.GET.get("members"):
        require(access.can_export_personal_data(user))
        spec = initiative_group_member_export_spec()
        rows = spec.rows(initiative_group_memberships(organizations))
        return export_rows(request, spec.name, spec.header, rows, fmt, personal_data=spec.personal_data)
    require(access.can_export(user))
    spec = initiative_group_export_spec()
    return export_rows(request, spec.name, spec.header, spec.rows(organizations), fmt)


@login_required
def initiative_group_edit(request, organization_pk):
    organization = get_for_user_or_404(
        Organization.objects.filter(type__code=INITIATIVE_GROUP_TYPE), request.user, pk=organization_pk
    )
    require(access.can_edit_record(request.user, organization))
    group = InitiativeGroup.objects.filter(organization=organization).first() or InitiativeGroup(
        organization=organization
    )
    form = InitiativeGroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The initiative group was saved."))
        return redirect("dialogues:initiative-groups")
    return render(request, "dialogues/initiative_group_form.html", {"form": form, "organization": organization})
