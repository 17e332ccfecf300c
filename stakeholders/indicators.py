"""The registry's measures for the results framework (mapping_portal.results): organizations mapped, capacity
change from baseline to endline, and women's share of organizations' leaders and founders. Each is a fixed number
of queries, aggregated in SQL, over the pilot sites of the scope; registered in `hooks.indicators` (imported by
stakeholders.hooks)."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from mapping_portal import access, hooks
from mapping_portal.models import PilotSite, ThematicArea
from stakeholders.models import (
    AssessmentIndicator,
    CapacityAssessment,
    IndicatorScore,
    Membership,
    MembershipRole,
    Organization,
    OrganizationType,
    Person,
    Sex,
)

BY_SITE = _("By pilot site")
BY_TYPE = _("By organization type")
BY_DIRECTION = _(
    "By thematic direction (an organization working in several directions counts in each, so the rows may add up "
    "to more than the total)"
)
WITH_BOTH_BY_SITE = _("Organizations with a baseline and an endline assessment, by pilot site")
BY_SEX = _("By sex")
SEXES = [(Sex.FEMALE, _("women")), (Sex.MALE, _("men"))]


def scope_sites(scope) -> list[PilotSite]:
    """The pilot sites of the scope, in their usual order (one query per build, kept in the scope's memo; none for
    an empty scope)."""
    if scope.site_ids is not None and not scope.site_ids:
        return []
    if ("sites", "pk") not in scope.memo:
        sites = PilotSite.objects.order_by("pk")
        scope.memo[("sites", "pk")] = list(sites if scope.site_ids is None else sites.filter(pk__in=scope.site_ids))
    return scope.memo[("sites", "pk")]


def in_sites(scope, lookup="site") -> Q:
    """The rows whose `lookup` is one of the scope's sites (every row when the scope covers every site)."""
    return Q() if scope.site_ids is None else Q(**{f"{lookup}__in": scope.site_ids})


def site_query(sites) -> str:
    """`?site=<slug>` when the scope is one site (the lists filter by one site only), "" otherwise."""
    return f"?site={sites[0].slug}" if len(sites) == 1 else ""


def women_share(people, note="") -> hooks.Measure:
    """A share of women among `people` (a Person queryset, each person once): part women, whole women and men,
    with the breakdown by sex (people, so small cells are suppressed). One query."""
    by_sex = dict(people.order_by().values_list("sex").annotate(n=Count("pk")))
    return women_among(by_sex.get(Sex.FEMALE, 0), by_sex.get(Sex.MALE, 0), note)


def women_among(women: int, men: int, note="") -> hooks.Measure:
    """The share of `women` among women and men, with its breakdown by sex (people: small cells suppressed)."""
    rows = [(Sex.FEMALE.value, SEXES[0][1], women), (Sex.MALE.value, SEXES[1][1], men)]
    return hooks.Measure(
        part=women,
        whole=women + men,
        people=True,
        breakdowns=[hooks.Breakdown("sex", BY_SEX, rows, people=True)],
        note=note,
    )


# --- Organizations mapped ---------------------------------------------------------------------------------------


@hooks.indicators.register(key="organizations_mapped")
def organizations_mapped(scope) -> hooks.Measure:
    """Active organizations, not merged into another, of the scope's sites, mapped from `scope.start` to
    `scope.end` (for this cumulative indicator the framework passes the programme's start: every organization
    mapped up to the end of the period).

    The date an organization was mapped is its `created_at`: the moment the record entered the registry, by the
    form or an import. Its first history row is written in the same transaction, so it carries the same date;
    `created_at` is read without joining the history table. Breakdowns (organizations, not people): by site, by
    type, by thematic direction (an organization in several directions counts in each: that breakdown does not
    add up to the total). Three queries."""
    if scope.site_ids is not None and not scope.site_ids:
        return hooks.Measure(value=0)
    live = Q(
        organizations__is_active=True,
        organizations__merged_into__isnull=True,
        organizations__created_at__date__gte=scope.start,
        organizations__created_at__date__lte=scope.end,
    )
    if scope.site_ids is not None:
        live &= Q(organizations__site__in=scope.site_ids)
    sites = list(
        PilotSite.objects.filter(in_sites(scope, "pk")).order_by("pk").annotate(n=Count("organizations", filter=live))
    )
    types = OrganizationType.objects.annotate(n=Count("organizations", filter=live)).filter(
        Q(is_active=True) | Q(n__gt=0)
    )
    directions = ThematicArea.objects.annotate(n=Count("organizations", filter=live)).order_by("number", "pk")
    url = ""
    if access.can_browse_registry(scope.user):
        url = reverse("stakeholders:organization-list") + site_query(sites)
        if access.can_view_record_status(scope.user):
            url += ("&" if "?" in url else "?") + "active=true"
    return hooks.Measure(
        value=sum(site.n for site in sites),
        breakdowns=[
            hooks.Breakdown("site", BY_SITE, [(s.slug, s.name, s.n) for s in sites], people=False),
            hooks.Breakdown("type", BY_TYPE, [(t.code, t.name, t.n) for t in types], people=False),
            hooks.Breakdown("direction", BY_DIRECTION, [(d.code, d.name, d.n) for d in directions], people=False),
        ],
        url=url,
    )


# --- Capacity change --------------------------------------------------------------------------------------------

# Each organization's earliest final baseline and its latest final endline dated within the scope (on or after
# that baseline); each assessment's overall score as CapacityAssessment.results() computes it — a domain's score
# the mean of its applicable indicator scores, the overall score the mean of the domain scores, each rounded to
# two places half up —; then, per site, how many organizations and the sum of their changes.
CAPACITY_SQL = """
WITH org AS (
    SELECT id, site_id FROM {organization}
    WHERE is_active AND merged_into_id IS NULL {sites}
),
baseline AS (
    SELECT DISTINCT ON (a.organization_id) a.organization_id, a.id, a.date
    FROM {assessment} a JOIN org ON org.id = a.organization_id
    WHERE a.kind = %(baseline)s AND a.status = %(final)s
    ORDER BY a.organization_id, a.date, a.id
),
pair AS (
    SELECT DISTINCT ON (e.organization_id) e.organization_id, b.id AS baseline_id, e.id AS endline_id
    FROM {assessment} e JOIN baseline b ON b.organization_id = e.organization_id
    WHERE e.kind = %(endline)s AND e.status = %(final)s AND e.date BETWEEN %(start)s AND %(end)s
      AND e.date >= b.date
    ORDER BY e.organization_id, e.date DESC, e.id DESC
),
domain AS (
    SELECT s.assessment_id, round(avg(s.score), 2) AS score
    FROM {score} s JOIN {indicator} i ON i.id = s.indicator_id
    WHERE s.score IS NOT NULL AND NOT s.not_applicable
      AND s.assessment_id IN (SELECT baseline_id FROM pair UNION ALL SELECT endline_id FROM pair)
    GROUP BY s.assessment_id, i.domain_id
),
overall AS (SELECT assessment_id, round(avg(score), 2) AS score FROM domain GROUP BY assessment_id)
SELECT org.site_id, count(*), sum(e.score - b.score)
FROM pair
JOIN org ON org.id = pair.organization_id
JOIN overall b ON b.assessment_id = pair.baseline_id
JOIN overall e ON e.assessment_id = pair.endline_id
GROUP BY org.site_id
"""


@hooks.indicators.register(key="capacity_change")
def capacity_change(scope) -> hooks.Measure:
    """The mean change of the overall capacity score (points on the 1–4 scale, rounded to one place) of the
    active organizations of the scope's sites that have a final baseline and a final endline assessment, the
    endline dated within the scope (its date: the day of the assessment). The baseline is the organization's
    earliest final one, the endline its latest final one within the scope (midlines are not counted); an
    organization whose assessments score nothing is left out. Value None when no organization has both.
    Breakdown: how many organizations have both, by site (not people). Two queries."""
    sites = scope_sites(scope)
    if not sites:
        return hooks.Measure(value=None, note=_with_both(0))
    tables = {
        "organization": Organization._meta.db_table,
        "assessment": CapacityAssessment._meta.db_table,
        "score": IndicatorScore._meta.db_table,
        "indicator": AssessmentIndicator._meta.db_table,
        "sites": "" if scope.site_ids is None else "AND site_id = ANY(%(site_ids)s)",
    }
    params = {
        "baseline": CapacityAssessment.Kind.BASELINE,
        "endline": CapacityAssessment.Kind.ENDLINE,
        "final": CapacityAssessment.Status.FINAL,
        "start": scope.start,
        "end": scope.end,
        "site_ids": sorted(scope.site_ids or ()),
    }
    with connection.cursor() as cursor:
        cursor.execute(CAPACITY_SQL.format(**tables), params)
        per_site = {site_id: (n, change) for site_id, n, change in cursor.fetchall()}
    organizations = sum(n for n, _change in per_site.values())
    value = None
    if organizations:
        total = sum((change for _n, change in per_site.values()), Decimal(0))
        value = (total / organizations).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    rows = [(site.slug, site.name, per_site.get(site.pk, (0, None))[0]) for site in sites]
    url = reverse("stakeholders:capacity-change") if access.can_view_assessments(scope.user) else ""
    return hooks.Measure(
        value=value,
        breakdowns=[hooks.Breakdown("site", WITH_BOTH_BY_SITE, rows, people=False)],
        url=url,
        note=_with_both(organizations),
    )


def _with_both(n) -> str:
    return ngettext(
        "%(n)s organization with both a baseline and an endline assessment",
        "%(n)s organizations with both a baseline and an endline assessment",
        n,
    ) % {"n": n}


# --- Women among leaders and founders ---------------------------------------------------------------------------

_GOVERNING_NOTE = _(
    "Leaders and founders recorded as members of the organizations in the registry, each person once. The "
    "governing-body counts typed on an organization's form are not part of it."
)


@hooks.indicators.register(key="women_share_governing_bodies")
def women_share_governing_bodies(scope) -> hooks.Measure:
    """Women among the people who lead or founded (membership role leader or founder) an active organization of
    the scope's sites, current at the end of the scope: a membership whose `until` year is empty or not before
    the year of `scope.end`, and whose `since` year is empty or not after it. Each person once, whatever their
    number of roles and organizations; active people only (a merged person's memberships were moved to the
    person kept). Part: women; whole: women and men. Breakdown by sex (people). One query."""
    if scope.site_ids is not None and not scope.site_ids:
        return women_share(Person.objects.none(), _GOVERNING_NOTE)
    year = scope.end.year
    roles = Membership.objects.filter(
        in_sites(scope, "organization__site"),
        Q(until__isnull=True) | Q(until__gte=year),
        Q(since__isnull=True) | Q(since__lte=year),
        person=OuterRef("pk"),
        role__in=[MembershipRole.LEADER, MembershipRole.FOUNDER],
        organization__is_active=True,
        organization__merged_into__isnull=True,
    )
    people = Person.objects.filter(Exists(roles), is_active=True, merged_into__isnull=True)
    return women_share(people, _GOVERNING_NOTE)


# --- Women's share of seats on governing bodies (the counts typed on the organization's form) ------------------------

_BOARD_NOTE = _(
    "Seats on the governing bodies of the organizations whose form gives the number of women and men on it; "
    "a person on two boards holds two seats."
)


@hooks.indicators.register(key="women_share_board_seats")
def women_share_board_seats(scope) -> hooks.Measure:
    """Women among the seats on the governing bodies of the active organizations of the scope's sites mapped up to
    `scope.end`, from the counts typed on each organization's form (board_women, board_men; organizations that
    give neither are left out). Seats, not unique people: the small-cell rule still applies, a seat is a person.
    Breakdown by sex (people). One query."""
    if scope.site_ids is not None and not scope.site_ids:
        return hooks.Measure(part=0, whole=0, people=True, note=_BOARD_NOTE)
    totals = Organization.objects.filter(
        in_sites(scope),
        Q(board_women__isnull=False) | Q(board_men__isnull=False),
        is_active=True,
        merged_into__isnull=True,
        created_at__date__lte=scope.end,
    ).aggregate(women=Sum(Coalesce("board_women", 0)), men=Sum(Coalesce("board_men", 0)))
    return women_among(totals["women"] or 0, totals["men"] or 0, _BOARD_NOTE)
