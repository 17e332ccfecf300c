"""Counting the people the project reached and trained: unique people across events, disaggregated in SQL.

* **Reached**: a participant (role "participant") with at least one day at a *held* event. A person is
  counted once however many events they attended; two records merged into one count as one (the
  merged record's rows count for the record it was merged into, even before they are moved).
* **Completed a training**: a participant who attended every day of at least one held training.
* **Disaggregation**: by the person's home site, sex, age band (from the birth year, at the year of the
  first event counted for them — Kyrgyz youth 14–35 and the UN bands) and disability (Washington Group:
  "a lot of difficulty" or "cannot do at all" in any domain).
* **Anonymous tallies** cannot be de-duplicated: they are summed separately (a person tallied at two
  meetings is two tally counts), and pages label them so.

Every count is one SQL query over the filtered events — or, for the events of whole sites (the results
page as it opens), over the reach summary the database keeps (dialogues.models.reach), and for the events of
whole sites within dates and of one kind, over the reach of any period it keeps beside it. Python only sums
the cells of a small cube (each person sits in exactly one cell, so sums of cells are exact unique
counts), and suppresses small cells for those who may not see them.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.utils.translation import gettext_lazy as _

from dialogues.models import Event, EventKind, TallyBand
from mapping_portal import suppression
from stakeholders.models import WASHINGTON_GROUP_QUESTIONS

SEXES = [("female", _("women")), ("male", _("men"))]
KYRGYZ_BANDS = [
    ("under_14", _("under 14")),
    ("youth", _("14–35 (youth, Kyrgyz law)")),
    ("36_plus", _("36 and over")),
    ("unknown", _("age not known")),
]
UN_BANDS = [
    ("under_15", _("under 15")),
    ("15_24", _("15–24 (youth, UN)")),
    ("25_64", _("25–64")),
    ("65_plus", _("65 and over")),
    ("unknown", _("age not known")),
]
DISABILITY = [
    ("yes", _("with a disability")),
    ("no", _("without a disability")),
    ("unknown", _("not asked")),
]

# The tally bands add up exactly to both schemes.
TALLY_TO_KYRGYZ = {
    TallyBand.UNDER_14: "under_14",
    TallyBand.AGE_14: "youth",
    TallyBand.AGE_15_24: "youth",
    TallyBand.AGE_25_35: "youth",
    TallyBand.AGE_36_64: "36_plus",
    TallyBand.AGE_65_PLUS: "36_plus",
    TallyBand.UNKNOWN: "unknown",
}
TALLY_TO_UN = {
    TallyBand.UNDER_14: "under_15",
    TallyBand.AGE_14: "under_15",
    TallyBand.AGE_15_24: "15_24",
    TallyBand.AGE_25_35: "25_64",
    TallyBand.AGE_36_64: "25_64",
    TallyBand.AGE_65_PLUS: "65_plus",
    TallyBand.UNKNOWN: "unknown",
}

SUPPRESSED = suppression.SMALL

_WG = ", ".join(f"c.{name}" for name, _label in WASHINGTON_GROUP_QUESTIONS)

# The bands and the disability rule are SQL functions (migration 0002_person_reach): one definition for
# the live count below and for the reach summary the triggers keep.
PEOPLE_SQL = f"""
WITH ev AS ({{events}}),
att AS (
    SELECT coalesce(m.merged_into_id, a.person_id) AS person_id,
           min(ev.start_date) AS first_day,
           bool_or(ev.kind = %s AND cardinality(a.days) >= ev.end_date - ev.start_date + 1) AS completed
    FROM dialogues_attendance a
    JOIN ev ON ev.id = a.event_id
    -- Only merged records are looked up (few): a merged person's rows count for the record kept.
    LEFT JOIN (SELECT id, merged_into_id FROM stakeholders_person WHERE merged_into_id IS NOT NULL) AS m
           ON m.id = a.person_id
    WHERE a.role = 'participant'
    GROUP BY 1
),
people AS (
    SELECT att.completed, c.site_id, c.sex, extract(year FROM att.first_day)::int - c.birth_year AS age,
           dialogues_disability({_WG}) AS disability
    FROM att JOIN stakeholders_person c ON c.id = att.person_id
)
SELECT site_id, sex, dialogues_kyrgyz_band(age), dialogues_un_band(age), disability,
       count(*), count(*) FILTER (WHERE completed)
FROM people
GROUP BY 1, 2, 3, 4, 5
"""

# The same cube from the reach summary, for the events of whole sites (no other filter): one row per
# person is already there. Across all sites, and for one site, a plain scan; for several sites (a user
# bound to two of three), a person reached in both is folded into one row first.
_CUBE = """
SELECT home_site_id, sex, kyrgyz_band, un_band, disability, count(*), count(*) FILTER (WHERE completed)
FROM ({rows}) AS reach
GROUP BY 1, 2, 3, 4, 5
"""
REACH_ALL_SQL = _CUBE.format(rows="SELECT * FROM dialogues_personreach WHERE site_id IS NULL")
REACH_SITES_SQL = _CUBE.format(
    rows="""
    SELECT DISTINCT ON (person_id) person_id, home_site_id, sex, kyrgyz_band, un_band, disability,
           bool_or(completed) OVER (PARTITION BY person_id) AS completed
    FROM dialogues_personreach WHERE site_id = ANY(%s)
    ORDER BY person_id, first_day
    """
)

# The same cube for the held events within dates — and of one kind, when chosen — at every site or one, from the
# reach of any period (dialogues.models.reach.ReachSpan): each person's first event starting within the dates is
# one row found through the scope's index, so nothing is grouped per person.
SPAN_SQL = """
SELECT home_site_id, sex, kyrgyz_band, un_band, disability, count(*),
       count(*) FILTER (WHERE next_completed <= %(end)s)
FROM dialogues_reachspan
WHERE kind = %(kind)s AND {site}
  AND start_date BETWEEN %(start)s AND %(end)s AND (prev_start IS NULL OR prev_start < %(start)s)
GROUP BY 1, 2, 3, 4, 5
"""
# Events overlapping the dates (the dialogue results page, like the event list): the cube of the events starting
# within them (as SPAN_SQL), corrected for the people of the events that started before and end within or after
# them — a few dozen events at national scale, counted live as PEOPLE_SQL does: their rows starting within the
# dates (looked up by person) are taken out, and they are put back once, at their earlier first day, having
# completed a training if they did at either.
SPAN_OVERLAPPING_SQL = f"""
WITH early AS (
    -- Nested loops whatever the estimates (OFFSET 0 keeps each lookup apart): the planner cannot tell that so
    -- few events start before a day and end after it.
    SELECT coalesce(m.merged_into_id, a.person_id) AS person_id, min(e.start_date) AS first_day,
           bool_or(e.kind = %(training)s AND cardinality(a.days) >= e.end_date - e.start_date + 1) AS completed
    FROM dialogues_event e
    CROSS JOIN LATERAL (
        SELECT a.person_id, a.days FROM dialogues_attendance a
        WHERE a.event_id = e.id AND a.role = 'participant' OFFSET 0
    ) AS a
    CROSS JOIN LATERAL (SELECT m.merged_into_id FROM stakeholders_person m WHERE m.id = a.person_id OFFSET 0) AS m
    WHERE e.status = 'held' AND e.start_date < %(start)s AND e.end_date >= %(start)s AND e.start_date <= %(end)s
      AND (%(kind)s = '' OR e.kind = %(kind)s) AND {{event_site}}
    GROUP BY 1
),
pairs AS MATERIALIZED (
    SELECT early.completed, c.site_id AS home_site_id, c.sex,
           dialogues_kyrgyz_band(extract(year FROM early.first_day)::int - c.birth_year) AS kyrgyz_band,
           dialogues_un_band(extract(year FROM early.first_day)::int - c.birth_year) AS un_band,
           dialogues_disability({_WG}) AS disability,
           w.person_id IS NOT NULL AS within, w.home_site_id AS w_home_site_id, w.sex AS w_sex,
           w.kyrgyz_band AS w_kyrgyz_band, w.un_band AS w_un_band, w.disability AS w_disability,
           coalesce(w.next_completed <= %(end)s, false) AS w_completed
    FROM early
    CROSS JOIN LATERAL (SELECT * FROM stakeholders_person c WHERE c.id = early.person_id OFFSET 0) AS c
    LEFT JOIN LATERAL (
        SELECT * FROM dialogues_reachspan r
        WHERE r.person_id = early.person_id AND r.kind = %(kind)s AND r.{{site}}
          AND r.start_date BETWEEN %(start)s AND %(end)s AND (r.prev_start IS NULL OR r.prev_start < %(start)s)
        OFFSET 0
    ) AS w ON TRUE
)
SELECT home_site_id, sex, kyrgyz_band, un_band, disability, sum(reached), sum(trained)
FROM (
    SELECT home_site_id, sex, kyrgyz_band, un_band, disability, count(*) AS reached,
           count(*) FILTER (WHERE next_completed <= %(end)s) AS trained
    FROM dialogues_reachspan
    WHERE kind = %(kind)s AND {{site}}
      AND start_date BETWEEN %(start)s AND %(end)s AND (prev_start IS NULL OR prev_start < %(start)s)
    GROUP BY 1, 2, 3, 4, 5
    UNION ALL
    SELECT w_home_site_id, w_sex, w_kyrgyz_band, w_un_band, w_disability, -count(*),
           -count(*) FILTER (WHERE w_completed)
    FROM pairs WHERE within
    GROUP BY 1, 2, 3, 4, 5
    UNION ALL
    SELECT home_site_id, sex, kyrgyz_band, un_band, disability, count(*),
           count(*) FILTER (WHERE completed OR w_completed)
    FROM pairs
    GROUP BY 1, 2, 3, 4, 5
) AS cells
GROUP BY 1, 2, 3, 4, 5
HAVING sum(reached) > 0
"""

TALLY_SQL = """
WITH ev AS (SELECT DISTINCT e.id, e.site_id, e.kind FROM ({events}) AS e)
SELECT ev.site_id, t.sex, t.age_band, sum(t.count), sum(t.completed) FILTER (WHERE ev.kind = %s)
FROM dialogues_attendancetally t
JOIN ev ON ev.id = t.event_id
GROUP BY 1, 2, 3
"""


@dataclass
class Cell:
    site_id: int
    sex: str
    kyrgyz_band: str
    un_band: str
    disability: str
    reached: int
    trained: int


@dataclass
class Counts:
    """The cube of unique people (named attendance) and the cube of tallies, for one set of events."""

    people: list[Cell] = field(default_factory=list)
    tallies: list[Cell] = field(default_factory=list)

    def total(self, measure="reached", tallies=False) -> int:
        return sum(getattr(cell, measure) for cell in (self.tallies if tallies else self.people))

    def by(self, dimension, measure="reached", tallies=False) -> dict:
        """{dimension value: count} — e.g. by("sex") == {"female": 12, "male": 9}."""
        result = defaultdict(int)
        for cell in self.tallies if tallies else self.people:
            result[getattr(cell, dimension)] += getattr(cell, measure)
        return dict(result)


def _events_sql(events, *columns):
    rows = events.filter(status=Event.Status.HELD).order_by().values(*columns)
    return rows.query.sql_with_params()


def count_people(events, with_tallies=True) -> Counts:
    """Unique people reached and trained at `events` (a queryset, e.g. a FilterSet's), with the tallies
    apart. Two queries (one without the tallies), whatever the number of events and people."""
    counts = Counts()
    try:
        sql, params = _events_sql(events, "id", "start_date", "end_date", "kind")
    except EmptyResultSet:  # a scope with nothing in it
        return counts
    with connection.cursor() as cursor:
        cursor.execute(PEOPLE_SQL.format(events=sql), (*params, EventKind.TRAINING))
        counts.people = [Cell(*row) for row in cursor.fetchall()]
    if with_tallies:
        counts.tallies = _count_tallies(events)
    return counts


def count_people_at_sites(site_ids, events) -> Counts:
    """The same counts as `count_people(events)` when `events` are all the events of whole sites —
    `site_ids`, or None for every site — read from the reach summary instead of the attendance: ~200,000
    rows at national scale rather than 1,000,000 grouped per person. Two queries."""
    counts = Counts()
    if site_ids is not None and not site_ids:
        return counts
    with connection.cursor() as cursor:
        if site_ids is None:
            cursor.execute(REACH_ALL_SQL)
        else:
            cursor.execute(REACH_SITES_SQL, [sorted(site_ids)])
        counts.people = [Cell(*row) for row in cursor.fetchall()]
    counts.tallies = _count_tallies(events)
    return counts


def count_people_within(site_ids, start, end, events, kind="", overlapping=False) -> Counts | None:
    """The same counts as `count_people(events)` when `events` are the held events of whole sites — `site_ids`,
    None for every site — starting within `start`..`end` (or overlapping them), of one `kind` if given; None
    (not done: count live) for several sites but not every one. Either date may be None (open). Two queries (one
    without the tallies: `events` None)."""
    counts = Counts()
    if site_ids is not None and not site_ids:
        return counts
    if site_ids is not None and len(site_ids) > 1:
        return None
    params = {
        "start": start or datetime.date.min,
        "end": end or datetime.date.max,
        "kind": kind or "",
        "training": EventKind.TRAINING,
        "site": None if site_ids is None else next(iter(site_ids)),
    }
    site = "site_id IS NULL" if site_ids is None else "site_id = %(site)s"
    if overlapping:
        event_site = "TRUE" if site_ids is None else "e.site_id = %(site)s"
        sql = SPAN_OVERLAPPING_SQL.format(site=site, event_site=event_site)
    else:
        sql = SPAN_SQL.format(site=site)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        counts.people = [Cell(*row[:5], int(row[5]), int(row[6])) for row in cursor.fetchall()]
    if events is not None:
        counts.tallies = _count_tallies(events)
    return counts


def reach_totals(site) -> tuple[int, int]:
    """Unique named people reached and trained at the events of one site, from the reach summary."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE completed) FROM dialogues_personreach WHERE site_id = %s",
            [site.pk],
        )
        return cursor.fetchone()


def _count_tallies(events) -> list[Cell]:
    try:
        sql, params = _events_sql(events, "id", "site_id", "kind")
    except EmptyResultSet:
        return []
    with connection.cursor() as cursor:
        cursor.execute(TALLY_SQL.format(events=sql), (*params, EventKind.TRAINING))
        return [
            Cell(site_id, sex, TALLY_TO_KYRGYZ[band], TALLY_TO_UN[band], "unknown", int(reached), int(trained or 0))
            for site_id, sex, band, reached, trained in cursor.fetchall()
        ]


# --- Showing counts: breakdowns, with small cells suppressed outside admin and staff (mapping_portal.suppression)


def shown_total(value: int, suppressing: bool):
    return suppression.count(value, suppressing)


@dataclass
class Breakdown:
    title: str
    rows: list  # [(label, reached, trained)]


def breakdowns(counts: Counts, sites, suppressing: bool, tallies=False) -> list[Breakdown]:
    """The tables of a results page: by site, sex, Kyrgyz age band, UN age band and disability."""
    dimensions = [
        (_("By pilot site (home site of the person)") if not tallies else _("By pilot site"), "site_id", sites),
        (_("By sex"), "sex", SEXES),
        (_("By age (Kyrgyz youth band)"), "kyrgyz_band", KYRGYZ_BANDS),
        (_("By age (UN bands)"), "un_band", UN_BANDS),
    ]
    if not tallies:
        dimensions.append((_("By disability (Washington Group)"), "disability", DISABILITY))
    tables = []
    for title, dimension, labels in dimensions:
        columns = []
        for measure in ("reached", "trained"):
            found = counts.by(dimension, measure, tallies)
            values = [found.get(key, 0) for key, _label in labels]
            total = counts.total(measure, tallies)
            columns.append(suppression.breakdown(values, total, suppressing))
        rows = [(label, columns[0][i], columns[1][i]) for i, (_key, label) in enumerate(labels)]
        tables.append(Breakdown(title, rows))
    return tables


def summary(counts: Counts, suppressing: bool) -> dict:
    """The headline figures: unique people reached and trained, tallies apart, and both added."""
    named_reached, named_trained = counts.total("reached"), counts.total("trained")
    tally_reached, tally_trained = counts.total("reached", True), counts.total("trained", True)
    return {
        key: shown_total(value, suppressing)
        for key, value in {
            "reached": named_reached,
            "trained": named_trained,
            "tally_reached": tally_reached,
            "tally_trained": tally_trained,
            "all_reached": named_reached + tally_reached,
            "all_trained": named_trained + tally_trained,
        }.items()
    }
