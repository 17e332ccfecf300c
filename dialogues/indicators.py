"""The dialogues' and plans' indicators for the results framework (mapping_portal.results): one provider per measure
of mapping_portal/results/defaults.py, registered on `hooks.indicators` (dialogues.hooks imports this module).

Each provider reads `scope` — the records of `scope.site_ids` (None: every site) dated `scope.start`..`scope.end` —
and answers RAW numbers: the framework suppresses small cells for those who may not see them (the notes written
here go out as they are, so the small counts they quote are suppressed here). The framework already narrowed the
sites to the user's; `scope.user` only decides whether a figure links to its records. Every provider runs a fixed
number of queries whatever the data (tests/dialogues/test_indicators.py counts them); none when the scope has no
site at all.

People are counted by dialogues.counting (the rules are in its docstring): unique named participants at held
events, merged records counted once, anonymous tallies apart (never added to unique people).
"""

from urllib.parse import urlencode

from django.conf import settings
from django.db import connection
from django.db.models import Count, Max, Min, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from dialogues import counting, outcomes
from dialogues.models import INITIATIVE_GROUP_TYPE, DialoguePlatform, Event, EventKind, InitiativeGroup
from dialogues.plans.models import APPROVED_STATUSES, ActionStatus, ConflictPreventionPlan, PlanAction
from mapping_portal import access, hooks, suppression
from mapping_portal.models import PilotSite
from stakeholders.models import Membership, MembershipRole, Sex

BY_HOME_SITE = gettext_lazy("By pilot site (home site of the person)")
BY_SITE = gettext_lazy("By pilot site")
BY_SEX = gettext_lazy("By sex")
BY_AGE = gettext_lazy("By age (Kyrgyz youth band)")
BY_DISABILITY = gettext_lazy("By disability (Washington Group)")
ELSEWHERE = gettext_lazy("home site outside the sites shown")
SEX_NOT_RECORDED = gettext_lazy("sex not recorded")


# --- People reached and trained (dialogues.counting) -------------------------------------------------------------


@hooks.indicators.register(key="people_reached")
def people_reached(scope: hooks.Scope) -> hooks.Measure:
    """Unique named participants of the held events whose first day falls in the scope, at its sites; by home site,
    sex, age (Kyrgyz youth band, at their first event counted) and disability. People tallied anonymously are not
    unique people: the note gives their number, the value leaves them out. Four queries."""
    return _people_measure(scope, "reached")


@hooks.indicators.register(key="people_trained")
def people_trained(scope: hooks.Scope) -> hooks.Measure:
    """Unique people who attended every day of at least one held training whose first day falls in the scope, at its
    sites; the same breakdowns and note as `people_reached`. Four queries."""
    return _people_measure(scope, "trained")


@hooks.indicators.register(key="women_share_participants")
def women_share_participants(scope: hooks.Scope) -> hooks.Measure:
    """Women among the women and men counted by `people_reached` (people whose sex is not recorded are left out, and
    so are anonymous tallies). Three queries."""
    return _women_share(scope, "reached")


@hooks.indicators.register(key="women_share_trained")
def women_share_trained(scope: hooks.Scope) -> hooks.Measure:
    """Women among the women and men counted by `people_trained`. Three queries."""
    return _women_share(scope, "trained")


def _people_measure(scope, measure) -> hooks.Measure:
    if _nothing(scope):
        return hooks.Measure(value=0, people=True)
    sites = _sites(scope)
    counts = _count_people(scope)
    note = ""
    tallied = counts.total(measure, tallies=True)
    if tallied:
        shown = suppression.count(tallied, not access.can_view_small_counts(scope.user))
        if measure == "reached":
            note = _("Plus %(count)s people in anonymous tallies: not unique people, so not added.")
        else:
            note = _("Plus %(count)s people in anonymous tallies who completed a training: not added.")
        note %= {"count": shown}
    return hooks.Measure(
        value=counts.total(measure),
        people=True,
        breakdowns=_people_breakdowns(counts, measure, sites),
        url=_events_url(scope, sites, **({"kind": EventKind.TRAINING} if measure == "trained" else {})),
        note=note,
    )


def _women_share(scope, measure) -> hooks.Measure:
    if _nothing(scope):
        return hooks.Measure(people=True, part=0, whole=0)
    sites = _sites(scope)
    counts = _count_people(scope, tallies=False)
    sexes = counts.by("sex", measure)
    women, men = sexes.get(Sex.FEMALE, 0), sexes.get(Sex.MALE, 0)
    unknown = counts.total(measure) - women - men
    note = _("Women among the women and men counted, each person once; anonymous tallies are not counted.")
    note = " ".join([note, _unknown_sex(scope, unknown)]).strip()
    url = _events_url(scope, sites, **({"kind": EventKind.TRAINING} if measure == "trained" else {}))
    return hooks.Measure(people=True, part=women, whole=women + men, url=url, note=note)


def _count_people(scope, tallies=True) -> counting.Counts:
    """The counting cube of the scope's events (held, first day in the scope, at its sites). When those are all the
    held events of the sites (the whole project, as the reports page opens), the cube is read from the reach summary
    the database keeps; for other dates, from the reach of any period it keeps (for every site or one; several
    sites but not all are counted live) — exactly the same counts, without grouping every attendance row. Three
    queries (two without the tallies): the held events' first and last days, the people, the tallies — once per
    build: the scope's memo keeps the cube for the other indicators that count the same people."""
    if ("people", True) in scope.memo or ("people", tallies) in scope.memo:
        return scope.memo.get(("people", True)) or scope.memo[("people", tallies)]
    scope.memo[("people", tallies)] = _count_people_now(scope, tallies)
    return scope.memo[("people", tallies)]


def _count_people_now(scope, tallies) -> counting.Counts:
    at_sites = Event.objects.filter(_sites_q(scope, "site_id"))
    events = at_sites.filter(start_date__gte=scope.start, start_date__lte=scope.end)
    held = at_sites.filter(status=Event.Status.HELD).aggregate(first=Min("start_date"), last=Max("start_date"))
    if held["first"] is None or (scope.start <= held["first"] and held["last"] <= scope.end):
        return counting.count_people_at_sites(scope.site_ids, events if tallies else Event.objects.none())
    within = counting.count_people_within(scope.site_ids, scope.start, scope.end, events if tallies else None)
    return within if within is not None else counting.count_people(events, with_tallies=tallies)


def _people_breakdowns(counts, measure, sites) -> list:
    by_site = counts.by("site_id", measure)
    site_rows = [(site.slug, site.name, by_site.pop(site.pk, 0)) for site in sites]
    if elsewhere := sum(by_site.values()):  # people from another site, when the scope is not every site
        site_rows.append(("elsewhere", ELSEWHERE, elsewhere))
    sexes = counts.by("sex", measure)
    sex_rows = [(key, label, sexes.pop(key, 0)) for key, label in counting.SEXES]
    if unknown := sum(sexes.values()):
        sex_rows.append(("unknown", SEX_NOT_RECORDED, unknown))
    ages, disability = counts.by("kyrgyz_band", measure), counts.by("disability", measure)
    return [
        hooks.Breakdown("site", BY_HOME_SITE, site_rows),
        hooks.Breakdown("sex", BY_SEX, sex_rows),
        hooks.Breakdown("age", BY_AGE, [(key, label, ages.get(key, 0)) for key, label in counting.KYRGYZ_BANDS]),
        hooks.Breakdown(
            "disability", BY_DISABILITY, [(key, label, disability.get(key, 0)) for key, label in counting.DISABILITY]
        ),
    ]


def _events_url(scope, sites, **filters) -> str:
    """The event list with the figure's filters (held, the scope's dates and site), for those who may see events.
    The list keeps the events that overlap the dates; the figure counts those that start within them."""
    if not access.can_view_events(scope.user):
        return ""
    query = {"status": Event.Status.HELD, **filters, "date_from": _day(scope.start), "date_to": _day(scope.end)}
    return _url("dialogues:event-list", scope, sites, query)


# --- What the trainings taught: the knowledge check -------------------------------------------------------------


@hooks.indicators.register(key="people_passed_knowledge_check")
def people_passed_knowledge_check(scope: hooks.Scope) -> hooks.Measure:
    """Participants who reached the pass mark (70 % of the maximum, dialogues.outcomes) in the knowledge check after
    a held training that started in the scope, at its sites: those scored before and after and those scored after
    only, named. A person checked at two trainings counts at each (the checks are per training). The note gives the
    mean before → after of those scored both times and the people who passed in anonymous checks (not added: no
    names). Three queries: the sites, the checks and the scores."""
    if _nothing(scope):
        return hooks.Measure(value=0, people=True)
    sites = _sites(scope)
    events = Event.objects.filter(_sites_q(scope, "site_id"), start_date__gte=scope.start, start_date__lte=scope.end)
    change = outcomes.knowledge_change(events)
    suppressing = not access.can_view_small_counts(scope.user)
    notes = []
    if change.checked and (not suppressing or change.checked >= suppression.SMALLEST_SHOWN):
        notes.append(
            _("Scored before and after: %(checked)s people, mean %(before)s %% → %(after)s %% of the maximum.")
            % {"checked": change.checked, "before": round(change.mean_before), "after": round(change.mean_after)}
        )
    if change.anonymous_after:
        notes.append(
            _("Plus %(count)s who passed in checks without names: not added.")
            % {"count": suppression.count(change.anonymous_passed, suppressing)}
        )
    return hooks.Measure(
        value=change.passed + change.after_only_passed,
        people=True,
        url=_events_url(scope, sites, kind=EventKind.TRAINING),
        note=" ".join(notes),
    )


# --- Initiative groups --------------------------------------------------------------------------------------------


def _live_groups(scope):
    """Initiative groups the project records, whose organization is live (not merged, not deactivated) and still of
    the type "initiative group", at the scope's sites."""
    return InitiativeGroup.objects.filter(
        _sites_q(scope, "organization__site_id"),
        organization__merged_into__isnull=True,
        organization__is_active=True,
        organization__type__code=INITIATIVE_GROUP_TYPE,
    )


@hooks.indicators.register(key="initiative_groups")
def initiative_groups(scope: hooks.Scope) -> hooks.Measure:
    """Initiative groups formed by the project whose formation date (`formed_on`) falls in the scope, live, by the
    group's site. Groups the project did not form are left out; groups with no formation date are left out too and
    the note counts them (a date cannot be guessed). A group formed before the scope and still active is not
    counted again: the indicator counts groups formed, and is cumulative from the project's start. Two queries."""
    if _nothing(scope):
        return hooks.Measure(value=0)
    sites = _sites(scope)
    rows = (
        _live_groups(scope)
        .filter(formed_by_project=True)
        .values("organization__site_id")
        .annotate(
            formed=Count("pk", filter=Q(formed_on__gte=scope.start, formed_on__lte=scope.end)),
            undated=Count("pk", filter=Q(formed_on__isnull=True)),
        )
        .order_by()
    )
    formed = {row["organization__site_id"]: row["formed"] for row in rows}
    undated = sum(row["undated"] for row in rows)
    note = ""
    if undated:
        note = ngettext(
            "%(count)s initiative group with no formation date is not counted.",
            "%(count)s initiative groups with no formation date are not counted.",
            undated,
        ) % {"count": undated}
    return hooks.Measure(
        value=sum(formed.values()),
        breakdowns=[_site_breakdown(sites, formed)],
        url=reverse("dialogues:initiative-groups") if access.can_view_events(scope.user) else "",
        note=note,
    )


@hooks.indicators.register(key="women_share_initiative_groups")
def women_share_initiative_groups(scope: hooks.Scope) -> hooks.Measure:
    """Women among the women and men who are members of initiative groups at the end of the scope: memberships of
    the live groups' organizations (any role but "contact person", who speaks for a group without belonging to it)
    begun by the scope's last year or with no year, and not ended before it (no end year, or one from that year on);
    groups formed after the scope are left out. A person in two groups, or recorded twice and merged, counts once
    (as the record kept, its sex); deactivated people are left out. One query."""
    if _nothing(scope):
        return hooks.Measure(people=True, part=0, whole=0)
    year = scope.end.year
    groups = _live_groups(scope).filter(Q(formed_on__isnull=True) | Q(formed_on__lte=scope.end))
    members = (
        Membership.objects.filter(organization__in=groups.values("organization_id"))
        .exclude(role=MembershipRole.CONTACT)
        .filter(Q(since__isnull=True) | Q(since__lte=year), Q(until__isnull=True) | Q(until__gte=year))
        .filter(Q(person__merged_into__isnull=True, person__is_active=True) | Q(person__merged_into__is_active=True))
        .annotate(kept=Coalesce("person__merged_into_id", "person_id"))
        .annotate(sex=Coalesce("person__merged_into__sex", "person__sex"))
    )
    found = members.aggregate(
        women=Count("kept", distinct=True, filter=Q(sex=Sex.FEMALE)),
        men=Count("kept", distinct=True, filter=Q(sex=Sex.MALE)),
        everyone=Count("kept", distinct=True),
    )
    unknown = found["everyone"] - found["women"] - found["men"]
    note = " ".join(
        [_("Women among the women and men who are members, each person once."), _unknown_sex(scope, unknown)]
    )
    return hooks.Measure(
        people=True,
        part=found["women"],
        whole=found["women"] + found["men"],
        url=reverse("dialogues:initiative-groups") if access.can_view_events(scope.user) else "",
        note=note,
    )


# --- Dialogue and resource centres --------------------------------------------------------------------------------


@hooks.indicators.register(key="centres")
def centres(scope: hooks.Scope) -> hooks.Measure:
    """Dialogue and resource centres opened (open or since closed, not those still being set up) whose opening date
    (`opened_on`) falls in the scope, by site. The note says how many of them have closed since, and how many open
    centres have no opening date (not counted). Two queries."""
    if _nothing(scope):
        return hooks.Measure(value=0)
    sites = _sites(scope)
    Status = DialoguePlatform.Status
    opened = Q(opened_on__gte=scope.start, opened_on__lte=scope.end, status__in=[Status.ACTIVE, Status.CLOSED])
    rows = (
        DialoguePlatform.objects.filter(_sites_q(scope, "site_id"))
        .values("site_id")
        .annotate(
            opened=Count("pk", filter=opened),
            closed=Count("pk", filter=opened & Q(status=Status.CLOSED)),
            undated=Count("pk", filter=Q(opened_on__isnull=True, status=Status.ACTIVE)),
        )
        .order_by()
    )
    by_site = {row["site_id"]: row["opened"] for row in rows}
    closed, undated = sum(row["closed"] for row in rows), sum(row["undated"] for row in rows)
    notes = []
    if closed:
        notes.append(ngettext("%(count)s of them has closed since.", "%(count)s of them have closed since.", closed))
        notes[-1] %= {"count": closed}
    if undated:
        notes.append(
            ngettext(
                "%(count)s open centre with no opening date is not counted.",
                "%(count)s open centres with no opening date are not counted.",
                undated,
            )
            % {"count": undated}
        )
    url = ""
    if access.can_view_events(scope.user):
        url = _url("dialogues:platform-list", scope, sites, {})
    return hooks.Measure(
        value=sum(by_site.values()), breakdowns=[_site_breakdown(sites, by_site)], url=url, note=" ".join(notes)
    )


# --- Conflict-prevention plans ------------------------------------------------------------------------------------


@hooks.indicators.register(key="plans_approved")
def plans_approved(scope: hooks.Scope) -> hooks.Measure:
    """Conflict-prevention plans approved (approved, in implementation or completed) whose approving body's decision
    is dated (`decision_date`) within the scope, by site. A plan is counted once, at its first approval: a later
    version approved again is the same plan (it is only opened from an approved one). Two queries."""
    if _nothing(scope):
        return hooks.Measure(value=0)
    sites = _sites(scope)
    rows = (
        ConflictPreventionPlan.objects.filter(
            _sites_q(scope, "site_id"),
            previous_version__isnull=True,
            status__in=APPROVED_STATUSES,
            decision_date__gte=scope.start,
            decision_date__lte=scope.end,
        )
        .values("site_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_site = {row["site_id"]: row["n"] for row in rows}
    url = _url("plans:plan-list", scope, sites, {}) if access.can_view_plans(scope.user) else ""
    return hooks.Measure(value=sum(by_site.values()), breakdowns=[_site_breakdown(sites, by_site)], url=url)


# The actions of the plans in force, with the day each was marked done: the first change to "done" in the
# action's history after it was last not done, across the versions of its plan (a new version copies an action
# with its key, and the copy's history starts at the copy); an action with no such history (loaded without it) is
# taken as done on its end date.
ACTIONS_SQL = """
WITH acts (key, status, end_date, site_id) AS ({actions}),
hist AS (
    SELECT h.key, h.status, h.history_date
    FROM dialogues_historicalplanaction h
    WHERE h.key IN (SELECT key FROM acts WHERE status = %s)
),
reopened AS (
    SELECT key, max(history_date) FILTER (WHERE status <> %s) AS at FROM hist GROUP BY key
),
done AS (
    SELECT hist.key, (min(hist.history_date) AT TIME ZONE %s)::date AS day
    FROM hist LEFT JOIN reopened ON reopened.key = hist.key
    WHERE hist.status = %s AND hist.history_date > coalesce(reopened.at, '-infinity')
    GROUP BY hist.key
)
SELECT acts.site_id, count(*),
       count(*) FILTER (WHERE acts.status = %s AND coalesce(done.day, acts.end_date) BETWEEN %s AND %s)
FROM acts LEFT JOIN done ON done.key = acts.key
GROUP BY 1
"""


@hooks.indicators.register(key="plan_actions_completed")
def plan_actions_completed(scope: hooks.Scope) -> hooks.Measure:
    """Actions of the approved plans in force at the end of the scope marked done within it (the day of the change
    in the action's history), by site. In force: approved (decision dated by the scope's end) and not replaced by a
    later version approved by then. The note gives the done count against every action of those plans ("12 of 30
    actions"). Two queries."""
    if _nothing(scope):
        return hooks.Measure(value=0)
    sites = _sites(scope)
    in_force = (
        ConflictPreventionPlan.objects.filter(
            _sites_q(scope, "site_id"), status__in=APPROVED_STATUSES, decision_date__lte=scope.end
        )
        .exclude(next_version__status__in=APPROVED_STATUSES, next_version__decision_date__lte=scope.end)
        .values("pk")
    )
    actions = PlanAction.objects.filter(plan__in=in_force).order_by().values("key", "status", "end_date", "plan__site")
    sql, params = actions.query.sql_with_params()
    done = ActionStatus.DONE
    with connection.cursor() as cursor:
        cursor.execute(
            ACTIONS_SQL.format(actions=sql),
            (*params, done, done, settings.TIME_ZONE, done, done, scope.start, scope.end),
        )
        rows = cursor.fetchall()
    by_site = {site_id: n for site_id, _total, n in rows}
    total, value = sum(row[1] for row in rows), sum(by_site.values())
    note = ""
    if total:
        note = ngettext("%(done)s of %(total)s action done", "%(done)s of %(total)s actions done", total) % {
            "done": value,
            "total": total,
        }
    url = ""
    if access.can_view_plans(scope.user):
        url = (
            reverse("plans:site-dashboard", args=[sites[0].slug])
            if scope.site_ids is not None and len(sites) == 1
            else reverse("plans:plan-list")
        )
    return hooks.Measure(value=value, breakdowns=[_site_breakdown(sites, by_site)], url=url, note=note)


# --- Shared --------------------------------------------------------------------------------------------------------


def _nothing(scope) -> bool:
    """No site at all in the scope (a site the user does not see): nothing to count, no query."""
    return scope.site_ids is not None and not scope.site_ids


def _unknown_sex(scope, unknown) -> str:
    """The note of a women's share on the people left out because their sex is not recorded (a small number is
    suppressed as in the breakdowns)."""
    if not unknown:
        return ""
    shown = suppression.count(unknown, not access.can_view_small_counts(scope.user))
    return ngettext(
        "%(count)s person whose sex is not recorded is left out.",
        "%(count)s people whose sex is not recorded are left out.",
        unknown,
    ) % {"count": shown}


def _sites_q(scope, field) -> Q:
    return Q() if scope.site_ids is None else Q(**{f"{field}__in": sorted(scope.site_ids)})


def _sites(scope) -> list:
    """The scope's pilot sites (the rows of a breakdown by site, with zeros), in their order. One query per build
    (kept in the scope's memo)."""
    if ("sites", "slug") not in scope.memo:
        sites = PilotSite.objects.all()
        if scope.site_ids is not None:
            sites = sites.filter(pk__in=sorted(scope.site_ids))
        scope.memo[("sites", "slug")] = list(sites)
    return scope.memo[("sites", "slug")]


def _site_breakdown(sites, by_site) -> hooks.Breakdown:
    return hooks.Breakdown(
        "site", BY_SITE, [(site.slug, site.name, by_site.get(site.pk, 0)) for site in sites], people=False
    )


def _url(name, scope, sites, query) -> str:
    """A list's address with `query`, and the site when the scope is one site (a user bound to several sites sees
    only theirs in the list anyway)."""
    if scope.site_ids is not None and len(sites) == 1:
        query = {**query, "site": sites[0].slug}
    return reverse(name) + (f"?{urlencode(query)}" if query else "")


def _day(date) -> str:
    return date.strftime("%d.%m.%Y")
