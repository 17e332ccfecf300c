"""Pages of an import: upload, progress and preview (dry run), commit, the result, past imports, the template.

Admins and staff only (`can_import_records`; people also need personal-data rights); everyone else gets
404 on every page, the anonymous the sign-in page. A batch is its uploader's: another user's is 404
unless they are an admin. The work itself is in `stakeholders.importing`.
"""

import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from mapping_portal import access, jobs
from mapping_portal.exports import XLSX_CONTENT_TYPE
from mapping_portal.jobs.models import Job
from mapping_portal.shortcuts import get_for_user_or_404
from stakeholders import importing
from stakeholders.forms_import import ImportUploadForm
from stakeholders.models import ImportBatch, ImportRow

ROWS_PER_PAGE = 50
# The preview's filters: name → (label, rows it shows).
SHOW = {
    "all": (gettext_lazy("All rows"), {}),
    "errors": (gettext_lazy("Errors"), {"action": ImportRow.Action.ERROR}),
    "new": (gettext_lazy("New"), {"action": ImportRow.Action.CREATE}),
    "updates": (gettext_lazy("Updates"), {"action": ImportRow.Action.UPDATE}),
    "unchanged": (gettext_lazy("Unchanged"), {"action": ImportRow.Action.UNCHANGED}),
    "duplicates": (gettext_lazy("Possible duplicates"), {"has_matches": True}),
}


def _may_import(user, kind=None):
    if not access.can_import_records(user):
        raise Http404
    if kind == ImportBatch.Kind.PEOPLE and not access.can_view_personal_data(user):
        raise Http404


def _batch(request, pk):
    _may_import(request.user)
    batch = get_for_user_or_404(ImportBatch.objects.select_related("created_by"), request.user, pk=pk)
    _may_import(request.user, batch.kind)
    return batch


@login_required
def import_list(request):
    _may_import(request.user)
    batches = ImportBatch.objects.for_user(request.user).select_related("created_by")
    page = Paginator(batches, 25).get_page(request.GET.get("page"))
    return render(request, "stakeholders/import_list.html", {"page": page})


@login_required
def import_upload(request):
    _may_import(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        _may_import(request.user, kind)
        importing.purge_unfinished()
        try:
            batch = importing.start_import(form.cleaned_data["file"], kind, request.user)
        except importing.ImportFileError as error:
            form.add_error("file", error.message)
        else:
            return redirect("stakeholders:import-detail", pk=batch.pk)
    return render(
        request,
        "stakeholders/import_upload.html",
        {
            "form": form,
            "max_rows": importing.limits.MAX_ROWS,
            "max_size": importing.limits.MAX_FILE_SIZE // 1024 // 1024,
            "max_columns": importing.limits.MAX_COLUMNS,
            "max_row_chars": f"{importing.limits.MAX_ROW_CHARS:,}".replace(",", "\u00a0"),
            "max_cell_chars": f"{importing.limits.MAX_CELL_CHARS:,}".replace(",", "\u00a0"),
            "retention_days": settings.IMPORT_RETENTION_DAYS,
            "template_languages": [("ky", "Кыргызча"), ("ru", "Русский"), ("en", "English")],
        },
    )


@login_required
def import_detail(request, pk):
    """While the file is checked: the progress. Then the preview (summary, filterable rows, the commit
    button); once imported: the result, with links to the records."""
    batch = _batch(request, pk)
    context = {"batch": batch}
    if batch.status in (ImportBatch.Status.READY, ImportBatch.Status.COMMITTED):
        show = request.GET.get("show") if request.GET.get("show") in SHOW else "all"
        if show == "all" and batch.status == ImportBatch.Status.READY and batch.error_count:
            show = "errors"  # what needs doing first
        rows = batch.rows.filter(**SHOW[show][1]).order_by("number")
        paginator = Paginator(rows, ROWS_PER_PAGE)
        paginator.count = _count(batch, show)  # known from the batch: no COUNT query
        page = paginator.get_page(request.GET.get("page"))
        page.query_without_page = f"show={show}"
        context.update(
            {
                "show": show,
                "filters": [(name, label, _count(batch, name)) for name, (label, _query) in SHOW.items()],
                "page": page,
                "columns": _column_names(batch),
            }
        )
    return render(request, "stakeholders/import_detail.html", context)


def _count(batch, show):
    return {
        "all": batch.row_count,
        "errors": batch.error_count,
        "new": batch.create_count,
        "updates": batch.update_count,
        "unchanged": batch.unchanged_count,
        "duplicates": batch.duplicate_count,
    }[show]


def _column_names(batch):
    ordered = sorted(batch.columns.items(), key=lambda item: int(item[0]))
    return [f"{importing.column_letter(int(index))} → {name}" for index, name in ordered]


@login_required
@require_POST
def import_progress(request, pk):
    """One step of the analysis (htmx polls it); when it is done, the page reloads to show the preview."""
    batch = _batch(request, pk)
    batch = importing.advance(batch.pk)
    if not request.headers.get("HX-Request"):
        return redirect("stakeholders:import-detail", pk=batch.pk)
    if batch.status != ImportBatch.Status.ANALYSING:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "stakeholders/import_progress.html", {"batch": batch})


@login_required
@require_POST
def import_commit(request, pk):
    batch = _batch(request, pk)
    if batch.create_count + batch.update_count > settings.JOB_IMPORT_ROWS and batch.status == ImportBatch.Status.READY:
        # Over a minute for some thousands of rows: committed by the worker, all or nothing, while the page waits.
        job = jobs.start(
            request.user,
            Job.Kind.IMPORT,
            _("Import of %(name)s") % {"name": batch.original_name},
            params={"batch": batch.pk, "next": reverse("stakeholders:import-detail", args=[batch.pk])},
        )
        return redirect("jobs:detail", pk=job.pk)
    try:
        batch = importing.commit(batch.pk, request.user)
    except importing.ImportRefused as refusal:
        messages.error(request, refusal.message)
        return redirect("stakeholders:import-detail", pk=batch.pk)
    messages.success(
        request,
        _("Imported: %(created)s new, %(updated)s updated.")
        % {"created": batch.create_count, "updated": batch.update_count},
    )
    return redirect("stakeholders:import-detail", pk=batch.pk)


@login_required
@require_POST
def import_restart(request, pk):
    batch = _batch(request, pk)
    importing.restart(batch)
    return redirect("stakeholders:import-detail", pk=batch.pk)


@login_required
@require_POST
def import_discard(request, pk):
    batch = _batch(request, pk)
    if batch.status != ImportBatch.Status.COMMITTED:
        importing.discard(batch)
        messages.success(request, _("The file was removed; nothing was imported."))
    return redirect("stakeholders:import-list")


@login_required
@require_GET
def import_template(request):
    kind = request.GET.get("kind", ImportBatch.Kind.ORGANIZATIONS)
    if kind not in ImportBatch.Kind.values:
        raise Http404
    _may_import(request.user, kind)
    language = request.GET.get("lang", "ky")
    if language not in importing.limits.LANGUAGES:
        language = "ky"
    stream = io.BytesIO()
    importing.build_template(kind, language, stream)
    response = HttpResponse(stream.getvalue(), content_type=XLSX_CONTENT_TYPE)
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="import-{kind}-{language}-{stamp}.xlsx"'
    return response
