"""Doing a job's work in the worker: as its owner, in their language, with its outcome recorded for them."""

import logging
import mimetypes
import re
import tempfile
import time
from urllib.parse import unquote

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import PermissionDenied
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import InterfaceError, OperationalError, close_old_connections, connection
from django.http import Http404
from django.test import RequestFactory
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.crypto import get_random_string

from mapping_portal import hooks
from mapping_portal.jobs import Forbidden, Refused, progress
from mapping_portal.jobs.models import Job

logger = logging.getLogger(__name__)

# The folder of finished files: not registered with mapping_portal.media, so never served but by the job's page.
FOLDER = "jobs"


def run(job_id) -> Job | None:
    """Do one job's work (called by the task, or by a test). A job already finished is left as it is (a retry
    that comes after the work was done); a job whose row is gone does nothing."""
    job = Job.objects.select_related("owner").filter(pk=job_id).first()
    if job is None or job.is_finished:
        return job
    job.attempts += 1
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, started_at=timezone.now(), done=0, attempts=job.attempts
    )
    try:
        with translation.override(job.language), progress.reporting(job.pk):
            work = hooks.job_work.get(job.kind) or WORK.get(job.kind)
            if work is None:
                raise LookupError(f"no work registered for jobs of kind {job.kind!r}")
            work(job)
    except Refused as refusal:
        _fail(job, Job.Failure.REFUSED, refusal.message)
    except Forbidden:
        _fail(job, Job.Failure.FORBIDDEN)
    except (OperationalError, InterfaceError):
        # The database went away: drop the broken connection, record the failure if it is back; either way the
        # queue marks the task failed and the owner can try again.
        logger.exception("job %s: database error", job.pk)
        connection.close()
        close_old_connections()
        _fail(job, Job.Failure.DATABASE, quiet=True)
        raise
    except Exception:
        logger.exception("job %s failed", job.pk)
        _fail(job, Job.Failure.ERROR)
        raise
    job.refresh_from_db()
    if job.status == Job.Status.RUNNING:
        _finish(job)
    return job


def _finish(job, **fields):
    now = timezone.now()
    fields.setdefault("expires_at", job.expiry_from(now) if fields.get("file") or job.file else None)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE, finished_at=now, **fields)
    job.refresh_from_db()


# After a database error, how long to keep trying to record the failure (a restart takes a few seconds).
RECORD_FAILURE_SECONDS = 30


def _fail(job, failure, reason="", quiet=False):
    deadline = time.monotonic() + (RECORD_FAILURE_SECONDS if quiet else 0)
    while True:
        try:
            Job.objects.filter(pk=job.pk).update(
                status=Job.Status.FAILED, failure=failure, reason=reason, finished_at=timezone.now()
            )
            return
        except (OperationalError, InterfaceError):
            if not quiet:
                raise
            connection.close()
            if time.monotonic() >= deadline:
                # Still unreachable: `reconcile` marks it failed once the queue says so.
                logger.warning("job %s: could not record its failure", job.pk)
                return
            time.sleep(1)


# Downloads -------------------------------------------------------------------------------------------------------

_FILENAME = re.compile(r"""filename\*=UTF-8''([^;]+)|filename="?([^";]+)"?""", re.IGNORECASE)


def request_as_owner(job):
    """The request the owner made, rebuilt: same path and query, as the owner, marked as the job's own."""
    request = RequestFactory().get(job.path + (f"?{job.query}" if job.query else ""), HTTP_HOST=_host())
    request.user = job.owner
    request.job = job
    request.LANGUAGE_CODE = job.language
    request.session = SessionBase()
    return request


def _host():
    # A host the portal answers to (a view may build an absolute address); there is no real one in the worker.
    for host in settings.ALLOWED_HOSTS:
        host = host.lstrip(".")
        if host and host != "*":
            return host
    return "localhost"


def make_download(job):
    """Run the view again as the owner and keep what it answers as the job's file."""
    request = request_as_owner(job)
    try:
        match = resolve(job.path)
        response = match.func(request, *match.args, **match.kwargs)
    except (Http404, PermissionDenied, Resolver404) as error:
        raise Forbidden from error
    if response.status_code in (403, 404) or (300 <= response.status_code < 400):
        raise Forbidden
    if response.status_code != 200:
        raise RuntimeError(f"the view answered {response.status_code}")
    filename = _filename(response) or "download"
    content_type = response.get("Content-Type", "") or mimetypes.guess_type(filename)[0] or ""
    extension = ("." + filename.rsplit(".", 1)[1]) if "." in filename else ""
    # An anonymous temporary file: nothing is left on disk if the worker is killed while it is written.
    with tempfile.TemporaryFile() as spool:
        chunks = response.streaming_content if response.streaming else [response.content]
        for chunk in chunks:
            spool.write(chunk)
        # Not `response.close()`: it would send `request_finished`, which closes the worker's database connection
        # in the middle of its job. The response's own files (an XLSX's spool) close when it is let go, here.
        del chunks, response
        size = spool.tell()
        spool.seek(0)
        name = default_storage.save(f"{FOLDER}/{get_random_string(24)}{extension}", File(spool))
    _finish(job, file=name, filename=filename[:255], content_type=content_type[:120], size=size)


def _filename(response):
    match = _FILENAME.search(response.get("Content-Disposition", ""))
    if not match:
        return ""
    return unquote(match.group(1)) if match.group(1) else match.group(2)


WORK = {Job.Kind.DOWNLOAD: make_download}
