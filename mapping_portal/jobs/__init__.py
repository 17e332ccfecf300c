"""Long work in the background: big downloads, imports, the donor report, searches for possible duplicates.

The queue is Procrastinate on the portal's own PostgreSQL (no other server, so the embedded database keeps working):
a request records a `Job` and defers the one task `mapping_portal.tasks.run_job` in the same transaction, then
shows the job's page, which follows its progress. The worker (`manage.py procrastinate worker`; `make run` starts
one) runs the job's work as its owner and in their language:

- a download runs again the very view that would have answered at once (same access rules, same filters, same
  export log), as the owner, and keeps the file through Django's storage API until `JOB_FILE_HOURS` have passed;
  only its owner may fetch it;
- other kinds are registered by the app that owns them on `hooks.job_work`.

A worker killed part way: its heartbeat stops, and `retry_stalled` (a periodic task) gives the job to another
worker; the work must leave nothing half-written (one transaction, or work that can run again). An error is
recorded as a code and shown to the owner in their language — never a stack trace (that goes to the worker's log).
"""

from django.shortcuts import redirect
from django.utils import translation

from mapping_portal.jobs.models import Job


class Refused(Exception):
    """The work cannot be done, for a reason its owner should read (already in their language)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = str(message)


class Forbidden(Exception):
    """The owner may no longer see what the job was made from."""


def in_worker(request) -> bool:
    """Whether this request is a job's work being done in the worker (then the view answers at once)."""
    return getattr(request, "job", None) is not None


def start(user, kind, title, *, params=None, total=None, request=None) -> Job:
    """Record a job for `user` and queue it (in the caller's transaction: both are kept, or neither)."""
    job = Job.objects.create(
        owner=user,
        kind=kind,
        title=str(title)[:255],
        language=(translation.get_language() or "ky")[:8],
        path=request.path if request is not None else "",
        query=request.GET.urlencode() if request is not None else "",
        params=params or {},
        total=total,
    )
    queue(job)
    return job


def queue(job: Job):
    from mapping_portal.tasks import run_job

    job.queue_id = run_job.defer(job_id=str(job.pk))
    job.save(update_fields=["queue_id"])


def download_later(request, title, total=None):
    """Answer a download request by making the file in the background: the job's page follows it."""
    job = start(request.user, Job.Kind.DOWNLOAD, title, total=total, request=request)
    return redirect("jobs:detail", pk=job.pk)


def retry(job: Job) -> Job:
    """Queue again a job that failed, or whose file has expired, as it was asked."""
    job.status = Job.Status.QUEUED
    job.failure = job.reason = job.filename = job.content_type = ""
    job.file = ""
    job.done = 0
    job.size = job.started_at = job.finished_at = job.expires_at = None
    job.save()
    queue(job)
    return job
