"""The embedded PostgreSQL starts cleanly again after it was killed (a stale postmaster.pid)."""

import os
import signal
import tempfile
import time
from pathlib import Path

import psutil
import psycopg2
import pytest

from mapping_portal import embedded_db


def select_one(info):
    conn = psycopg2.connect(dbname="postgres", user="postgres", host=str(info.socket_dir), port=info.port)
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone()[0]
    finally:
        conn.close()


@pytest.fixture(scope="module")
def pgdata():
    # A short path of its own: the server's unix socket lives in the data directory.
    root = Path(tempfile.mkdtemp(prefix="pgtest-"))
    yield root / "data"
    embedded_db.stop(root / "data")


def test_a_killed_server_leaves_a_stale_pid_file_and_the_next_start_is_clean(pgdata):
    info = embedded_db.start(pgdata)
    assert select_one(info) == 1

    os.kill(info.pid, signal.SIGKILL)
    try:
        psutil.Process(info.pid).wait(timeout=10)
    except psutil.NoSuchProcess:
        pass
    for _ in range(50):  # its children notice the postmaster died and exit
        if not any(str(pgdata) in " ".join(p.info["cmdline"] or []) for p in psutil.process_iter(["cmdline"])):
            break
        time.sleep(0.1)
    assert (pgdata / "postmaster.pid").exists()

    restarted = embedded_db.start(pgdata)
    assert restarted.pid != info.pid
    assert select_one(restarted) == 1


def test_a_pid_file_naming_some_other_live_process_is_stale_too(pgdata):
    embedded_db.stop(pgdata)
    pid_file = pgdata / "postmaster.pid"
    # After a reboot the recorded pid may belong to anything — here, to this test process.
    pid_file.write_text(f"{os.getpid()}\n{pgdata}\n0\n5432\n{pgdata}\n\n0 0\nready\n")
    assert embedded_db.clear_stale_pid_file(pgdata) is True
    assert not pid_file.exists()
    assert select_one(embedded_db.start(pgdata)) == 1


def test_a_running_server_is_reused_not_restarted(pgdata):
    first = embedded_db.start(pgdata)
    assert embedded_db.clear_stale_pid_file(pgdata) is False
    assert embedded_db.start(pgdata).pid == first.pid


def test_stop_stops_and_reports_whether_anything_ran(pgdata):
    embedded_db.start(pgdata)
    assert embedded_db.stop(pgdata) is True
    assert embedded_db.stop(pgdata) is False
