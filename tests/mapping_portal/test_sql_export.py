"""The exports computed in SQL (mapping_portal.sql_export) write the very files the row-by-row exports wrote.

The oracle below is the row-by-row definition of the organization, people, event and attendance exports as they
were (a function of a model object per column, over the list's queryset with its prefetches). On a sample made to
be awkward (formulas behind invisible characters, quotes, line breaks, empty and missing values, whole floats,
microseconds, several memberships and codes), the CSV written by PostgreSQL (COPY), the CSV and the XLSX written
from the tuples must be byte for byte those of the oracle, in Bishkek time and in a timezone behind UTC.
"""

import datetime
import io
import itertools
import zipfile
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.models import Prefetch
from django.utils import timezone

from dialogues.exports import attendance_export_spec, event_export_spec
from dialogues.models import Attendance, Event
from dialogues.views.events import event_queryset
from mapping_portal import exports, suppression
from mapping_portal.models import ThematicArea
from stakeholders.exports import organization_export_spec, person_export_spec
from stakeholders.models import WASHINGTON_GROUP_QUESTIONS, Membership, TargetGroup
from stakeholders.views.registry import organization_queryset, person_queryset

AWKWARD = [
    "=1+1",
    "+996 555 123 456",
    "-3",
    "@SUM(A1)",
    "\t=cmd",
    "\r=cmd",
    "  =x",
    "\u200b=x",  # zero-width space
    "\u3164=x",  # Hangul filler
    "\u0301=x",  # a combining mark with nothing to combine with
    "＝x",  # full-width
    "\u00a0+x",
    "a=b",
    "Жаңы-Жол, «айыл»",
    'say "hi"',
    "two\nlines",
    "carriage\rreturn",
    " leading space",
    "ңөү",
    "#N/A",
    "'quoted",
    "😀 emoji",
    "",
]


def _field(name):
    return lambda obj: getattr(obj, name)


def _codes(related, attribute="code"):
    return lambda obj: "; ".join(str(getattr(item, attribute)) for item in getattr(obj, related).all())


def old_organization_rows(user, with_funding_sources):
    columns = [
        ("id", _field("pk")),
        *[(name, _field(name)) for name in ("name_ky", "name_ru", "acronym")],
        ("type", lambda o: o.type.code),
        ("site", lambda o: o.site.slug),
        ("settlement", lambda o: o.settlement.soate_code if o.settlement_id else ""),
        *[
            (name, _field(name))
            for name in ("address", "lat", "lon", "registration_status", "registration_number", "year_founded")
        ],
        ("thematic_areas", _codes("thematic_areas")),
        ("target_groups", _codes("target_groups")),
        *[
            (name, _field(name))
            for name in (
                "women_led",
                "youth_led",
                "staff_women",
                "staff_men",
                "volunteers_women",
                "volunteers_men",
                "board_women",
                "board_men",
                "board_youth",
                "phone",
                "email",
                "website",
                "description",
                "public_listing_consent",
                "consent_covers_sensitive",
                "needs_validation",
                "is_active",
                "updated_at",
            )
        ],
    ]
    if with_funding_sources:
        columns.insert(-4, ("funding_sources", _field("funding_sources")))
    objects = organization_queryset(user).prefetch_related("target_groups")
    return [[value(obj) for _name, value in columns] for obj in objects]


def old_person_rows(user):
    def memberships(person):
        return "; ".join(f"{m.organization_id}:{m.role}" for m in person.memberships.all())

    columns = [
        *[
            (name, _field(name))
            for name in ("pk", "full_name", "full_name_latin", "sex", "birth_year", "phone", "email")
        ],
        ("site", lambda p: p.site.slug),
        ("settlement", lambda p: p.settlement.soate_code if p.settlement_id else ""),
        ("is_active_citizen", _field("is_active_citizen")),
        *[(name, _field(name)) for name, _label in WASHINGTON_GROUP_QUESTIONS],
        *[(name, _field(name)) for name in ("vulnerable_groups", "consent_date", "consent_purpose")],
        ("memberships", memberships),
        ("updated_at", _field("updated_at")),
    ]
    prefetch = Prefetch("memberships", queryset=Membership.objects.select_related("organization"))
    return [[value(obj) for _name, value in columns] for obj in person_queryset(user).prefetch_related(prefetch)]


def old_event_rows(user, suppressing):
    def people(name):
        return lambda obj: suppression.count(getattr(obj, name) or 0, suppressing)

    columns = [
        *[(name, _field(name)) for name in ("pk", "title", "kind", "status")],
        ("site", lambda e: e.site.slug),
        ("platform", lambda e: e.platform.name if e.platform_id else ""),
        *[(name, _field(name)) for name in ("start_date", "end_date", "day_count", "venue", "lat", "lon")],
        ("thematic_areas", _codes("thematic_areas")),
        ("organizers", _codes("organizers", "pk")),
        ("facilitators", _field("facilitators")),
        ("participants_named", people("participant_count")),
        ("people_tallied", people("tallied_count")),
        ("overdue_actions", _field("overdue_actions")),
        ("outcomes", _field("outcomes")),
    ]
    return [[value(obj) for _name, value in columns] for obj in event_queryset(user).prefetch_related("organizers")]


def old_attendance_rows():
    columns = [
        ("event_id", _field("event_id")),
        ("event", lambda a: a.event.title),
        ("event_site", lambda a: a.event.site.slug),
        ("start_date", lambda a: a.event.start_date),
        ("end_date", lambda a: a.event.end_date),
        ("person_id", _field("person_id")),
        ("full_name", lambda a: a.person.full_name),
        ("sex", lambda a: a.person.sex),
        ("birth_year", lambda a: a.person.birth_year),
        ("person_site", lambda a: a.person.site.slug),
        ("role", _field("role")),
        ("days", lambda a: [day.isoformat() for day in a.days]),
        ("days_attended", lambda a: len(a.days)),
        ("attended_all_days", _field("attended_all_days")),
    ]
    objects = Attendance.objects.select_related("event__site", "person__site").order_by("event_id", "person_id")
    return [[value(obj) for _name, value in columns] for obj in objects]


@pytest.fixture
def awkward(make_organization, make_person, registry):
    from mapping_portal.models import Settlement

    settlement = Settlement.objects.filter(site=registry["kyshtut"]).first()
    areas = list(ThematicArea.objects.order_by("number"))
    groups = list(TargetGroup.objects.all())
    organizations = []
    for n, text in enumerate(AWKWARD):
        organization = make_organization(
            site=("kyshtut", "kerben", "akturpak")[n % 3],
            name_ky=f"{text} {n}" if n % 2 else text or "Аты",
            name_ru=text,
            acronym=text[:20],
            address=text,
            description=text,
            funding_sources=text,
            phone=text[:40],
            website="",
            lat=(42.0, 41.123456789, None, 40.5)[n % 4],
            lon=(75.0, 71.987654321, None, 72.25)[n % 4],
            year_founded=(None, 2001)[n % 2],
            women_led=bool(n % 2),
            registration_number=text[:50],
            settlement=settlement if n % 2 else None,
        )
        organization.thematic_areas.set(areas[: n % 4])
        organization.target_groups.set(groups[n % 3 : n % 3 + n % 4])
        organizations.append(organization)
    people = []
    for n, text in enumerate(AWKWARD):
        person = make_person(
            site=("kyshtut", "kerben", "akturpak")[n % 3],
            full_name=text or "Адам",
            full_name_latin=text,
            email="",
            phone=text[:40],
            birth_year=(None, 1990)[n % 2],
            consent_date=(None, datetime.date(2025, 3, 9))[n % 2],
            consent_purpose=text,
            vulnerable_groups=[[], ["idp"], ["idp", text], [text]][n % 4],
            wg_seeing=("", "some")[n % 2],
            settlement=settlement if n % 3 else None,
        )
        for organization in organizations[n % 5 : n % 5 + n % 3]:
            Membership.objects.create(person=person, organization=organization, role=("member", "leader")[n % 2])
        people.append(person)
    # updated_at with and without microseconds, around midnight UTC (another day in Bishkek).
    for n, record in enumerate(organizations + people):
        moment = datetime.datetime(2026, 1, 31, 23, 30, 5, (0, 250, 999_999)[n % 3], tzinfo=datetime.UTC)
        type(record).objects.filter(pk=record.pk).update(updated_at=moment)
    for n, text in enumerate(AWKWARD[:8]):
        start = datetime.date(2026, 2, 1) + datetime.timedelta(days=n)
        event = Event.objects.create(
            title=text or "Иш-чара",
            kind="training",
            status="held",
            site=registry[("kyshtut", "kerben")[n % 2]],
            start_date=start,
            end_date=start + datetime.timedelta(days=n % 3),
            venue=text,
            facilitators=text,
            outcomes=text,
            lat=(None, 42.0)[n % 2],
            lon=(None, 74.5)[n % 2],
        )
        event.thematic_areas.set(areas[: n % 3])
        event.organizers.set(organizations[n : n + n % 3])
        for m, person in enumerate(people[n : n + 1 + n % 5]):
            days = [start + datetime.timedelta(days=d) for d in range(m % 3 + 1) if d <= n % 3]
            Attendance.objects.create(event=event, person=person, days=days[::-1] + days[:1], role="participant")


def _csv(rows, header):
    return b"".join(exports.csv_response("x.csv", header, rows).streaming_content)


def _sheet(rows, header):
    stream = io.BytesIO()
    exports.write_xlsx(stream, header, rows)
    return zipfile.ZipFile(stream).read("xl/worksheets/sheet1.xml")


def _fast_and_typed(selection):
    # The SqlRows (whose CSV is COPY's), and the same values as plain tuples (the CSV writer's own path).
    return selection.iterator(), [list(row) for row in selection.iterator()]


def _same_files(spec, selection, old_rows):
    fast, typed = _fast_and_typed(selection)
    assert len(typed) == len(old_rows) > 0
    expected = _csv(old_rows, spec.header)
    assert _csv(fast, spec.header) == expected
    assert _csv(typed, spec.header) == expected
    assert _sheet(selection.iterator(), spec.header) == _sheet(old_rows, spec.header)


def test_sql_exports_write_the_files_the_row_by_row_exports_wrote(awkward, admin, la_kyshtut):
    for zone in ["Asia/Bishkek", "America/St_Johns"]:
        with timezone.override(ZoneInfo(zone)):
            for user, funding in [(admin, True), (la_kyshtut, False)]:
                spec = organization_export_spec(with_funding_sources=funding)
                _same_files(spec, spec.select(organization_queryset(user)), old_organization_rows(user, funding))
            spec = person_export_spec()
            _same_files(spec, spec.select(person_queryset(admin)), old_person_rows(admin))
            for suppressing in (False, True):
                spec = event_export_spec(suppressing=suppressing)
                _same_files(spec, spec.select(event_queryset(admin)), old_event_rows(admin, suppressing))
            spec = attendance_export_spec()
            attendance = Attendance.objects.order_by("event_id", "person_id")
            _same_files(spec, spec.select(attendance), old_attendance_rows())
    # The sample does hold cells that need the apostrophe, and PostgreSQL caught them.
    spec = person_export_spec()
    content = _csv(spec.select(person_queryset(admin)).iterator(), spec.header).decode("utf-8")
    for formula in ["'=1+1", "'+996 555 123 456", "'\u200b=x", "'\u3164=x", "'\u0301=x", "'＝x", "'\u00a0+x"]:
        assert formula in content
    assert "'a=b" not in content and "'Жаңы" not in content


def _session_timezone():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('TimeZone')")
        return cursor.fetchone()[0]


def test_the_connection_gets_its_timezone_back_after_a_csv_export(make_person, admin):
    """The COPY writes datetimes in the export's timezone by setting the session's; a download read to the end or
    dropped part way (the client went away) leaves the connection as it was."""
    for n in range(5):
        make_person(full_name=f"Адам {n}")
    before = _session_timezone()
    zone = ZoneInfo("America/St_Johns")
    for read in (None, 2):
        lines = person_export_spec().select(person_queryset(admin)).iterator().csv_lines(zone)
        taken = list(itertools.islice(lines, read)) if read else list(lines)
        lines.close()
        assert len(taken) == (read or 5)
        assert b"-03:30" in b"".join(taken)
        assert _session_timezone() == before != "America/St_Johns"
