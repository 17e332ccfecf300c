"""The reach of any period (dialogues.models.reach.ReachSpan), which the results pages read when they are
filtered by dates and a kind: after every kind of write that moves a count — attendance added (one row, in bulk),
changed and removed, an event moved, lengthened, retyped, moved to another site, cancelled or deleted (through
the model and through a queryset update), two people merged, a person corrected, an import's bulk insert — its
figures are exactly the live recount over the attendance, for every site and each site, for events starting
within the dates (the reports page) and overlapping them (the dialogue results page), open dates and closed
ones, every kind and one kind; and the two pages show those figures."""

import datetime
import itertools
import random

import pytest
from django.db import connection

from dialogues import counting
from dialogues.models import Attendance, Event, ReachSpan
from stakeholders.models import Person

D = datetime.date
KINDS = ["", "training", "dialogue_meeting"]


def cube(counts):
    return sorted(
        (c.site_id, c.sex, c.kyrgyz_band, c.un_band, c.disability, c.reached, c.trained) for c in counts.people
    )


def live(site_ids, start, end, kind, overlapping):
    """The live recount of the chosen events (counting.PEOPLE_SQL over the attendance)."""
    events = Event.objects.all()
    if site_ids is not None:
        events = events.filter(site__in=site_ids)
    if kind:
        events = events.filter(kind=kind)
    if overlapping:
        events = events.filter(end_date__gte=start or D.min, start_date__lte=end or D.max)
    else:
        events = events.filter(start_date__gte=start or D.min, start_date__lte=end or D.max)
    return counting.count_people(events, with_tallies=False)


def windows():
    """Dates around every event's first and last day, open on either side, and a sample of pairs of them (each
    bound just before, on, and just after a first or last day)."""
    days = set()
    for start, end in Event.objects.values_list("start_date", "end_date"):
        for day in (start, end):
            days.update({day - datetime.timedelta(days=1), day, day + datetime.timedelta(days=1)})
    days = sorted(days)
    pairs = [(a, b) for a, b in itertools.product(days, days) if a <= b]
    chosen = random.Random(18).sample(pairs, min(8, len(pairs)))
    return [(None, None), (days[len(days) // 2], None), (None, days[len(days) // 2]), *chosen]


def assert_span_is_live(registry):
    sites = [None, {registry["kyshtut"].pk}, {registry["kerben"].pk}]
    compared = 0
    for (start, end), kind, site_ids, overlapping in itertools.product(windows(), KINDS, sites, (False, True)):
        if kind == "dialogue_meeting" and start is not None and end is not None:
            continue  # another kind than training: the open dates are enough
        within = counting.count_people_within(site_ids, start, end, None, kind=kind, overlapping=overlapping)
        assert cube(within) == cube(live(site_ids, start, end, kind, overlapping)), (
            start,
            end,
            kind,
            site_ids,
            overlapping,
        )
        compared += 1
    assert compared > 70


@pytest.fixture
def busy(registry, make_event, make_person, attend):
    """Kyshtut: a three-day training (2 March 2026) and a one-day training the same day; Kerben: a meeting that
    straddles the end of March. Aigul attends everything, Bakyt misses the training's second day, Chynara (home
    site Kerben, born 1990) the meeting only; Dana, born 2012, the short training."""
    people = {
        "aigul": make_person(sex="female", birth_year=1991),
        "bakyt": make_person(sex="male", birth_year=1970),
        "chynara": make_person(site="kerben", sex="female", birth_year=1990, wg_seeing="a_lot"),
        "dana": make_person(sex="female", birth_year=2012),
    }
    training = make_event(days=3, start=D(2026, 3, 2))
    short = make_event(days=1, start=D(2026, 3, 2))
    meeting = make_event(site="kerben", kind="dialogue_meeting", start=D(2026, 3, 30), days=4)
    attend(training, people["aigul"])
    attend(training, people["bakyt"], days=[1, 3])
    attend(short, people["aigul"])
    attend(short, people["dana"])
    attend(meeting, people["aigul"])
    attend(meeting, people["chynara"])
    return {**people, "training": training, "short": short, "meeting": meeting}


def test_the_reach_of_any_period_is_the_live_count_after_every_kind_of_write(
    registry, busy, make_event, make_person, attend, staff
):
    from stakeholders import merging

    assert_span_is_live(registry)
    # Attendance added one row at a time, in bulk (an import's path), changed, and removed.
    later = make_event(site="kerben", start=D(2026, 6, 1), days=2)
    attend(later, busy["bakyt"], days=[1])
    newcomers = [make_person(site="kerben", birth_year=1980 + n) for n in range(3)]
    Attendance.objects.bulk_create(
        [Attendance(event=later, person=person, days=later.days) for person in newcomers]
        + [Attendance(event=busy["meeting"], person=newcomers[0], days=[busy["meeting"].end_date])]
    )
    assert_span_is_live(registry)
    row = Attendance.objects.get(event=busy["training"], person=busy["bakyt"])
    row.days = busy["training"].days  # the day found on the paper sheet: Bakyt completed the training
    row.save()
    Attendance.objects.filter(event=later, person=newcomers[1]).update(role="organizer")
    Attendance.objects.filter(event=busy["short"], person=busy["dana"]).delete()
    assert_span_is_live(registry)
    # Events moved, lengthened, retyped, moved to another site, cancelled — one at a time and in one statement.
    meeting = busy["meeting"]
    meeting.start_date, meeting.end_date = D(2026, 2, 27), D(2026, 3, 3)
    meeting.save()
    assert_span_is_live(registry)
    later.kind, later.site = "training", registry["kyshtut"]
    later.save()
    Event.objects.filter(pk=busy["short"].pk).update(kind="community_meeting", start_date=D(2026, 1, 5))
    Event.objects.filter(pk=busy["short"].pk).update(end_date=D(2026, 1, 5))
    assert_span_is_live(registry)
    busy["training"].status = Event.Status.CANCELLED
    busy["training"].save()
    assert_span_is_live(registry)
    Event.objects.filter(pk=busy["training"].pk).update(status=Event.Status.HELD)
    later.delete()  # its attendance goes with it
    assert_span_is_live(registry)
    # A person corrected (the form's path and an import's queryset update), two people merged.
    chynara = busy["chynara"]
    chynara.birth_year, chynara.site = 2011, registry["kyshtut"]
    chynara.save()
    Person.objects.filter(pk=busy["dana"].pk).update(sex="male", wg_walking="cannot")
    assert_span_is_live(registry)
    twin = make_person(full_name="Айгүл (экинчи жазылышы)", birth_year=1991)
    attend(make_event(site="kerben", start=D(2025, 12, 1)), twin)
    assert_span_is_live(registry)
    merging.merge(busy["aigul"], Person.objects.get(pk=twin.pk), staff, "One person, two spellings.")
    assert_span_is_live(registry)
    assert not ReachSpan.objects.filter(person=twin).exists()


def test_a_rebuild_gives_the_rows_the_triggers_keep(registry, busy):
    columns = ("person", "site", "kind", "start_date", "prev_start", "next_completed", "kyrgyz_band", "sex")
    kept = sorted(ReachSpan.objects.values_list(*columns), key=str)
    with connection.cursor() as cursor:
        cursor.execute("SELECT dialogues_rebuild_reach()")
    assert sorted(ReachSpan.objects.values_list(*columns), key=str) == kept
    # Aigul's events across sites and kinds: the training; the short one starts the same day (never her first
    # within any dates: left out); the meeting. Her first row says she completed a training that day.
    aigul = ReachSpan.objects.filter(person=busy["aigul"], site=None, kind="")
    assert sorted(aigul.values_list("start_date", "prev_start", "next_completed")) == [
        (D(2026, 3, 2), None, D(2026, 3, 2)),
        (D(2026, 3, 30), D(2026, 3, 2), None),
    ]


def test_several_sites_but_not_all_are_left_to_the_live_count(registry, busy):
    both = {registry["kyshtut"].pk, registry["kerben"].pk}
    assert counting.count_people_within(both, D(2026, 3, 1), D(2026, 3, 31), None) is None
    assert counting.count_people_within(set(), D(2026, 3, 1), D(2026, 3, 31), None).total() == 0


def test_the_dialogue_results_page_shows_the_recount_of_its_dates_and_kind(client_for, admin, la_kerben, busy):
    response = client_for(admin).get("/en/dialogues/results/", {"date_from": "31.03.2026", "date_to": "30.04.2026"})
    assert response.context["summary"]["reached"] == 2  # the meeting straddles the 31st: Aigul and Chynara
    response = client_for(admin).get("/en/dialogues/results/", {"kind": "training", "date_to": "02.03.2026"})
    # Aigul, Bakyt and Dana at the trainings of 2 March; Bakyt missed a day of the long one.
    assert (response.context["summary"]["reached"], response.context["summary"]["trained"]) == (3, 2)
    response = client_for(la_kerben).get("/en/dialogues/results/", {"date_from": "01.03.2026"})
    assert response.context["summary"]["reached"] == counting.SUPPRESSED  # 2 people, suppressed for her


def test_the_reports_page_shows_the_recount_of_its_period(client_for, admin, busy):
    from mapping_portal.results.models import Indicator

    Indicator.objects.filter(measure="people_reached").update(cumulative=False)  # counted within the quarter
    response = client_for(admin).get("/en/reports/", {"period": "2026-Q1"})
    figure = next(f for f in response.context["report"].figures if f.indicator.measure == "people_reached")
    assert figure.actual == 4  # the trainings of 2 March and the meeting of 30 March: the four of them
