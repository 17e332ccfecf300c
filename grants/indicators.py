"""The small grants' measures for the results framework (mapping_portal.results): grants awarded (how many, how
much) and disbursed, and women's share of lead applicants. Aggregates only — what local authorities and viewers
read too —, a fixed number of queries each, over the pilot sites of the scope (an application's site); registered
in `hooks.indicators` (imported by grants.hooks)."""

from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from grants.models import ApplicationStatus, Award, GrantApplication, ProjectKind, Tranche
from grants.models.money import ZERO
from mapping_portal import access, hooks
from stakeholders.indicators import BY_SITE, in_sites, scope_sites, site_query, women_share
from stakeholders.models import Person

BY_KIND = _("By kind of project")


def _awards(scope):
    """The awards decided within the scope (the local date of the decision) at the scope's sites."""
    return Award.objects.filter(
        in_sites(scope, "application__site"),
        application__status=ApplicationStatus.APPROVED,
        decided_at__date__gte=scope.start,
        decided_at__date__lte=scope.end,
    )


def _cube(rows) -> dict:
    """{(site id, kind): value} from (site id, kind, value) rows."""
    return {(site_id, kind): value for site_id, kind, value in rows}


def _measure(scope, sites, cube, zero, url) -> hooks.Measure:
    """A measure of grants (not people) with its breakdowns by site and by kind of project, summed from the cube."""
    by_site, by_kind = defaultdict(lambda: zero), defaultdict(lambda: zero)
    for (site_id, kind), value in cube.items():
        by_site[site_id] += value
        by_kind[kind] += value
    return hooks.Measure(
        value=sum(cube.values(), zero),
        breakdowns=[
            hooks.Breakdown("site", BY_SITE, [(s.slug, s.name, by_site[s.pk]) for s in sites], people=False),
            hooks.Breakdown(
                "kind", BY_KIND, [(k, label, by_kind[k]) for k, label in ProjectKind.choices], people=False
            ),
        ],
        url=url,
    )


def _awarded_url(scope, sites) -> str:
    """The approved applications (with their awards) of the scope's site, for those who read awards one by one."""
    if not access.can_view_awards_on_map(scope.user):
        return ""
    query = site_query(sites)
    return reverse("grants:application-list") + (query + "&" if query else "?") + "status=approved"


@hooks.indicators.register(key="grants_awarded")
def grants_awarded(scope) -> hooks.Measure:
    """Small grants awarded: the awards decided within the scope (the decision's date) at the scope's sites (the
    site of the application). Breakdowns by site and by kind of project (social, business). Two queries."""
    sites = scope_sites(scope)
    if not sites:
        return hooks.Measure(value=0)
    rows = _awards(scope).order_by().values_list("application__site_id", "application__kind").annotate(n=Count("pk"))
    return _measure(scope, sites, _cube(rows), 0, _awarded_url(scope, sites))


@hooks.indicators.register(key="grants_awarded_som")
def grants_awarded_som(scope) -> hooks.Measure:
    """The amount of the same awards in som (a Decimal with two places). Breakdowns by site and kind. Two
    queries."""
    sites = scope_sites(scope)
    if not sites:
        return hooks.Measure(value=ZERO)
    rows = _awards(scope).order_by().values_list("application__site_id", "application__kind").annotate(s=Sum("amount"))
    return _measure(scope, sites, _cube(rows), ZERO, _awarded_url(scope, sites))


@hooks.indicators.register(key="grants_disbursed_som")
def grants_disbursed_som(scope) -> hooks.Measure:
    """What was paid, in som: the tranches paid within the scope (the payment's date), whenever their award was
    decided, at the scope's sites. Breakdowns by site and kind. Two queries."""
    sites = scope_sites(scope)
    if not sites:
        return hooks.Measure(value=ZERO)
    rows = (
        Tranche.objects.filter(
            in_sites(scope, "award__application__site"),
            paid_date__gte=scope.start,
            paid_date__lte=scope.end,
        )
        .order_by()
        .values_list("award__application__site_id", "award__application__kind")
        .annotate(s=Sum("paid_amount"))
    )
    return _measure(scope, sites, _cube(rows), ZERO, _awarded_url(scope, sites))


_LEAD_NOTE = _("Lead applicants of the applications submitted in the period, each person once.")


@hooks.indicators.register(key="women_share_lead_applicants")
def women_share_lead_applicants(scope) -> hooks.Measure:
    """Women among the lead applicants of the applications submitted within the scope (the date they were
    submitted) at the scope's sites; drafts (never handed in, or returned for corrections) are left out, withdrawn
    and rejected ones count (they applied). Each person once, however many applications they lead; active people
    (a merged person's applications were moved to the person kept). Part: women; whole: women and men. Breakdown
    by sex (people). Two queries (the sites, for the link)."""
    sites = scope_sites(scope)
    if not sites:
        return women_share(Person.objects.none(), _LEAD_NOTE)
    applications = GrantApplication.objects.filter(
        in_sites(scope, "site"),
        lead_applicant=OuterRef("pk"),
        submitted_at__date__gte=scope.start,
        submitted_at__date__lte=scope.end,
    ).exclude(status=ApplicationStatus.DRAFT)
    people = Person.objects.filter(Exists(applications), is_active=True, merged_into__isnull=True)
    measure = women_share(people, _LEAD_NOTE)
    if access.can_view_applicant_names(scope.user) and access.can_view_applications(scope.user):
        measure.url = reverse("grants:application-list") + site_query(sites)
    return measure
