"""The national volumes' bulk path (`seed_demo --scale national`, mapping_portal.bulk) at a tiny scale: COPY writes
the rows the ORM would (keys, history), and the reach summary, rebuilt once after the load with its triggers off,
equals a recount and is kept by its triggers again afterwards."""

import pytest
from django.db import connection, transaction

from dialogues import seed as dialogues_seed
from dialogues.models import Attendance, Event
from mapping_portal import bulk
from mapping_portal.text import match_key
from stakeholders import seed as stakeholders_seed
from stakeholders.duplicates import organization_name_key
from stakeholders.models import Organization, OrganizationType, Person

pytestmark = pytest.mark.django_db
MARKER = "benchmark-volume"
RECOUNT = """
    SELECT count(*) FROM (
        (SELECT * FROM dialogues_reach_rows(NULL) EXCEPT ALL
         SELECT person_id, site_id, first_day, completed, home_site_id, sex, kyrgyz_band, un_band, disability
         FROM dialogues_personreach)
        UNION ALL
        (SELECT person_id, site_id, first_day, completed, home_site_id, sex, kyrgyz_band, un_band, disability
         FROM dialogues_personreach EXCEPT ALL SELECT * FROM dialogues_reach_rows(NULL))
    ) AS differences
"""


def differences_from_a_recount() -> int:
    with connection.cursor() as cursor:
        cursor.execute(RECOUNT)
        return cursor.fetchone()[0]


def triggers_enabled() -> set:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'dialogues_attendance'::regclass AND tgenabled = 'O' "
            "AND NOT tgisinternal"
        )
        return {row[0] for row in cursor.fetchall()}


def load_tiny(registry):
    sites = list(registry.values())
    made = stakeholders_seed._load_national_volumes(sites, list(OrganizationType.objects.all()), 30, 120)
    made |= dialogues_seed._load_national_volumes(events=20, attendance=200, batch_events=7)
    return made


def test_the_bulk_path_writes_the_counts_asked_with_keys_and_history(registry):
    made = load_tiny(registry)
    assert made == {
        "benchmark organizations": 30,
        "benchmark people": 120,
        "benchmark events": 20,
        "benchmark attendance": 200,
    }
    organizations = Organization.objects.filter(description=MARKER)
    people = Person.objects.filter(consent_purpose=MARKER)
    assert organizations.count() == 30 and people.count() == 120
    assert Event.objects.filter(venue=MARKER).count() == 20
    assert Attendance.objects.filter(event__venue=MARKER).count() == 200
    # What save() would have set: the search and matching keys, the dates, the defaults.
    for organization in organizations:
        assert organization.search_key == match_key(organization.name_ky)
        assert organization.name_key == organization_name_key(organization.name_ky, organization.name_ru)
        assert organization.created_at and organization.version == 1 and organization.is_active
        assert organization.sort_key
    for person in people[:20]:
        assert person.name_key == match_key(person.full_name) and person.vulnerable_groups == []
    # Each attendee is a person of the event's site, on days of the event.
    for row in Attendance.objects.filter(event__venue=MARKER).select_related("event", "person"):
        assert row.person.site_id == row.event.site_id and row.role == "participant"
        assert row.days and all(row.event.start_date <= day <= row.event.end_date for day in row.days)
    # One "created" history entry per record, as the ORM's save() writes.
    for model, rows in (
        (Organization, organizations),
        (Person, people),
        (Event, Event.objects.filter(venue=MARKER)),
        (Attendance, Attendance.objects.filter(event__venue=MARKER)),
    ):
        ids = set(rows.values_list("pk", flat=True))
        history = model.history.filter(id__in=ids)
        assert history.count() == len(ids) and set(history.values_list("history_type", flat=True)) == {"+"}


def test_the_reach_summary_rebuilt_after_the_bulk_load_equals_a_recount(registry):
    load_tiny(registry)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM dialogues_personreach")
        assert cursor.fetchone()[0] > 0
    assert differences_from_a_recount() == 0
    # The triggers are on again: a later change keeps the summary exact.
    assert triggers_enabled() == set(dialogues_seed.REACH_TRIGGERS)
    Attendance.objects.filter(event__venue=MARKER, event__status="held").order_by("id").first().delete()
    assert differences_from_a_recount() == 0
    # And loading again makes nothing (idempotent), the summary still exact.
    assert dialogues_seed._load_national_volumes(events=20, attendance=200) == {
        "benchmark events": 0,
        "benchmark attendance": 0,
    }
    assert differences_from_a_recount() == 0


def test_a_stale_summary_would_be_seen_by_the_recount(registry):
    """The check above can fail: an attendance row written with the triggers off and no rebuild differs."""
    load_tiny(registry)
    event = Event.objects.filter(venue=MARKER, status="held").first()
    person = Person.objects.filter(site=event.site, consent_purpose=MARKER).filter(attendances=None).first()
    with transaction.atomic(), bulk.triggers_disabled("dialogues_attendance", dialogues_seed.REACH_TRIGGERS):
        bulk.copy_rows(Attendance, ["event", "person", "days"], [(event.pk, person.pk, [event.start_date])])
    assert differences_from_a_recount() > 0
