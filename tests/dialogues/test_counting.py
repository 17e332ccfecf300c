"""Counting people reached and trained, on crafted cases: the same person at three events, partial
attendance, tallies added to names, a person merged later — never counted twice, and disaggregated."""

import datetime
from functools import partial

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from dialogues import counting
from dialogues.counting import SUPPRESSED
from dialogues.models import Attendance, Event
from mapping_portal.suppression import COMPLEMENT, breakdown

D = datetime.date


def count(**filters):
    """The live count of the filtered events; when no filter is given, the reach summary the triggers keep
    must give the very same cube (every crafted case below checks both)."""
    counts = counting.count_people(Event.objects.filter(**filters))
    if not filters:
        assert cube(counting.count_people_at_sites(None, Event.objects.all())) == cube(counts)
    return counts


def cube(counts):
    return sorted(
        (c.site_id, c.sex, c.kyrgyz_band, c.un_band, c.disability, c.reached, c.trained) for c in counts.people
    )


def test_the_same_person_at_three_events_is_one_person_reached(make_event, make_person, attend):
    aigul = make_person()
    for start in (D(2026, 3, 1), D(2026, 4, 1), D(2026, 5, 1)):
        attend(make_event(start=start, kind="dialogue_meeting"), aigul)
    assert count().total() == 1


def test_a_training_is_completed_only_by_attending_every_day(make_event, make_person, attend):
    training = make_event(days=3)
    attend(training, make_person(full_name="Үч күн"), days=[1, 2, 3])
    attend(training, make_person(full_name="Эки күн"), days=[1, 3])
    attend(training, make_person(full_name="Бир күн"), days=[2])
    counts = count()
    assert (counts.total("reached"), counts.total("trained")) == (3, 1)


def test_completing_one_of_two_trainings_is_enough_and_counts_once(make_event, make_person, attend):
    person = make_person()
    attend(make_event(days=3, start=D(2026, 3, 1)), person, days=[1, 2])
    attend(make_event(days=3, start=D(2026, 4, 1)), person)
    attend(make_event(days=2, start=D(2026, 5, 1)), person)
    counts = count()
    assert (counts.total("reached"), counts.total("trained")) == (1, 1)


def test_attending_every_day_of_something_else_than_a_training_is_not_training(make_event, make_person, attend):
    attend(make_event(days=2, kind="interactive_seminar"), make_person())
    assert (count().total("reached"), count().total("trained")) == (1, 0)


def test_only_participants_of_held_events_count(make_event, make_person, attend):
    held = make_event()
    attend(held, make_person(), role="facilitator")
    attend(held, make_person(), role="organizer")
    attend(make_event(status="planned"), make_person())
    attend(make_event(status="cancelled"), make_person())
    attend(held, make_person())
    assert count().total() == 1


def test_tallies_are_added_separately_and_labelled(make_event, make_person, attend, tally):
    meeting = make_event(kind="community_meeting")
    attend(meeting, make_person())
    attend(meeting, make_person())
    tally(meeting, sex="female", band="15_24", count=10)
    tally(meeting, sex="male", band="36_64", count=7)
    tally(make_event(kind="community_meeting", start=D(2026, 4, 1)), sex="male", band="36_64", count=5)
    counts = count()
    summary = counting.summary(counts, suppressing=False)
    assert (summary["reached"], summary["tally_reached"], summary["all_reached"]) == (2, 22, 24)
    assert counts.by("sex", tallies=True) == {"female": 10, "male": 12}
    assert counts.by("kyrgyz_band", tallies=True) == {"youth": 10, "36_plus": 12}
    assert counts.by("un_band", tallies=True) == {"15_24": 10, "25_64": 12}


def test_tallies_of_a_training_count_those_who_attended_every_day(make_event, tally):
    training = make_event(days=3)
    tally(training, sex="female", band="25_35", count=8, completed=6)
    seminar = make_event(days=2, kind="interactive_seminar")
    tally(seminar, sex="female", band="25_35", count=8, completed=8)
    assert count().total("trained", tallies=True) == 6


def test_a_person_entered_twice_and_merged_later_counts_once(make_event, make_person, attend, staff):
    from stakeholders import merging

    first = make_person(full_name="Айгүл Токтосунова")
    second = make_person(full_name="Айгуль Токтосунова")
    training = make_event(days=2)
    attend(training, first, days=[1])
    attend(training, second, days=[2])
    attend(make_event(kind="dialogue_meeting", start=D(2026, 5, 1)), second)
    assert count().total() == 2  # before anyone noticed
    assert count().total("trained") == 0  # each spelling missed a day

    second.merged_into = first
    second.save()
    assert count().total() == 1  # marked as merged, rows not moved yet: already one person

    second.merged_into = None
    second.save()
    record = merging.merge(first, second, staff, "One person, two spellings.")
    assert Attendance.objects.filter(person=second).count() == 0
    # The clashing training row handed its day to the kept row: the person attended both days.
    assert Attendance.objects.get(event=training, person=first).days == training.days
    assert count().total() == 1
    assert count().total("trained") == 1
    assert record.moved == {"dialogues.attendance.person": 1}
    assert [item["model"] for item in record.dropped] == ["dialogues.attendance.person"]


def test_disaggregation_by_site_sex_age_and_disability(registry, make_event, make_person, attend):
    event = make_event(start=D(2026, 6, 1), kind="dialogue_meeting")
    attend(event, make_person(sex="female", birth_year=2012))  # 14 in 2026: youth (Kyrgyz), under 15 (UN)
    attend(event, make_person(sex="female", birth_year=1991))  # 35: youth; 25–64
    attend(event, make_person(sex="male", birth_year=1990, wg_walking="a_lot"))  # 36: not youth
    attend(event, make_person(sex="male", birth_year=2002, site="kerben", wg_seeing="some"))  # 24: 15–24
    attend(event, make_person(sex="male", birth_year=None, wg_hearing="cannot"))
    counts = count()
    assert counts.by("sex") == {"female": 2, "male": 3}
    assert counts.by("kyrgyz_band") == {"youth": 3, "36_plus": 1, "unknown": 1}
    assert counts.by("un_band") == {"under_15": 1, "25_64": 2, "15_24": 1, "unknown": 1}
    assert counts.by("disability") == {"unknown": 2, "yes": 2, "no": 1}
    assert counts.by("site_id") == {registry["kyshtut"].pk: 4, registry["kerben"].pk: 1}


def test_age_is_taken_at_the_first_event_counted(make_event, make_person, attend):
    person = make_person(birth_year=1990)
    attend(make_event(start=D(2025, 12, 1), kind="dialogue_meeting"), person)  # 35 then
    attend(make_event(start=D(2026, 6, 1), kind="dialogue_meeting"), person)  # 36 then
    assert count().by("kyrgyz_band") == {"youth": 1}
    assert count(start_date__year=2026).by("kyrgyz_band") == {"36_plus": 1}


def test_counting_is_two_queries_whatever_the_size(make_event, make_person, attend, tally):
    for number in range(10):
        event = make_event(start=D(2026, 1, 1) + datetime.timedelta(days=number * 3), days=2)
        attend(event, make_person())
        tally(event)
    for counter in (counting.count_people, partial(counting.count_people_at_sites, None)):
        with CaptureQueriesContext(connection) as captured:
            counts = counter(Event.objects.all())
        assert len(captured) == 2
        assert (counts.total(), counts.total("reached", tallies=True)) == (10, 100)


def test_an_empty_scope_counts_nothing_without_a_query(django_assert_num_queries, make_event):
    with django_assert_num_queries(0):
        assert counting.count_people(Event.objects.none()).total() == 0


@pytest.mark.parametrize(
    ("values", "total", "shown"),
    [
        ([10, 7], 17, [10, 7]),
        ([0, 7], 7, [0, 7]),
        ([3, 10], 13, [SUPPRESSED, COMPLEMENT]),  # the 3 could be worked out from the total: the 10 is hidden as ≥5
        ([6, 7, 2], 15, [COMPLEMENT, 7, SUPPRESSED]),
        ([2, 3, 9], 14, [SUPPRESSED, SUPPRESSED, 9]),  # two hidden already: nothing more to hide
        ([2, 0], 2, [SUPPRESSED, 0]),
    ],
)
def test_small_cells_are_suppressed_with_a_second_cell_where_needed(values, total, shown):
    assert breakdown(values, total) == shown


def test_results_suppress_small_cells_outside_admin_and_staff(client_for, users, make_event, make_person, attend):
    from django.urls import reverse

    event = make_event(kind="dialogue_meeting")
    for _number in range(6):
        attend(event, make_person(sex="female"))
    for _number in range(2):
        attend(event, make_person(sex="male"))
    by_sex = {}
    for role in ("staff", "viewer", "la_kyshtut"):
        response = client_for(users[role]).get(reverse("dialogues:results"))
        table = response.context["tables"][1]
        by_sex[role] = [reached for _label, reached, _trained in table.rows]
        assert response.context["summary"]["reached"] == 8
    # The 6 is hidden only because the 2 could be worked out from the total: it is marked ≥5, not <5.
    assert by_sex == {"staff": [6, 2], "viewer": [COMPLEMENT, SUPPRESSED], "la_kyshtut": [COMPLEMENT, SUPPRESSED]}


def test_results_of_a_local_authority_cover_its_own_site_only(client_for, la_kerben, make_event, make_person, attend):
    from django.urls import reverse

    for number in range(6):
        attend(make_event(kind="dialogue_meeting", start=D(2026, 3, number + 1)), make_person())
    response = client_for(la_kerben).get(reverse("dialogues:results"))
    assert response.context["summary"]["reached"] == 0


def test_results_filter_by_the_event_lists_filters(client_for, staff, make_event, make_person, attend):
    from django.urls import reverse

    attend(make_event(kind="training"), make_person())
    attend(make_event(kind="dialogue_meeting", site="kerben"), make_person(site="kerben"))
    response = client_for(staff).get(reverse("dialogues:results") + "?site=kerben")
    assert response.context["summary"]["reached"] == 1
    response = client_for(staff).get(reverse("dialogues:results") + "?kind=training")
    assert (response.context["summary"]["reached"], response.context["summary"]["trained"]) == (1, 1)


def test_viewers_cannot_narrow_the_figures_down_to_one_event(client_for, viewer, make_event, make_person, attend):
    from django.urls import reverse

    attend(make_event(title="Жашыруун жолугушуу", kind="dialogue_meeting"), make_person())
    attend(make_event(title="Башка", kind="dialogue_meeting"), make_person())
    response = client_for(viewer).get(reverse("dialogues:results") + "?q=Жашыруун")
    assert response.context["summary"]["reached"] == "<5"
    assert "q" not in response.context["filter"].form.fields
    assert counting.count_people(response.context["filter"].qs).total() == 2  # the title filter was not applied


def test_a_planned_events_page_says_why_its_attendance_is_not_counted_yet(
    client_for, staff, make_event, make_person, attend
):
    from django.urls import reverse

    event = make_event(status="planned")
    attend(event, make_person())
    with translation.override("en"):
        response = client_for(staff).get(reverse("dialogues:event-detail", args=[event.pk]))
    assert response.context["summary"]["reached"] == 0
    assert "People are counted once the event is marked as held." in response.content.decode()
