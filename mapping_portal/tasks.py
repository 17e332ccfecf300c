"""The portal's tasks for Procrastinate's worker (found by `procrastinate.contrib.django` in each app's `tasks.py`).

One task runs every kind of job (`mapping_portal.jobs`); the periodic ones keep the queue healthy and the
server's disk clean — no cron needed, the worker runs them.
"""

import logging
from datetime import timedelta

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import Q
from django.utils import timezone
from procrastinate.contrib.django import app

from mapping_portal.jobs import runner
from mapping_portal.jobs.models import Job

logger = logging.getLogger(__name__)


@app.task(name="run_job", queue="jobs")
def run_job(job_id: str):
    runner.run(job_id)


@app.periodic(cron="* * * * * */10", periodic_id="retry_stalled")
@app.task(name="retry_stalled", queue="maintenance", queueing_lock="retry_stalled", pass_context=True)
async def retry_stalled(context, timestamp: int):
    """A worker that stopped sending its heartbeat (killed, its machine gone) leaves its jobs "doing": give
    them to a live worker. Then mark failed the portal's jobs whose task the queue gave up on (a worker that
    could not even record the failure, the database being away)."""
    manager = context.app.job_manager
    stalled = await manager.get_stalled_jobs(seconds_since_heartbeat=settings.JOB_STALLED_SECONDS)
    for job in stalled:
        logger.warning("retrying job %s of task %s: its worker stopped", job.id, job.task_name)
        await manager.retry_job(job)
    await sync_to_async(reconcile)()


def reconcile():
    from procrastinate.contrib.django.models import ProcrastinateJob

    lost = Job.objects.filter(
        status__in=[Job.Status.QUEUED, Job.Status.RUNNING],
        queue_id__in=ProcrastinateJob.objects.filter(status__in=["failed", "cancelled", "aborted"]).values("id"),
    )
    lost.update(status=Job.Status.FAILED, failure=Job.Failure.DATABASE, finished_at=timezone.now())


@app.periodic(cron="17 * * * *", periodic_id="purge_jobs")
@app.task(name="purge_jobs", queue="maintenance", queueing_lock="purge_jobs")
def purge_jobs(timestamp: int):
    purge_expired()


def purge_expired(now=None) -> int:
    """Delete the files whose time on the server is over, and forget jobs older than JOB_KEEP_DAYS."""
    now = now or timezone.now()
    expired = Job.objects.filter(expires_at__lte=now).exclude(file="")
    count = 0
    for job in expired.only("pk", "file"):
        default_storage.delete(job.file.name)
        Job.objects.filter(pk=job.pk).update(file="", failure=Job.Failure.EXPIRED)
        count += 1
    old = Job.objects.filter(created_at__lt=now - timedelta(days=settings.JOB_KEEP_DAYS)).filter(
        Q(file="") | Q(expires_at__lte=now)
    )
    old.delete()
    return count
