"""Demo data of the dialogues, loaded by `manage.py seed_demo` (idempotent): a dialogue and resource centre
per pilot site, its trainings (the three-day one: about 60 people trained in all), dialogues and seminars with
attendance and tallies, follow-up actions, and the three initiative groups formed by the project (one per site);
`--scale national` adds benchmark volumes (DESIGN.md §8)."""

import datetime
import random

from django.db import connection, transaction
from django.utils import timezone

from dialogues.models import (
    INITIATIVE_GROUP_TYPE,
    Attendance,
    AttendanceTally,
    DialoguePlatform,
    Event,
    EventKind,
    FollowUpAction,
    InitiativeGroup,
    KnowledgeCheck,
)
from dialogues.plans.seed import load_demo_plans
from mapping_portal import bulk
from mapping_portal.models import PilotSite, ThematicArea
from stakeholders.models import Organization, Person

D = datetime.date
BENCHMARK = "benchmark-volume"

# site, centre name, opened on, offset of its point from the site centre, days after 1 March for its events
CENTRES = [
    ("akturpak", "Актурпак диалог жана ресурстук борбору", D(2026, 2, 2), (0.004, 0.004), 0),
    ("kyshtut", "Кыштут диалог жана ресурстук борбору", D(2026, 2, 9), (0.003, -0.003), 7),
    ("kerben", "Кербен шаардык диалог жана ресурстук борбору", D(2026, 2, 16), (0.002, 0.002), 14),
]

# title, kind, first day (days after the site's start), days, status, thematic directions
EVENTS = [
    (
        "Социалдык демилгелерди иштеп чыгуу боюнча үч күндүк тренинг",
        EventKind.TRAINING,
        9,
        3,
        Event.Status.HELD,
        ["peace-security", "inclusive-participation"],
    ),
    (
        "Жергиликтүү бийлик менен жарандык коомдун диалогу",
        EventKind.DIALOGUE_MEETING,
        30,
        1,
        Event.Status.HELD,
        ["border-cooperation", "peace-security"],
    ),
    (
        "Чыр-чатактын эрте алдын алуу боюнча интерактивдүү семинар",
        EventKind.INTERACTIVE_SEMINAR,
        60,
        1,
        Event.Status.HELD,
        ["peace-security", "state-policy"],
    ),
]

TALLIES = [("female", "15_24", 9), ("male", "25_35", 6), ("female", "36_64", 7), ("male", "65_plus", 3)]


def load_reference() -> dict:
    """The dialogues have no reference lists of their own (event kinds are fixed in the code)."""
    return {}


@transaction.atomic
def load_demo(scale: str = "pilot") -> dict:
    created = {"dialogue centres": 0, "events": 0, "attendance": 0}
    areas = {area.code: area for area in ThematicArea.objects.all()}
    for slug, name, opened_on, (dlat, dlon), offset in CENTRES:
        site = PilotSite.objects.filter(slug=slug).first()
        if site is None:
            continue
        host = (
            Organization.objects.filter(site=site, type__code__in=["local-self-government", "local-kenesh"])
            .order_by("id")
            .first()
        )
        platform, new = DialoguePlatform.objects.get_or_create(
            site=site,
            name=name,
            defaults={
                "host_organization": host,
                "opened_on": opened_on,
                "lat": round(site.centre_lat + dlat, 6) if site.has_centre else None,
                "lon": round(site.centre_lon + dlon, 6) if site.has_centre else None,
                "description": "Демо жазуу. / Демонстрационная запись.",
            },
        )
        created["dialogue centres"] += new
        # The three-day training of each site: 21 people, one of whom missed its second day (20 trained per site,
        # the 60 of the project's target).
        people = list(
            Person.objects.filter(site=site, merged_into=None).exclude(consent_purpose=BENCHMARK).order_by("id")[:21]
        )
        start = D(2026, 3, 1) + datetime.timedelta(days=offset)
        for title, kind, after, days, status, codes in EVENTS:
            first_day = start + datetime.timedelta(days=after)
            event, new = Event.objects.get_or_create(
                site=site,
                title=title,
                defaults={
                    "kind": kind,
                    "status": status,
                    "platform": platform,
                    "start_date": first_day,
                    "end_date": first_day + datetime.timedelta(days=days - 1),
                    "venue": name,
                    "facilitators": "Долбоордун тренерлери",
                    "outcomes": "Демо жазуу. / Демонстрационная запись.",
                },
            )
            if not new:
                continue
            created["events"] += 1
            event.thematic_areas.set([areas[code] for code in codes if code in areas])
            if host:
                event.organizers.add(host)
            created["attendance"] += _demo_attendance(event, people)
            if kind == EventKind.DIALOGUE_MEETING:
                for sex, band, count in TALLIES:
                    AttendanceTally.objects.create(event=event, sex=sex, age_band=band, count=count)
                FollowUpAction.objects.create(
                    event=event,
                    what="Жаштар кеңешин түзүү жана анын жобосун бекитүү",
                    owner="Айыл өкмөтү",
                    owner_organization=host,
                    due=first_day + datetime.timedelta(days=45),
                )
                FollowUpAction.objects.create(
                    event=event,
                    what="Чек ара айылдарында маалымат жолугушууларын өткөрүү",
                    owner="Диалог борбору",
                    due=first_day + datetime.timedelta(days=30),
                    status=FollowUpAction.Status.DONE,
                )
        planned_day = timezone.localdate() + datetime.timedelta(days=20)
        _, new = Event.objects.get_or_create(
            site=site,
            title="Коомчулук менен жолугушуу: жергиликтүү артыкчылыктар",
            defaults={
                "kind": EventKind.COMMUNITY_MEETING,
                "status": Event.Status.PLANNED,
                "platform": platform,
                "start_date": planned_day,
                "end_date": planned_day,
            },
        )
        created["events"] += new
    created.update(_demo_knowledge_checks())
    created.update(_initiative_group_meeting())
    created.update(load_demo_plans())
    if scale == "national":
        created.update(_load_national_volumes())
    return created


def _demo_attendance(event, people) -> int:
    """Everyone on every day of a training, except one person who missed its second day."""
    rows = []
    chosen = people if event.kind == EventKind.TRAINING else people[::2]
    for index, person in enumerate(chosen):
        days = event.days
        if event.kind == EventKind.TRAINING and index == 1:
            days = [days[0], days[-1]]
        rows.append(Attendance(event=event, person=person, days=days))
    Attendance.objects.bulk_create(rows)
    return len(rows)


def _demo_knowledge_checks() -> dict:
    """The demo's held trainings get their knowledge check, out of 10 (a set of ten questions), if they have none:
    most participants gain 1–4 points, every seventh does not improve, the last on the list took the test after
    the training only. Deterministic: each score comes from the person's place on the list."""
    titles = [title for title, kind, *_rest in EVENTS if kind == EventKind.TRAINING]
    trainings = Event.objects.filter(
        title__in=titles, kind=EventKind.TRAINING, status=Event.Status.HELD, knowledge_check__isnull=True
    )
    created = 0
    for event in trainings:
        KnowledgeCheck.objects.create(event=event, max_score=10)
        rows = list(event.attendances.filter(role="participant").order_by("person__sort_key", "id"))
        for index, row in enumerate(rows):
            before = 3 + (index * 2) % 5
            after = before if index % 7 == 3 else min(10, before + 1 + (index * 3) % 4)
            row.pre_score = None if index == len(rows) - 1 else before
            row.post_score = after
        Attendance.objects.bulk_update(rows, ["pre_score", "post_score"])
        created += 1
    return {"knowledge checks": created}


def _initiative_group_meeting() -> dict:
    """The initiative groups in the registry count as formed by the project, each with one meeting."""
    created = {"initiative-group meetings": 0}
    for group in Organization.objects.filter(type__code=INITIATIVE_GROUP_TYPE, description__startswith="Демо"):
        InitiativeGroup.objects.get_or_create(
            organization=group,
            defaults={
                "formed_on": D(2026, 3, 25),
                "problems": "Сугат суусун адилет бөлүштүрүү; чек ара айылдарынын жаштарынын ортосундагы ишеним.",
            },
        )
        platform = DialoguePlatform.objects.filter(site=group.site_id).first()
        event, new = Event.objects.get_or_create(
            site_id=group.site_id,
            title=f"{group.name}: айлык жолугушуу",
            defaults={
                "kind": EventKind.INITIATIVE_GROUP_MEETING,
                "status": Event.Status.HELD,
                "platform": platform,
                "start_date": D(2026, 4, 15),
                "end_date": D(2026, 4, 15),
            },
        )
        if new:
            event.organizers.add(group)
            created["initiative-group meetings"] += 1
    return created


# The summary kept by triggers on the attendance (dialogues/migrations/0002_person_reach.py): turned off for a bulk
# load and rebuilt once after it, in the same transaction (mapping_portal.bulk.triggers_disabled).
REACH_TRIGGERS = [
    "dialogues_attendance_reach_insert",
    "dialogues_attendance_reach_update",
    "dialogues_attendance_reach_delete",
]


def _load_national_volumes(events=20_000, attendance=1_000_000, batch_events=500) -> dict:
    """Benchmark volumes: `events` events with `attendance` named rows in all, drawn from the registry's
    benchmark people of the event's site. Idempotent by a marker in the venue. Written with COPY in one
    transaction, batch by batch (memory stays modest: one batch of rows at a time, and the people's ids), each row
    with its "created" history entry; the reach summary's triggers are off meanwhile and the summary is rebuilt
    once at the end, before the transaction commits, so nobody ever reads a stale figure."""
    existing = Event.objects.filter(venue=BENCHMARK).count()
    if existing >= events:
        return {"benchmark events": 0, "benchmark attendance": 0}
    sites = list(PilotSite.objects.all())
    people = {site.pk: [] for site in sites}
    for person_id, site_id in Person.objects.filter(consent_purpose=BENCHMARK).values_list("id", "site_id").iterator():
        people[site_id].append(person_id)
    sites = [site for site in sites if people[site.pk]]
    if not sites:
        return {"benchmark events": 0, "benchmark attendance": 0}
    rng = random.Random(7)
    per_event = max(1, attendance // events)
    kinds = [kind for kind, _label in EventKind.choices]
    event_columns = ["id", "title", "kind", "status", "site", "start_date", "end_date", "venue", "lat", "lon"]
    made_events = made_rows = 0
    remaining = events - existing
    with transaction.atomic(), bulk.triggers_disabled(Attendance._meta.db_table, REACH_TRIGGERS):
        while remaining > 0:
            batch = []
            for pk in bulk.reserve_ids(Event, min(batch_events, remaining)):
                site = rng.choice(sites)
                first_day = D(2025, 1, 1) + datetime.timedelta(days=rng.randint(0, 680))
                days = rng.choice([1, 1, 1, 2, 3])
                batch.append(
                    (
                        pk,
                        f"Иш-чара {existing + made_events + len(batch) + 1}",
                        EventKind.TRAINING if days == 3 else rng.choice(kinds),
                        Event.Status.HELD if rng.random() < 0.9 else Event.Status.PLANNED,
                        site.pk,
                        first_day,
                        first_day + datetime.timedelta(days=days - 1),
                        BENCHMARK,
                        round(site.centre_lat + rng.uniform(-0.2, 0.2), 6) if site.has_centre else None,
                        round(site.centre_lon + rng.uniform(-0.2, 0.2), 6) if site.has_centre else None,
                    )
                )
            bulk.copy_rows(Event, event_columns, batch)
            bulk.write_created_history(Event, [row[0] for row in batch])
            rows = []
            for pk, _title, _kind, _status, site_id, start, end, *_rest in batch:
                pool = people[site_id]
                every_day = [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)]
                for person_id in rng.sample(pool, min(per_event, len(pool))):
                    days = (
                        every_day
                        if rng.random() < 0.7
                        else sorted(rng.sample(every_day, rng.randint(1, len(every_day))))
                    )
                    rows.append((pk, person_id, days))
            ids = bulk.reserve_ids(Attendance, len(rows))
            rows = [(row_id, *row) for row_id, row in zip(ids, rows, strict=True)]
            bulk.copy_rows(Attendance, ["id", "event", "person", "days"], rows, prepare=False)
            bulk.write_created_history(Attendance, ids)
            made_events += len(batch)
            made_rows += len(rows)
            remaining -= len(batch)
        with connection.cursor() as cursor:
            cursor.execute("SELECT dialogues_rebuild_reach()")
    return {"benchmark events": made_events, "benchmark attendance": made_rows}
