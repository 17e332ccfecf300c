"""Pages of the registry: organization and people lists (with export), profiles, forms, the map layer."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET, require_POST

from mapping_portal import access, hooks
from mapping_portal.forms import QueryForm, id_field, site_field
from mapping_portal.geo import PointLayer, geojson_response, point_layers
from mapping_portal.history import recent_changes
from mapping_portal.listing import export_response, filtered_page
from mapping_portal.models import PilotSite, ThematicArea
from mapping_portal.shortcuts import error_messages, get_for_user_or_404, require, save_posted
from mapping_portal.sql_export import Selected
from mapping_portal.views import map_context
from stakeholders.duplicates import similar_organizations
from stakeholders.exports import organization_export_spec, person_export_spec
from stakeholders.filters import OrganizationFilterSet, PersonFilterSet
from stakeholders.forms import MembershipForm, OrganizationForm, PersonForm, RelationshipForm
from stakeholders.models import (
    Membership,
    Organization,
    OrganizationRelationship,
    Person,
    RelationshipKind,
)
from stakeholders.timeline import person_timeline_for, timeline_for

LIST_RELATED = ["type", "site", "settlement"]


def organization_queryset(user):
    """Organizations the user may see, with what their lists and profiles show, in one go."""
    return Organization.objects.for_user(user).select_related(*LIST_RELATED).prefetch_related("thematic_areas")


def organization_list(request):
    require(access.can_browse_registry(request.user))
    filterset, page = filtered_page(
        request, OrganizationFilterSet, organization_queryset(request.user), user=request.user
    )
    return render(
        request,
        "stakeholders/organization_list.html",
        {"filter": filterset, "page": page},
    )


def organization_export(request, fmt):
    require(access.can_export(request.user))
    filterset = OrganizationFilterSet(request.GET, queryset=organization_queryset(request.user), user=request.user)
    spec = organization_export_spec(with_funding_sources=access.can_view_funding_sources(request.user))
    return export_response(request, spec, Selected(spec, filterset), fmt)


# The organization's page holds two forms with a "since" (a relationship, a member): the member form's fields are
# prefixed, so that no two fields share an id.
MEMBER_PREFIX = "member"


def organization_detail(request, pk):
    organization = organization_queryset(request.user).prefetch_related("target_groups").filter(pk=pk).first()
    if organization is None:
        return _merged_or_404(request, Organization, pk)
    people, membership_form = [], None
    member_count = organization.memberships.count()
    if access.can_view_personal_data(request.user):
        # Personal data: the members the user may see (people of its sites), by name.
        people = (
            organization.memberships.filter(person__in=Person.objects.for_user(request.user))
            .select_related("person")
            .order_by("person__sort_key", "role", "pk")
        )
        if access.can_edit_record(request.user, organization):
            membership_form = MembershipForm(
                instance=Membership(organization=organization), user=request.user, prefix=MEMBER_PREFIX
            )
    history, merges = [], []
    if access.can_view_history(request.user):
        history = recent_changes(organization)
    if access.can_merge_records(request.user):
        merges = organization.merges.select_related("merged")
    visible = Organization.objects.for_user(request.user)
    relationships = []
    if access.can_view_network(request.user):
        relationships = [
            *organization.relationships_out.filter(target__in=visible).select_related("target"),
            *organization.relationships_in.filter(source__in=visible).select_related("source"),
        ]
    relationship_form = (
        RelationshipForm(user=request.user) if access.can_edit_record(request.user, organization) else None
    )
    return render(
        request,
        "stakeholders/organization_detail.html",
        {
            "organization": organization,
            "memberships": people,
            "member_count": member_count,
            "membership_form": membership_form,
            "history": history,
            "merges": merges,
            "relationships": relationships,
            "relationship_form": relationship_form,
            **map_context(),
        },
    )


def organization_timeline(request, pk):
    """What happened to the organization, from every app, newest first (each app filters its own items)."""
    organization = get_object_or_404(organization_queryset(request.user), pk=pk)
    return render(
        request,
        "stakeholders/organization_timeline.html",
        {"organization": organization, "items": timeline_for(request.user, organization)},
    )


# Lazy: built once at import, shown in the language of each request.
QUADRANTS = [
    ("manage-closely", gettext_lazy("Manage closely"), gettext_lazy("high influence, high interest")),
    ("keep-satisfied", gettext_lazy("Keep satisfied"), gettext_lazy("high influence, lower interest")),
    ("keep-informed", gettext_lazy("Keep informed"), gettext_lazy("lower influence, high interest")),
    ("monitor", gettext_lazy("Monitor"), gettext_lazy("lower influence, lower interest")),
]


class SimilarQuery(QueryForm):
    """What the organization and person forms send while a name is typed (htmx)."""

    name_ky = forms.CharField(required=False, max_length=300)
    name_ru = forms.CharField(required=False, max_length=300)
    full_name = forms.CharField(required=False, max_length=300)
    full_name_latin = forms.CharField(required=False, max_length=300)
    birth_year = forms.IntegerField(required=False, min_value=1000, max_value=9999)
    similar_exclude = id_field()


@login_required
def stakeholder_analysis(request):
    """The power–interest grid of a pilot site: a chart and the same organizations as four lists."""
    require(access.can_view_stakeholder_analysis(request.user))
    sites = PilotSite.objects.for_user(request.user)
    query = QueryForm(request.GET, fields={"site": site_field(sites)})
    site = query.get("site") or sites.first()
    organizations = list(
        Organization.objects.for_user(request.user)
        .filter(site=site, is_active=True, influence__isnull=False, interest__isnull=False)
        .select_related("type")
    )
    points = [
        {
            "x": o.interest,
            "y": o.influence,
            "stance": o.stance or "unknown",
            "name": o.name,
            "url": reverse("stakeholders:organization-detail", args=[o.pk]),
        }
        for o in organizations
    ]
    quadrants = [
        (code, name, meaning, [o for o in organizations if o.analysis_quadrant == code])
        for code, name, meaning in QUADRANTS
    ]
    return render(
        request,
        "stakeholders/stakeholder_analysis.html",
        {
            "query_form": query,
            "sites": sites,
            "site": site,
            "points": points,
            "quadrants": quadrants,
            "grid_text": {
                "supportive": _("supportive"),
                "neutral": _("neutral"),
                "resistant": _("resistant"),
                "unknown": _("stance not recorded"),
                "interest": _("interest (1–5)"),
                "influence": _("influence (1–5)"),
                "quadrants": {code: name for code, name, _meaning in QUADRANTS},
                "boundary": Organization.ANALYSIS_HIGH - 0.5,
            },
        },
    )


@login_required
@require_GET
def organization_similar(request):
    """htmx, while a name is typed: existing organizations of the site that may be the same one."""
    require(access.can_manage_registry(request.user))
    sites = PilotSite.objects.for_user(request.user)
    query = SimilarQuery(request.GET, fields={"site": forms.ModelChoiceField(sites, required=False)})
    matches = similar_organizations(
        Organization.objects.for_user(request.user),
        [query.get("name_ky", ""), query.get("name_ru", "")],
        site=query.get("site"),
        exclude_pk=query.get("similar_exclude"),
    )
    return render(request, "stakeholders/partials/similar_organizations.html", {"matches": matches})


@login_required
@require_POST
def relationship_add(request, pk):
    organization = get_for_user_or_404(Organization, request.user, pk=pk)
    require(access.can_edit_record(request.user, organization))
    form = RelationshipForm(request.POST, instance=OrganizationRelationship(source=organization), user=request.user)
    if form.is_valid():
        form.save()
        messages.success(request, _("The relationship was recorded."))
    else:
        error_messages(request, form)
    return redirect("stakeholders:organization-detail", pk=organization.pk)


@login_required
@require_POST
def relationship_remove(request, pk, relationship_pk):
    organization = get_for_user_or_404(Organization, request.user, pk=pk)
    require(access.can_edit_record(request.user, organization))
    relationship = get_object_or_404(organization.relationships_out, pk=relationship_pk)
    relationship.delete()
    messages.success(request, _("The relationship was removed."))
    return redirect("stakeholders:organization-detail", pk=organization.pk)


# How each kind of tie is drawn, the same in the graph and in its legend: a colour (at least 3:1 on white), a line
# style, and an arrow from source to target where the tie has a direction ("A funds B", "A is a member of B").
RELATIONSHIP_LOOK = {
    RelationshipKind.PARTNER: ("#2e7d32", "solid", False, pgettext_lazy("relationship kind", "partnership")),
    RelationshipKind.MEMBER_OF: ("#6a1b9a", "dashed", True, pgettext_lazy("relationship kind", "membership")),
    RelationshipKind.FUNDS: ("#b45f06", "solid", True, pgettext_lazy("relationship kind", "funding")),
    RelationshipKind.COORDINATES_WITH: ("#0b5394", "dotted", False, pgettext_lazy("relationship kind", "coordination")),
}
LINE_DASHES = {"solid": "", "dashed": "7 4", "dotted": "2 3"}  # the same lines as SVG, for the legend


@login_required
def network(request):
    """The network of a pilot site: organizations and their relationships, filterable by thematic area."""
    require(access.can_view_network(request.user))
    sites = PilotSite.objects.for_user(request.user)
    areas = ThematicArea.objects.all()
    area_field = forms.ModelChoiceField(areas, to_field_name="code", required=False, label=_("Thematic direction"))
    query = QueryForm(request.GET, fields={"site": site_field(sites), "thematic_area": area_field})
    site = query.get("site") or sites.first()
    area = query.get("thematic_area")
    organizations = Organization.objects.for_user(request.user).filter(site=site, is_active=True).select_related("type")
    if area:
        organizations = organizations.filter(thematic_areas=area)
    nodes = {o.pk: o for o in organizations}
    edges = list(OrganizationRelationship.objects.filter(source__in=nodes, target__in=nodes))
    linked = {pk for edge in edges for pk in (edge.source_id, edge.target_id)}
    elements = [
        {
            "data": {
                "id": f"o{pk}",
                "label": o.name,
                "color": o.type.color,
                "url": reverse("stakeholders:organization-detail", args=[pk]),
            }
        }
        for pk, o in nodes.items()
        if pk in linked
    ] + [
        {
            "data": {
                "id": f"r{e.pk}",
                "source": f"o{e.source_id}",
                "target": f"o{e.target_id}",
                "label": RELATIONSHIP_LOOK[e.kind][3],
                "kind": e.kind,
            }
        }
        for e in edges
    ]
    types = sorted({nodes[pk].type for pk in linked}, key=lambda t: (t.order, t.code))
    kinds = [
        {"kind": kind, "color": color, "line": line, "dashes": LINE_DASHES[line], "arrow": arrow, "name": name}
        for kind, (color, line, arrow, name) in RELATIONSHIP_LOOK.items()
    ]
    return render(
        request,
        "stakeholders/network.html",
        {
            "query_form": query,
            "sites": sites,
            "site": site,
            "areas": areas,
            "area": area,
            "elements": elements,
            "edge_count": len(edges),
            "node_count": len(linked),
            "ties": sorted(
                ((nodes[e.source_id], RELATIONSHIP_LOOK[e.kind][3], nodes[e.target_id]) for e in edges),
                key=lambda tie: (tie[0].name, str(tie[1]), tie[2].name),
            ),
            "types": types,
            "kinds": kinds,
        },
    )


@login_required
def organization_create(request):
    require(access.can_manage_registry(request.user))
    return _organization_form(request, Organization())


@login_required
def organization_edit(request, pk):
    organization = get_for_user_or_404(Organization, request.user, pk=pk)
    require(access.can_edit_record(request.user, organization))
    return _organization_form(request, organization)


def _organization_form(request, organization):
    form = OrganizationForm(request.POST or None, request.FILES or None, instance=organization, user=request.user)
    if (saved := save_posted(request, form)) is not None:
        organization = saved
        messages.success(request, _("The organization “%(name)s” was saved.") % {"name": organization.name})
        return redirect("stakeholders:organization-detail", pk=organization.pk)
    return render(
        request, "stakeholders/organization_form.html", {"form": form, "organization": organization, **map_context()}
    )


@login_required
@require_POST
def organization_set_active(request, pk):
    """Deactivate (or reactivate): records others link to are never deleted."""
    organization = get_for_user_or_404(Organization, request.user, pk=pk)
    require(access.can_edit_record(request.user, organization))
    organization.is_active = request.POST.get("active") == "true"
    organization.version += 1
    organization.save()
    if organization.is_active:
        messages.success(request, _("The organization is active again."))
    else:
        messages.success(request, _("The organization was deactivated. Its links and history are kept."))
    return redirect("stakeholders:organization-detail", pk=organization.pk)


@require_GET
@gzip_page
def organizations_geojson(request):
    """The organizations layer of the map: access-scoped, filtered like the list (with the filters the user
    may use: `OrganizationFilterSet(user=...)`).

    Kept lean for 20,000 points: properties are the id, the name, the type's code, the site's slug and the
    settlement's id (the page holds their names in its language, and the link to the profile for those who
    may open it); coordinates rounded to about a metre. PostgreSQL builds the JSON itself from the filtered
    query (a fifth of the time Python needs), gzip on the wire.
    """
    filterset = OrganizationFilterSet(
        request.GET, queryset=Organization.objects.for_user(request.user), user=request.user
    )
    return geojson_response(point_layers(map_layer(filterset.qs)), public=access.is_public(request.user))


def map_layer(organizations) -> PointLayer:
    """The organizations with a point, their name in Kyrgyz (else Russian)."""
    rows = (
        organizations.filter(lat__isnull=False)
        .order_by()
        .values(
            "id",
            "lat",
            "lon",
            "settlement_id",
            name=Coalesce(NullIf("name_ky", Value("")), "name_ru"),
            type_code=F("type__code"),
            site_slug=F("site__slug"),
        )
    )
    properties = {"id": "id", "name": "name", "type": "type_code", "site": "site_slug", "settlement": "settlement_id"}
    return PointLayer(rows, lat="lat", lon="lon", properties=properties)


# --- People (personal data: admins and staff only) --------------------------------------------


def person_queryset(user):
    return Person.objects.for_user(user).select_related("site", "settlement")


@login_required
def person_list(request):
    require(access.can_view_personal_data(request.user))
    filterset, page = filtered_page(
        request,
        PersonFilterSet,
        # A correlated count, evaluated for the page's rows only (a GROUP BY over every person
        # would be counted for the whole registry before the first page could be shown).
        person_queryset(request.user).annotate(
            membership_count=Coalesce(
                Subquery(
                    Membership.objects.filter(person=OuterRef("pk"))
                    .order_by()
                    .values("person")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            )
        ),
    )
    return render(request, "stakeholders/person_list.html", {"filter": filterset, "page": page})


@login_required
def person_export(request, fmt):
    require(access.can_export_personal_data(request.user))
    filterset = PersonFilterSet(request.GET, queryset=person_queryset(request.user))
    spec = person_export_spec()
    return export_response(request, spec, Selected(spec, filterset), fmt)


@login_required
def person_detail(request, pk):
    person = person_queryset(request.user).filter(pk=pk).first()
    if person is None:
        return _merged_or_404(request, Person, pk)
    memberships = person.memberships.select_related("organization__type")
    form = MembershipForm(user=request.user)
    return render(
        request,
        "stakeholders/person_detail.html",
        {
            "person": person,
            "memberships": memberships,
            "membership_form": form,
            "history": recent_changes(person) if access.can_view_history(request.user) else [],
            "merges": person.merges.select_related("merged"),
            # What other apps show about the person (grant applications, …), each under its own title.
            "sections": hooks.person_sections.answers(request.user, person),
        },
    )


@login_required
def person_timeline(request, pk):
    """What happened to the person, from every app, newest first: personal data, so admins and staff only (for
    everyone else the person is out of scope: 404)."""
    person = get_object_or_404(person_queryset(request.user), pk=pk)
    return render(
        request,
        "stakeholders/person_timeline.html",
        {"person": person, "items": person_timeline_for(request.user, person)},
    )


@login_required
def person_create(request):
    require(access.can_manage_registry(request.user))
    return _person_form(request, Person())


@login_required
def person_edit(request, pk):
    person = get_for_user_or_404(Person, request.user, pk=pk)
    require(access.can_edit_record(request.user, person))
    return _person_form(request, person)


def _person_form(request, person):
    form = PersonForm(request.POST or None, instance=person, user=request.user)
    if (saved := save_posted(request, form)) is not None:
        person = saved
        messages.success(request, _("%(name)s was saved.") % {"name": person.full_name})
        return redirect("stakeholders:person-detail", pk=person.pk)
    return render(request, "stakeholders/person_form.html", {"form": form, "person": person})


@login_required
@require_POST
def membership_add(request, pk):
    person = get_for_user_or_404(Person, request.user, pk=pk)
    require(access.can_edit_record(request.user, person))
    _add_membership(request, Membership(person=person))
    return redirect("stakeholders:person-detail", pk=person.pk)


@login_required
@require_POST
def membership_remove(request, pk, membership_pk):
    person = get_for_user_or_404(Person, request.user, pk=pk)
    require(access.can_edit_record(request.user, person))
    _remove_membership(request, person.memberships, membership_pk)
    return redirect("stakeholders:person-detail", pk=person.pk)


@login_required
@require_POST
def organization_member_add(request, pk):
    """A member added from the organization's page: the same form and rules as from the person's page."""
    organization = get_for_user_or_404(Organization, request.user, pk=pk)
    require(access.can_edit_record(request.user, organization) and access.can_view_personal_data(request.user))
    _add_membership(request, Membership(organization=organization), prefix=MEMBER_PREFIX)
    return redirect(reverse("stakeholders:organization-detail", args=[organization.pk]) + "#members")


@login_required
@require_POST
def organization_member_remove(request, pk, membership_pk):
    """A membership removed from the organization's page; its person must be one the user may see."""
    organization = get_for_user_or_404(Organization, request.user, pk=pk)
    require(access.can_edit_record(request.user, organization) and access.can_view_personal_data(request.user))
    members = organization.memberships.filter(person__in=Person.objects.for_user(request.user))
    _remove_membership(request, members, membership_pk)
    return redirect(reverse("stakeholders:organization-detail", args=[organization.pk]) + "#members")


def _add_membership(request, membership, prefix=None):
    form = MembershipForm(request.POST, instance=membership, user=request.user, prefix=prefix)
    if form.is_valid():
        form.save()
        messages.success(request, _("The membership was added."))
    else:
        error_messages(request, form)


def _remove_membership(request, memberships, membership_pk):
    membership = memberships.filter(pk=membership_pk).first()
    if membership is None:
        raise Http404
    membership.delete()
    messages.success(request, _("The membership was removed."))


def _merged_or_404(request, model, pk):
    """A merged record's address leads to the record it was merged into (when the user may see it)."""
    from stakeholders.views.duplicates import merged_redirect

    target = merged_redirect(model, request.user, pk)
    if target is None:
        raise Http404
    messages.info(request, _("That record was merged into this one."))
    return redirect(target)
