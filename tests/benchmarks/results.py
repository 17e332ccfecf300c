"""The results pages at national scale: `python -m tests.benchmarks.results` prints, per role and filter, the
server-side time (median and p95, ms) and the queries of the reports page (/ky/reports/) and of the dialogue
results page (/ky/dialogues/results/). Figures only, never pass or fail.

`python -m tests.benchmarks.results --build` first brings the development database to the national volumes of
issue 18 (20,000 events, ~1,000,000 attendance rows, 200,000 people) in SQL — INSERT … SELECT generate_series, the
reach triggers off during the load and the summaries rebuilt once after it — in a few minutes. The rows it adds are
marked (the people's consent purpose, the events' venue) and added once.
"""

import os
import statistics
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mapping_portal.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from mapping_portal.models import User  # noqa: E402

MARK = "benchmark: results (issue 18)"
PEOPLE, EVENTS, PER_EVENT = 200_000, 20_000, 50
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "7"))

BUILD_SQL = """
INSERT INTO stakeholders_person (full_name, full_name_latin, sex, birth_year, phone, email, wg_seeing, wg_hearing,
    wg_walking, wg_cognition, wg_self_care, wg_communication, vulnerable_groups, is_active_citizen, consent_purpose,
    is_active, version, created_at, updated_at, search_key, site_id, name_key)
SELECT 'Катышуучу ' || g, '', CASE WHEN g %% 7 = 0 THEN '' WHEN g %% 2 = 0 THEN 'female' ELSE 'male' END,
       CASE WHEN g %% 11 = 0 THEN NULL ELSE 1950 + (g * 37) %% 60 END, '', '',
       CASE WHEN g %% 13 = 0 THEN 'a_lot' WHEN g %% 3 = 0 THEN '' ELSE 'none' END, '', '', '', '', '', '{}', false,
       %(mark)s, true, 0, now(), now(), 'катышуучу ' || g, 1 + g %% 3, 'катышуучу ' || g
FROM generate_series(1, %(people)s) AS g;

INSERT INTO dialogues_event (title, kind, status, start_date, end_date, venue, facilitators, agenda, outcomes,
    attendance_version, version, created_at, updated_at, site_id)
SELECT 'Иш-чара ' || g, k.kind, CASE WHEN g %% 10 = 0 THEN 'planned' ELSE 'held' END,
       DATE '2025-01-01' + (g * 7919) %% 680, DATE '2025-01-01' + (g * 7919) %% 680 + k.days - 1,
       %(mark)s, '', '', '', 0, 0, now(), now(), 1 + (g * 31) %% 3
FROM generate_series(1, %(events)s) AS g,
     LATERAL (SELECT (ARRAY['dialogue_meeting', 'community_meeting', 'training', 'interactive_seminar',
                            'initiative_group_meeting'])[1 + g %% 5] AS kind,
                     CASE WHEN g %% 5 = 2 THEN 1 + g %% 3 ELSE 1 + (g / 5) %% 2 END AS days) AS k;

CREATE TEMP TABLE pool AS
SELECT id, site_id, row_number() OVER (PARTITION BY site_id ORDER BY id) AS n,
       count(*) OVER (PARTITION BY site_id) AS size
FROM stakeholders_person WHERE consent_purpose = %(mark)s;
CREATE INDEX ON pool (site_id, n);

INSERT INTO dialogues_attendance (role, days, created_at, person_id, event_id)
SELECT 'participant',
       CASE WHEN (e.id + k) %% 10 < 7 THEN ARRAY(SELECT generate_series(e.start_date, e.end_date, '1 day')::date)
            ELSE ARRAY[e.start_date] END,
       now(), p.id, e.id
FROM dialogues_event e
CROSS JOIN generate_series(0, %(per_event)s - 1) AS k
JOIN (SELECT site_id, max(size) AS size FROM pool GROUP BY 1) s ON s.site_id = e.site_id
JOIN pool p ON p.site_id = e.site_id AND p.n = 1 + ((e.id * 104729) %% s.size + k * 1297) %% s.size
WHERE e.venue = %(mark)s;
"""


def build():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM stakeholders_person WHERE consent_purpose = %s", [MARK])
        if cursor.fetchone()[0]:
            print("The national volumes are already there.")
            return
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("ALTER TABLE dialogues_attendance DISABLE TRIGGER USER")
        cursor.execute(BUILD_SQL, {"mark": MARK, "people": PEOPLE, "events": EVENTS, "per_event": PER_EVENT})
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred foreign keys checked before the triggers return
        cursor.execute("ALTER TABLE dialogues_attendance ENABLE TRIGGER USER")
        loaded = time.perf_counter()
        cursor.execute("SELECT dialogues_rebuild_reach()")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"Loaded in {loaded - started:.0f} s, summaries rebuilt in {time.perf_counter() - loaded:.0f} s.")
    counts()


def counts():
    with connection.cursor() as cursor:
        for table in ("stakeholders_person", "dialogues_event", "dialogues_attendance", "dialogues_personreach"):
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 — our own table names
            print(f"{table}: {cursor.fetchone()[0]:,} rows")


ROLES = ["admin", "staff", "la-kyshtut", "viewer"]
REPORT_FILTERS = [
    ("whole project", ""),
    ("a year", "period=2025"),
    ("a quarter", "period=2025-Q2"),
    ("a site, a year", "period=2025&site=kyshtut"),
]
DIALOGUE_FILTERS = [
    ("no filter", ""),
    ("a year", "date_from=01.01.2025&date_to=31.12.2025"),
    ("a quarter", "date_from=01.04.2025&date_to=30.06.2025"),
    ("a site, a year", "site=kyshtut&date_from=01.01.2025&date_to=31.12.2025"),
    ("trainings, a year", "kind=training&date_from=01.01.2025&date_to=31.12.2025"),
    ("a kind, a quarter, a site", "kind=community_meeting&site=kerben&date_from=01.04.2025&date_to=30.06.2025"),
]


def measure(client, url):
    response = client.get(url)  # warm-up
    assert response.status_code == 200, (url, response.status_code)
    timings = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    p95 = statistics.quantiles(timings, n=20)[18] if len(timings) > 1 else timings[0]
    return min(timings), statistics.median(timings), p95, len(queries)


def main():
    if "--build" in sys.argv:
        build()
    else:
        counts()
    # The machine is shared: the best of the rounds is the figure least disturbed by the others' work.
    print(f"\n{'page':<20} {'filter':<28} {'role':<11} {'best ms':>8} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for page, path, filters in (
        ("reports", "/ky/reports/", REPORT_FILTERS),
        ("dialogue results", "/ky/dialogues/results/", DIALOGUE_FILTERS),
    ):
        for label, query in filters:
            for username in ROLES:
                client = Client(HTTP_HOST="localhost")
                client.force_login(User.objects.get(username=username))
                best, median, p95, queries = measure(client, f"{path}?{query}" if query else path)
                print(f"{page:<20} {label:<28} {username:<11} {best:>8.0f} {median:>10.0f} {p95:>8.0f} {queries:>8}")


if __name__ == "__main__":
    main()
