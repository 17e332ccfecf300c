"""Demo data of the dialogues: loaded on top of the registry's, idempotent, and national volumes in batches."""

from dialogues import seed
from dialogues.counting import count_people
from dialogues.models import Attendance, AttendanceTally, DialoguePlatform, Event, InitiativeGroup


def load_pilot():
    from stakeholders import seed as stakeholder_seed

    stakeholder_seed.load_demo()
    return seed.load_demo()


def test_pilot_demo_data_for_the_three_sites_loads_once(registry):
    created = load_pilot()
    assert created["dialogue centres"] == 3
    assert set(DialoguePlatform.objects.values_list("site__slug", flat=True)) == {"akturpak", "kyshtut", "kerben"}
    assert Event.objects.filter(kind="training", status="held").count() == 3
    assert AttendanceTally.objects.exists() and Attendance.objects.exists()
    assert InitiativeGroup.objects.filter(formed_by_project=True).count() == 3  # one per site
    trainings = count_people(Event.objects.filter(kind="training"))
    # The three-day trainings: 21 people in each site, one of whom missed a day — the project's 60 trained.
    assert (trainings.total("trained"), trainings.total("reached")) == (60, 63)
    again = seed.load_demo()
    assert again["dialogue centres"] == again["events"] == again["attendance"] == 0


def test_national_volumes_are_made_in_batches_and_only_once(registry):
    from stakeholders.models import Person

    sites = list(registry.values())
    Person.objects.bulk_create(
        Person(full_name=f"Адам {n}", sex="female", birth_year=1990, site=sites[n % 3], consent_purpose=seed.BENCHMARK)
        for n in range(90)
    )
    made = seed._load_national_volumes(events=40, attendance=400, batch_events=15)
    assert made == {"benchmark events": 40, "benchmark attendance": 400}
    assert Event.objects.filter(venue=seed.BENCHMARK).count() == 40
    for attendance in Attendance.objects.select_related("event")[:50]:
        assert attendance.days and all(
            attendance.event.start_date <= day <= attendance.event.end_date for day in attendance.days
        )
        assert attendance.days == sorted(set(attendance.days))
    assert seed._load_national_volumes(events=40, attendance=400) == {"benchmark events": 0, "benchmark attendance": 0}
