"""What the registry plugs into the core's hooks (mapping_portal.hooks); imported by StakeholdersConfig.ready()."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from mapping_portal import hooks
from stakeholders import exports, timeline
from stakeholders.models import Organization, Person


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
