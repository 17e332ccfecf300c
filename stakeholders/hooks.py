"""What the registry plugs into the core's hooks (mapping_portal.hooks); imported by StakeholdersConfig.ready()."""

from django.db.models import Count, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

import stakeholders.indicators  # noqa: F401  (registers the results framework's providers)
from mapping_portal import hooks
from mapping_portal.jobs.models import Job
from stakeholders import exports, jobs, timeline
from stakeholders.models import (
    CapacityAssessment,
    DevelopmentAction,
    IndicatorScore,
    Membership,
    Organization,
    Person,
)


@hooks.site_figures.register
def site_figures(user, site):
    """Counts for a pilot site's page: organizations the user may see, and people as a number only."""
    organizations = Organization.objects.for_user(user).filter(site=site, is_active=True)
    figures = organizations.aggregate(total=Count("pk"), public=Count("pk", filter=Q(public_listing_consent=True)))
    people = Person.objects.filter(site=site, is_active=True).count()
    list_url = reverse("stakeholders:organization-list") + f"?site={site.slug}"
    return [
        hooks.Figure(_("Organizations"), figures["total"], list_url),
        hooks.Figure(_("of them listed publicly"), figures["public"]),
        hooks.Figure(_("People in the registry"), people),
    ]


@hooks.media.register(key="logos")
def may_see_logo(user, path):
    """A logo is seen by whoever may see its organization (the public: consented ones only)."""
    return Organization.objects.for_user(user).filter(Q(logo=path) | Q(logo_thumbnail=path)).exists()


for provider in (timeline.created, timeline.assessments, timeline.merges):
    hooks.organization_timeline.register(provider)
for provider in (timeline.person_created, timeline.person_memberships, timeline.person_merges):
    hooks.person_timeline.register(provider)

hooks.exports.register(exports.assessment_export_spec, key="assessments")
hooks.exports.register(lambda: exports.organization_export_spec(with_funding_sources=True), key="organizations")
hooks.exports.register(exports.person_export_spec, key="people")


# --- The signed-in home (mapping_portal.homes) ------------------------------------------------------------------


@hooks.home_items.register
def home_work_queue(user):
    """Staff and admins: assessments in draft, imports not finished, possible duplicates found since their last
    visit to the duplicates page. Three queries."""
    from mapping_portal import access
    from mapping_portal.models import PageVisit, PilotSite
    from stakeholders.models import CapacityAssessment, DistinctPair, DuplicateCandidate, ImportBatch

    if not access.can_manage_registry(user):
        return []
    drafts = CapacityAssessment.objects.for_user(user).filter(status=CapacityAssessment.Status.DRAFT).count()
    unfinished = (
        ImportBatch.objects.for_user(user)
        .filter(status__in=[ImportBatch.Status.ANALYSING, ImportBatch.Status.READY])
        .count()
    )
    # Pairs found after the user's last visit to the duplicates page, in their sites, not judged different.
    last_seen = PageVisit.objects.filter(user=user, page="duplicates").values("last_seen_id")[:1]
    judged = DistinctPair.objects.filter(
        kind=OuterRef("kind"), first_id=OuterRef("first_id"), second_id=OuterRef("second_id")
    )
    new_pairs = (
        DuplicateCandidate.objects.filter(
            site__in=PilotSite.objects.for_user(user), id__gt=Coalesce(Subquery(last_seen), Value(0))
        )
        .exclude(Exists(judged))
        .count()
    )
    return [
        hooks.HomeItem(
            "drafts",
            _("Capacity assessments in draft"),
            drafts,
            reverse("stakeholders:assessment-list") + "?status=draft",
        ),
        hooks.HomeItem(
            "registry",
            _("Possible duplicates new since your last visit"),
            new_pairs,
            reverse("stakeholders:duplicate-list"),
        ),
        hooks.HomeItem("registry", _("Imports not finished"), unfinished, reverse("stakeholders:import-list")),
    ]


@hooks.home_items.register
def home_changes(user):
    """Staff and admins: the latest changes to the organizations of their sites (simple-history). One query."""
    from mapping_portal import access
    from mapping_portal.history import ACTIONS

    if not access.can_manage_registry(user):
        return []
    entries = (
        Organization.history.filter(id__in=Organization.objects.for_user(user).values("pk"))
        .select_related("history_user")
        .order_by("-history_date")[:20]
    )
    return [
        hooks.HomeItem(
            "changes",
            entry.name_ky or entry.name_ru,
            url=reverse("stakeholders:organization-detail", args=[entry.id]),
            detail=f"{_('Organization')} · {ACTIONS.get(entry.history_type, '')}"
            + (f" · {entry.history_user.username}" if entry.history_user else ""),
            when=entry.history_date,
        )
        for entry in entries
    ]


# --- The audit pages (mapping_portal.changes): the registry's kinds of record ------------------------------------

_AUDITED = {
    "organization": hooks.AuditedKind(
        Organization, hooks.link_to("stakeholders:organization-detail", "id"), scope=Organization.objects.for_user
    ),
    "person": hooks.AuditedKind(
        Person, hooks.link_to("stakeholders:person-detail", "id"), scope=Person.objects.for_user
    ),
    "membership": hooks.AuditedKind(
        Membership, hooks.link_to("stakeholders:organization-detail", "organization_id"), ("person", "organization")
    ),
    "assessment": hooks.AuditedKind(
        CapacityAssessment,
        hooks.link_to("stakeholders:assessment-detail", "id"),
        ("organization",),
        scope=CapacityAssessment.objects.for_user,
    ),
    "indicator-score": hooks.AuditedKind(
        IndicatorScore, hooks.link_to("stakeholders:assessment-detail", "assessment_id"), ("indicator",)
    ),
    "development-action": hooks.AuditedKind(
        DevelopmentAction, hooks.link_to("stakeholders:assessment-detail", "assessment_id")
    ),
}
for _key, _kind in _AUDITED.items():
    hooks.audited.register(_kind, key=_key)


hooks.job_work.register(jobs.commit_import, key=Job.Kind.IMPORT)
hooks.job_work.register(jobs.compare_duplicates, key=Job.Kind.DUPLICATES)
