"""A user's background jobs: the list ("My downloads"), one job's page with its progress, its file, trying again.

Every page is the owner's alone (`Job.objects.for_user`): another user's job answers 404, as if it did not exist.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mapping_portal import access, jobs
from mapping_portal.jobs.models import Job
from mapping_portal.shortcuts import get_for_user_or_404, require


def _job(request, pk):
    require(access.can_run_jobs(request.user))
    return get_for_user_or_404(Job, request.user, pk=pk)


@login_required
@require_GET
def job_list(request):
    require(access.can_run_jobs(request.user))
    page = Paginator(Job.objects.for_user(request.user), 25).get_page(request.GET.get("page"))
    page.query_without_page = ""
    return render(request, "mapping_portal/jobs/list.html", {"page": page, "job_file_hours": settings.JOB_FILE_HOURS})


@login_required
@require_GET
def job_detail(request, pk):
    return render(request, "mapping_portal/jobs/detail.html", {"job": _job(request, pk)})


@login_required
@require_GET
def job_progress(request, pk):
    """What the job's page polls (htmx) while the job waits or runs; once it has finished, the page reloads."""
    job = _job(request, pk)
    if job.is_finished and request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "mapping_portal/jobs/progress.html", {"job": job})


@login_required
@require_GET
def job_download(request, pk):
    job = _job(request, pk)
    if not job.downloadable:
        raise Http404
    try:
        stream = default_storage.open(job.file.name, "rb")
    except (FileNotFoundError, OSError) as missing:
        raise Http404 from missing
    response = FileResponse(stream, as_attachment=True, filename=job.filename, content_type=job.content_type or None)
    # The file may hold personal data: no shared cache keeps it.
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def job_retry(request, pk):
    job = _job(request, pk)
    if job.status != Job.Status.FAILED and job.failure != Job.Failure.EXPIRED:
        raise Http404
    jobs.retry(job)
    messages.info(request, _("Asked again: the work starts as soon as a worker is free."))
    return redirect("jobs:detail", pk=job.pk)
