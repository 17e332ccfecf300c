"""The reach summary the database keeps (dialogues.models.reach): after every kind of change that moves a
count — attendance added, changed or deleted, an event held or cancelled or moved, a person merged or
their sex, birth year, site or disability answers corrected — it gives exactly the live count, for all
sites, for each site and for two sites together; and the results page reads it when nothing but the site
is chosen."""

import datetime

import pytest

from dialogues import counting
from dialogues.models import Attendance, Event, PersonReach
from stakeholders.models import Person

D = datetime.date


def cube(counts):
    return sorted(
        (c.site_id, c.sex, c.kyrgyz_band, c.un_band, c.disability, c.reached, c.trained) for c in counts.people
    )


def assert_summary_is_live(registry):
    """The summary and the live count agree for every site scope a user can have."""
    sites = [registry[slug].pk for slug in ("kyshtut", "kerben", "akturpak")]
    scopes = [None, {sites[0]}, {sites[1]}, {sites[0], sites[1]}, set(sites)]
    for scope in scopes:
        events = Event.objects.all() if scope is None else Event.objects.filter(site__in=scope)
        assert cube(counting.count_people_at_sites(scope, events)) == cube(counting.count_people(events)), scope


@pytest.fixture
def busy(registry, make_event, make_person, attend):
    """Two people of Kyshtut at a three-day training there and at a meeting in Kerben; one of Kerben."""
    aigul, bakyt, chynara = make_person(sex="female"), make_person(sex="male"), make_person(site="kerben")
    training = make_event(days=3, start=D(2026, 3, 2))
    meeting = make_event(site="kerben", kind="dialogue_meeting", start=D(2026, 5, 4))
    attend(training, aigul)
    attend(training, bakyt, days=[1, 2])
    attend(meeting, aigul)
    attend(meeting, chynara)
    return {"aigul": aigul, "bakyt": bakyt, "chynara": chynara, "training": training, "meeting": meeting}


def test_the_summary_has_a_row_per_person_and_event_site_and_one_across_sites(registry, busy):
    aigul = busy["aigul"]
    rows = {(row.site_id, row.first_day, row.completed) for row in PersonReach.objects.filter(person=aigul)}
    assert rows == {
        (None, D(2026, 3, 2), True),
        (registry["kyshtut"].pk, D(2026, 3, 2), True),
        (registry["kerben"].pk, D(2026, 5, 4), False),
    }
    assert_summary_is_live(registry)


def test_attendance_changed_and_deleted_moves_the_summary(registry, busy):
    bakyt_row = Attendance.objects.get(person=busy["bakyt"], event=busy["training"])
    bakyt_row.days = busy["training"].days  # the missing day found on the paper sheet
    bakyt_row.save()
    assert PersonReach.objects.get(person=busy["bakyt"], site=None).completed
    Attendance.objects.filter(person=busy["chynara"]).delete()
    assert not PersonReach.objects.filter(person=busy["chynara"]).exists()
    Attendance.objects.filter(event=busy["training"]).update(role="observer")  # one statement, many rows
    assert set(PersonReach.objects.values_list("person", flat=True)) == {busy["aigul"].pk}
    assert_summary_is_live(registry)


def test_an_event_cancelled_moved_or_retyped_moves_the_summary(registry, busy, make_event, make_person, attend):
    training = busy["training"]
    training.status = Event.Status.CANCELLED
    training.save()
    assert not PersonReach.objects.filter(person=busy["bakyt"]).exists()
    assert_summary_is_live(registry)
    training.status = Event.Status.HELD
    training.kind = "interactive_seminar"
    training.site = registry["akturpak"]
    training.save()
    assert not PersonReach.objects.filter(completed=True).exists()
    assert_summary_is_live(registry)
    Event.objects.filter(pk=training.pk).update(start_date=D(2025, 1, 1), end_date=D(2025, 1, 3))
    assert PersonReach.objects.get(person=busy["bakyt"], site=None).first_day == D(2025, 1, 1)
    assert_summary_is_live(registry)


def test_corrections_to_a_person_move_their_cell(registry, busy):
    aigul = busy["aigul"]
    aigul.birth_year, aigul.sex, aigul.site = 1960, "male", registry["kerben"]
    aigul.wg_walking = "cannot"
    aigul.save()
    row = PersonReach.objects.get(person=aigul, site=None)
    assert (row.kyrgyz_band, row.un_band, row.sex, row.home_site_id, row.disability) == (
        "36_plus",
        "65_plus",
        "male",
        registry["kerben"].pk,
        "yes",
    )
    assert_summary_is_live(registry)


def test_a_merged_person_counts_once_before_and_after_the_rows_move(registry, busy, make_person, attend, staff):
    from stakeholders import merging

    twin = make_person(full_name="Чынара (экинчи жазылышы)", site="kerben")
    attend(busy["training"], twin)
    assert counting.count_people_at_sites(None, Event.objects.all()).total() == 4
    twin.merged_into = busy["chynara"]  # marked, rows not moved yet
    twin.save()
    assert counting.count_people_at_sites(None, Event.objects.all()).total() == 3
    assert not PersonReach.objects.filter(person=twin).exists()
    assert PersonReach.objects.get(person=busy["chynara"], site=None).completed  # the twin's training
    assert_summary_is_live(registry)
    twin.merged_into = None
    twin.save()
    assert_summary_is_live(registry)
    merging.merge(busy["chynara"], Person.objects.get(pk=twin.pk), staff, "One person, two spellings.")
    assert counting.count_people_at_sites(None, Event.objects.all()).total() == 3
    assert_summary_is_live(registry)


def test_a_rebuild_gives_the_rows_the_triggers_keep(registry, busy):
    from django.db import connection

    columns = ("person", "site", "first_day", "completed", "kyrgyz_band")
    kept = sorted(PersonReach.objects.values_list(*columns), key=str)
    with connection.cursor() as cursor:
        cursor.execute("SELECT dialogues_rebuild_reach()")
    assert sorted(PersonReach.objects.values_list(*columns), key=str) == kept
    assert len(kept) == 7  # a row across sites per person (3), one per event site (Aigul 2, the others 1)


def test_the_results_page_reads_the_summary_unless_narrowed(client_for, admin, registry, busy, monkeypatch):
    calls = []
    original = counting.count_people_at_sites
    monkeypatch.setattr(counting, "count_people_at_sites", lambda *args: calls.append(args[0]) or original(*args))
    client = client_for(admin)
    assert client.get("/en/dialogues/results/").status_code == 200
    assert client.get("/en/dialogues/results/", {"site": "kerben"}).status_code == 200
    assert calls == [None, {registry["kerben"].pk}]
    response = client.get("/en/dialogues/results/", {"kind": "training"})  # narrowed: counted live
    assert calls == [None, {registry["kerben"].pk}]
    assert response.context["summary"]["reached"] == 2


def test_a_local_authority_reads_its_own_sites_summary(client_for, la_kerben, registry, busy, monkeypatch):
    calls = []
    original = counting.count_people_at_sites
    monkeypatch.setattr(counting, "count_people_at_sites", lambda *args: calls.append(args[0]) or original(*args))
    response = client_for(la_kerben).get("/en/dialogues/results/")
    assert calls == [{registry["kerben"].pk}]
    assert response.context["summary"]["reached"] == counting.SUPPRESSED  # 2 people: under 5, suppressed
    response = client_for(la_kerben).get("/en/dialogues/results/", {"site": "kyshtut"})
    assert response.status_code == 200  # another site than its own: nothing counted, no query for it
    assert calls == [{registry["kerben"].pk}, set()]
    assert response.context["summary"]["reached"] == 0


@pytest.mark.django_db(transaction=True)
def test_attendance_of_one_person_saved_at_once_in_many_sessions_is_all_counted(
    registry, make_event, make_person, attend
):
    """Ten staff record the same person at ten different events at the same moment: the row lock on the
    person serialises the refreshes, so the summary sees every event (without it, the second refresh
    would not see the first one's rows, or clash with its summary row)."""
    from django.db import transaction

    from tests.helpers import run_at_once

    person = make_person()
    events = [make_event(start=D(2026, 3, 2) + datetime.timedelta(days=7 * n), days=2) for n in range(10)]

    def record(n):
        with transaction.atomic():
            # Only the last event is attended in full: completion must survive whichever commits last.
            return attend(events[n], person, days=[1, 2] if n == 9 else [1])

    outcomes = run_at_once(record, count=10)
    assert all(isinstance(outcome, Attendance) for outcome in outcomes), outcomes
    row = PersonReach.objects.get(person=person, site=None)
    assert (row.first_day, row.completed) == (D(2026, 3, 2), True)
    assert_summary_is_live(registry)
