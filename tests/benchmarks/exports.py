"""`python -m tests.benchmarks.exports`: how fast the big exports are, on the development database.

Prints figures, never passes or fails. If the database holds fewer rows than the national volumes of DESIGN.md §8
(20,000 organizations, 200,000 people), it first adds copies of the rows there are (INSERT … SELECT
generate_series: seconds, not the national seed's minutes), and 100,000 attendance rows; run `seed_demo` first,
since the copies are made from its rows. The copies stay (a second run measures at once); `manage.py flush` or a
new `seed_demo` clears them.

* CSV through the real views (Django's test Client, DEBUG off, the streamed content consumed), as an
  administrator, in rows per second; beside it PostgreSQL's `COPY (SELECT …) TO STDOUT` of the very query the
  view runs, and `COPY table TO STDOUT`, and the view's share of COPY's speed.
* XLSX of 100,000 people with each writer (openpyxl write-only, xlsxwriter constant_memory), each in its own
  process so that its peak memory (maximum resident set size) is its own.
"""

import importlib.util
import os
import resource
import subprocess
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mapping_portal.settings")
# The view's own work, as the background worker runs it: above these sizes a request would answer with a job.
os.environ.setdefault("JOB_EXPORT_ROWS_CSV", "100000000")
os.environ.setdefault("JOB_EXPORT_ROWS_XLSX", "100000000")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

ORGANIZATIONS = 20_000
PEOPLE = 200_000
ATTENDANCE = 100_000
EVENTS = 2_000
XLSX_ROWS = 100_000
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))


# Volumes -----------------------------------------------------------------------------------------------------------


def _columns(table, overrides):
    """The table's columns but `id`, each copied as it is or computed as `overrides` says (the copy is `o`, the
    series number `g`)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND column_name <> 'id'"
            " AND is_generated = 'NEVER' ORDER BY ordinal_position",
            [table],
        )
        names = [name for (name,) in cursor.fetchall()]
    return ", ".join(f'"{name}"' for name in names), ", ".join(overrides.get(name, f'o."{name}"') for name in names)


def _copy_rows(table, missing, overrides):
    """`missing` new rows of `table`, copies of its rows taken in turn."""
    names, values = _columns(table, overrides)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {table} ({names})
            SELECT {values} FROM generate_series(1, %s) AS g
            JOIN (SELECT *, row_number() OVER (ORDER BY id) - 1 AS n FROM {table}) AS o
              ON o.n = g %% (SELECT count(*) FROM {table})""",
            [missing],
        )


def ensure_volumes():
    from dialogues.models import Attendance, Event
    from stakeholders.models import Organization, Person

    started = time.perf_counter()
    with transaction.atomic():
        missing = ORGANIZATIONS - Organization.objects.count()
        if missing > 0:
            first_new = _next_id("stakeholders_organization")
            _copy_rows(
                "stakeholders_organization",
                missing,
                {"name_ky": "o.name_ky || ' ' || g", "name_ru": "o.name_ru || ' ' || g", "sort_key": "o.sort_key || g"},
            )
            # Their thematic directions and target groups: one or two of each, as the demo rows have.
            with connection.cursor() as cursor:
                for table, column, model in [
                    ("stakeholders_organization_thematic_areas", "thematicarea_id", "mapping_portal_thematicarea"),
                    ("stakeholders_organization_target_groups", "targetgroup_id", "stakeholders_targetgroup"),
                ]:
                    cursor.execute(
                        f"""INSERT INTO {table} (organization_id, {column})
                        SELECT o.id, t.id FROM stakeholders_organization o CROSS JOIN {model} t
                        WHERE o.id >= %s AND (o.id + t.id) %% 3 = 0""",
                        [first_new],
                    )
        missing = PEOPLE - Person.objects.count()
        if missing > 0:
            first_new = _next_id("stakeholders_person")
            _copy_rows(
                "stakeholders_person",
                missing,
                {
                    "full_name": "o.full_name || ' ' || g",
                    "sort_key": "o.sort_key || g",
                    "match_key": "o.match_key || g",
                },
            )
            with connection.cursor() as cursor:
                # One person in three is a member of an organization; one in twelve of two.
                cursor.execute(
                    """INSERT INTO stakeholders_membership (person_id, organization_id, role, since, until)
                    SELECT p.id, o.id, 'member', NULL, NULL
                    FROM stakeholders_person p
                    JOIN LATERAL (SELECT id FROM stakeholders_organization
                                  ORDER BY id OFFSET p.id %% 1000 LIMIT (CASE WHEN p.id %% 4 = 0 THEN 2 ELSE 1 END)) o
                      ON TRUE
                    WHERE p.id >= %s AND p.id %% 3 = 0""",
                    [first_new],
                )
        missing = EVENTS - Event.objects.count()
        if missing > 0:
            _copy_rows("dialogues_event", missing, {"title": "o.title || ' ' || g"})
        missing = ATTENDANCE - Attendance.objects.count()
        if missing > 0:
            with connection.cursor() as cursor:
                # Each event's first day; people taken in turn, never twice for one event.
                cursor.execute(
                    """INSERT INTO dialogues_attendance (event_id, person_id, role, days, created_at)
                    SELECT e.id, p.id, 'participant', ARRAY[e.start_date], now()
                    FROM (SELECT id, start_date, row_number() OVER (ORDER BY id) AS n FROM dialogues_event) e
                    JOIN LATERAL (SELECT id FROM stakeholders_person ORDER BY id OFFSET e.n * 50 LIMIT %s) p ON TRUE
                    ON CONFLICT (event_id, person_id) DO NOTHING""",
                    [missing // EVENTS + 1],
                )
    elapsed = time.perf_counter() - started
    if elapsed > 1:
        print(f"(volumes made up in {elapsed:.0f} s)")


def _next_id(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")
        return cursor.fetchone()[0]


# CSV ---------------------------------------------------------------------------------------------------------------

EXPORTS = [
    ("organizations", "/en/stakeholders/export.csv"),
    ("people", "/en/stakeholders/people/export.csv"),
    ("events", "/en/dialogues/export.csv"),
    ("attendance", "/en/dialogues/attendance/export.csv"),
]


def _view_queryset(name):
    """The query the export view runs for an administrator with no filter (to COPY the same rows)."""
    from dialogues.exports import attendance_export_spec, event_export_spec
    from dialogues.views.attendance import Attendance
    from dialogues.views.events import event_queryset
    from mapping_portal.models import User
    from stakeholders.exports import organization_export_spec, person_export_spec
    from stakeholders.views.registry import organization_queryset, person_queryset

    admin = User.objects.get(username="admin")
    if name == "organizations":
        return organization_export_spec(with_funding_sources=True).select(organization_queryset(admin))
    if name == "people":
        return person_export_spec().select(person_queryset(admin))
    if name == "events":
        return event_export_spec().select(event_queryset(admin))
    return attendance_export_spec().select(Attendance.objects.order_by("event_id", "person_id"))


def measure_csv():
    from mapping_portal.models import User

    settings.DEBUG = False  # as in production: no query log
    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(username="admin"))
    print(
        f"{'CSV export (admin, no filter)':<32} {'rows':>8} {'view s':>7} {'rows/s':>8} {'COPY query rows/s':>18}"
        f" {'view/COPY':>9} {'COPY table rows/s':>18}"
    )
    for name, url in EXPORTS:
        timings = []
        for _ in range(ROUNDS):
            started = time.perf_counter()
            response = client.get(url)
            size = lines = 0
            for chunk in response.streaming_content:
                size += len(chunk)
                lines += chunk.count(b"\n")
            timings.append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
        view = min(timings)
        queryset = _view_queryset(name).queryset
        rows = queryset.count()
        sql, params = queryset.query.sql_with_params()
        copy_query = _copy_timing(sql, params)
        table = {
            "organizations": "stakeholders_organization",
            "people": "stakeholders_person",
            "events": "dialogues_event",
            "attendance": "dialogues_attendance",
        }[name]
        copy_table = _copy_timing(f"SELECT * FROM {table}", None)
        print(
            f"{name:<32} {rows:>8} {view:>7.2f} {rows / view:>8.0f} {rows / copy_query:>18.0f}"
            f" {copy_query / view:>9.2f} {rows / copy_table:>18.0f}"
        )
    settings.DEBUG = True


def _copy_timing(sql, params):
    best = None
    for _ in range(ROUNDS):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            raw = cursor.cursor
            statement = raw.mogrify(sql, params) if params else sql
            with raw.copy(f"COPY ({statement}) TO STDOUT (FORMAT csv)") as copy:
                for _data in copy:
                    pass
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    return best


# XLSX --------------------------------------------------------------------------------------------------------------


# The other writer, measured against the portal's (mapping_portal.exports.write_xlsx, openpyxl write-only) -------------


def write_xlsx_xlsxwriter(path_or_stream, header, rows, sheet_title="export"):
    """exports.write_xlsx's file written by xlsxwriter in constant_memory mode: same cells, formats and guarantees
    (text never a formula, error codes as text, illegal characters stripped, NaN/inf as text, real dates).

    Measured, not used: xlsxwriter writes a carriage return (and any control character) as Excel's escape
    `_x000D_`, and a literal "_x0041_" as "_x005F_x0041_"; Excel reads them back, but openpyxl (the portal's own
    import, and tests/mapping_portal/test_exports_hidden_formulas.py) reads the escapes as text."""
    import math
    from datetime import date, datetime, time
    from decimal import Decimal

    import xlsxwriter
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    from mapping_portal import exports

    workbook = xlsxwriter.Workbook(
        path_or_stream,
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    sheet = workbook.add_worksheet(exports._sheet_title(sheet_title))
    bold = workbook.add_format({"bold": True})
    day = workbook.add_format({"num_format": "dd.mm.yyyy"})
    moment = workbook.add_format({"num_format": "dd.mm.yyyy hh:mm"})
    sheet.freeze_panes(1, 0)
    for column, label in enumerate(header):
        sheet.set_column(column, column, min(max(len(str(label)) + 2, 10), 50))
    tz = exports._local_timezone()
    for column, label in enumerate(header):
        sheet.write_string(0, column, str(exports._csv_cell(label)), bold)
    count = 0
    for number, row in enumerate(rows, 1):
        for column, value in enumerate(row):
            if value is None:
                continue
            if not isinstance(value, exports._PASSED_THROUGH):
                value = exports.neutralise(value)
            kind = type(value)
            if kind is str:
                sheet.write_string(number, column, ILLEGAL_CHARACTERS_RE.sub("", value))
            elif kind is bool:
                sheet.write_boolean(number, column, value)
            elif kind is int or kind is float or kind is Decimal:
                if (kind is float and not math.isfinite(value)) or (kind is Decimal and not value.is_finite()):
                    sheet.write_string(number, column, str(value))
                else:
                    sheet.write_number(number, column, value)
            elif isinstance(value, datetime):
                if value.tzinfo is not None:
                    value = value.astimezone(tz).replace(tzinfo=None)
                sheet.write_datetime(number, column, value, moment)
            elif isinstance(value, date):
                sheet.write_datetime(number, column, value, day)
            elif isinstance(value, time):
                sheet.write_datetime(number, column, value.replace(tzinfo=None))
        count += 1
    workbook.close()
    return count


def xlsx_child(writer):
    """In a process of its own: XLSX_ROWS people written with `writer`; prints seconds, peak MB and file MB."""
    import tempfile

    from mapping_portal import exports
    from stakeholders.exports import person_export_spec
    from stakeholders.models import Person

    spec = person_export_spec()
    queryset = spec.select(Person.objects.order_by("id")[:XLSX_ROWS])
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    write = {"openpyxl": exports.write_xlsx, "xlsxwriter": write_xlsx_xlsxwriter}[writer]
    if writer == "xlsxwriter" and importlib.util.find_spec("xlsxwriter") is None:
        print("xlsxwriter is not installed (pip install xlsxwriter==3.3.1)", file=sys.stderr)
        print("xlsxwriter 0 nan nan 0 0 0")
        return
    with tempfile.TemporaryFile() as stream:
        started, cpu = time.perf_counter(), time.process_time()
        count = write(stream, spec.header, spec.rows(queryset.iterator(chunk_size=2000)), "people")
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        size = stream.tell() / 1e6
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{writer} {count} {elapsed:.2f} {cpu:.2f} {peak:.0f} {before:.0f} {size:.1f}")


def measure_xlsx():
    print(
        f"\n{'XLSX of people':<32} {'rows':>8} {'s':>7} {'CPU s':>7} {'rows/s':>8} {'peak MB':>8} {'at start MB':>12}"
        f" {'file MB':>8}"
    )
    for writer in ("openpyxl", "xlsxwriter"):
        for _ in range(ROUNDS):
            output = subprocess.run(
                [sys.executable, "-m", "tests.benchmarks.exports", "xlsx-child", writer],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()
            _writer, count, elapsed, cpu, peak, before, size = output[-7:]
            print(
                f"{writer:<32} {count:>8} {float(elapsed):>7.2f} {float(cpu):>7.2f}"
                f" {int(count) / float(elapsed):>8.0f} {peak:>8} {before:>12} {size:>8}"
            )


def main():
    """No argument: everything; `csv` or `xlsx`: that part only."""
    what = sys.argv[1] if len(sys.argv) > 1 else "all"
    if what == "xlsx-child":
        xlsx_child(sys.argv[2])
        return
    ensure_volumes()
    if what in ("all", "csv"):
        measure_csv()
    if what in ("all", "xlsx"):
        measure_xlsx()


if __name__ == "__main__":
    main()
