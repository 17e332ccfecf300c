"""The embedded PostgreSQL always starts again (issue #21, item 11): after starts killed at random
points, with ten starting at once, and with the files a killed start can leave broken.

Each start runs in a process of its own on a throwaway data directory (never var/pg), as
`make run` or `manage.py` would. EMBEDDED_DB_KILLS sets how many starts are killed (30 by default,
about half a minute; `EMBEDDED_DB_KILLS=300 pytest tests/mapping_portal/test_embedded_db_crash.py`
for the long version).
"""

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings

from mapping_portal import embedded_db
from tests.mapping_portal.test_embedded_db import select_one

ROOT = Path(settings.BASE_DIR)
KILLS = int(os.environ.get("EMBEDDED_DB_KILLS") or 30)
# What a `manage.py` process does first: start (or reuse) the server, then use it.
START_AND_QUERY = """
import sys
from pathlib import Path
import psycopg2
from mapping_portal import embedded_db
info = embedded_db.start(Path(sys.argv[1]))
conn = psycopg2.connect(dbname="postgres", user="postgres", host=str(info.socket_dir), port=info.port)
with conn.cursor() as cursor:
    cursor.execute("SELECT 1")
    assert cursor.fetchone() == (1,)
conn.close()
"""


def start_process(pgdata):
    # A session of its own, so that the kill takes its whole group (pg_ctl, initdb) as Ctrl-C in
    # a terminal would; the server itself leaves the group (pg_ctl starts it in a new session).
    return subprocess.Popen(
        [sys.executable, "-c", START_AND_QUERY, str(pgdata)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


@pytest.fixture
def pgdata():
    # A short path of its own: the server's unix socket lives in the data directory.
    root = Path(tempfile.mkdtemp(prefix="pgcrash-"))
    yield root / "data"
    embedded_db.stop(root / "data")
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def running():
    """One server for the repair tests (each new data directory costs an initdb)."""
    root = Path(tempfile.mkdtemp(prefix="pgheal-"))
    embedded_db.start(root / "data")
    yield root / "data"
    embedded_db.stop(root / "data")
    shutil.rmtree(root, ignore_errors=True)


def test_ten_processes_starting_at_once_all_get_a_working_server(pgdata):
    # From nothing: all ten race to create the data directory and start the server.
    processes = [start_process(pgdata) for _ in range(10)]
    failures = [p.stderr.read().decode()[-500:] for p in processes if p.wait(timeout=120) != 0]
    assert failures == []
    pids = json.loads((pgdata / ".handle_pids.json").read_text())
    assert isinstance(pids, list)
    assert select_one(embedded_db.start(pgdata)) == 1


def timed_start(pgdata):
    began = time.monotonic()
    process = start_process(pgdata)
    assert process.wait(timeout=120) == 0, process.stderr.read().decode()[-2000:]
    return time.monotonic() - began


def test_starts_killed_at_random_points_never_leave_the_server_unable_to_start(pgdata):
    rng = random.Random(21)
    # How long a whole start takes on this machine, from nothing and onto a running server: the kills
    # land at random points inside that span, however fast or loaded the machine is.
    from_nothing = timed_start(pgdata)
    onto_running = timed_start(pgdata)
    embedded_db.stop(pgdata)
    from_stopped = timed_start(pgdata)
    killed = 0
    for n in range(KILLS):
        span = onto_running
        if n % 5 == 4:
            embedded_db.stop(pgdata)  # so that later kills land inside pg_ctl start too
            span = from_stopped
        if n == 0:
            embedded_db.stop(pgdata)
            shutil.rmtree(pgdata)  # and the first inside initdb
            span = from_nothing
        process = start_process(pgdata)
        # Importing, initdb (first start), pg_ctl start, writing the pid list, the first query.
        time.sleep(rng.uniform(0, 0.95) * span)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            killed += 1
        process.wait(timeout=30)
    print(f"{killed} of {KILLS} starts killed mid-way")
    assert killed >= KILLS // 3  # the kills did land mid-start, not after it
    check = start_process(pgdata)
    assert check.wait(timeout=120) == 0, check.stderr.read().decode()[-2000:]
    assert select_one(embedded_db.start(pgdata)) == 1


@pytest.mark.parametrize("content", ["", "[123", '{"a": 1}', "\x00\x00"])
def test_a_broken_process_list_is_repaired_on_start(running, content):
    pgdata = running
    (pgdata / ".handle_pids.json").write_text(content)
    assert select_one(embedded_db.start(pgdata)) == 1
    assert os.getpid() in json.loads((pgdata / ".handle_pids.json").read_text())


def test_the_process_list_drops_processes_that_are_gone(running):
    pgdata = running
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    (pgdata / ".handle_pids.json").write_text(json.dumps([int(gone.stdout), os.getpid()]))
    leftover = embedded_db.temporary_path(pgdata / ".handle_pids.json", int(gone.stdout))
    leftover.write_text("[")  # its writer was killed before renaming it into place
    assert embedded_db.heal_handle_pids(pgdata) is False
    assert json.loads((pgdata / ".handle_pids.json").read_text()) == [os.getpid()]
    assert not leftover.exists()


def test_a_data_directory_left_half_made_by_initdb_is_made_again(pgdata):
    pgdata.mkdir(parents=True)
    (pgdata / "global").mkdir()  # initdb killed before it wrote PG_VERSION
    assert select_one(embedded_db.start(pgdata)) == 1
    assert (pgdata / "PG_VERSION").exists()


def test_atomic_write_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "list.json"
    target.write_text("[1]")
    embedded_db.atomic_write(target, "[2]")
    assert target.read_text() == "[2]"
    assert [p.name for p in tmp_path.iterdir()] == ["list.json"]
    assert embedded_db.temporary_path(target, os.getpid()).parent == tmp_path
