"""What every list page shares: its FilterSet applied to an access-scoped queryset, pagination, and the
export of exactly what the list shows (CSV or XLSX), logged when it holds personal data.

An app describes an export once, as an `ExportSpec` (stable column names, so that a file can be
imported back), and registers it for `manage.py export NAME`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.utils import timezone

from mapping_portal import jobs
from mapping_portal.exports import csv_response, xlsx_response
from mapping_portal.forms import style_filter_form
from mapping_portal.models import ExportLog

PAGE_SIZE = 25
FORMATS = ("csv", "xlsx")


@dataclass
class ExportSpec:
    """One export: its name, its columns (header → value of a row object), and whether it holds personal data."""

    name: str
    columns: list[tuple[str, Callable]]
    personal_data: bool = False
    # For `manage.py export NAME`: every row, as an administrator would see them.
    all_rows: Callable | None = field(default=None, repr=False)

    @property
    def header(self):
        return [name for name, _value in self.columns]

    def rows(self, objects):
        for obj in objects:
            yield [value(obj) for _name, value in self.columns]


def filtered_page(request, filterset_class, queryset, page_size=PAGE_SIZE, **filterset_kwargs):
    """Apply the list's FilterSet and paginate. Unknown filter values are reported by the form and
    ignored; a page number out of range shows the nearest page — never an error page."""
    filterset = filterset_class(request.GET or None, queryset=queryset, **filterset_kwargs)
    style_filter_form(filterset.form)
    paginator = Paginator(filterset.qs, page_size)
    page = paginator.get_page(request.GET.get("page"))
    page.query_without_page = _query_without(request, "page")
    return filterset, page


def _query_without(request, *names):
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def export_response(request, spec: ExportSpec, filterset, fmt: str, channel="web"):
    """The list's rows, its filters applied, as a download; every export is logged. Beyond
    `JOB_EXPORT_ROWS` rows the file is made in the background: the answer is the job's page, and this
    same view makes the file in the worker (then the export is logged)."""
    # Invalid filter values are ignored, exactly as on the list page.
    queryset = filterset.qs
    if fmt in FORMATS and not jobs.in_worker(request):
        total = queryset.count()
        if total > settings.JOB_EXPORT_ROWS[fmt]:
            return jobs.download_later(request, f"{spec.name}.{fmt}", total=total)
    # The writers tell a running job how far they are (mapping_portal.jobs.progress; nothing otherwise).
    rows = spec.rows(queryset.iterator(chunk_size=2000))
    return export_rows(request, spec.name, spec.header, rows, fmt, personal_data=spec.personal_data, channel=channel)


def export_rows(request, name, header, rows, fmt, personal_data=False, channel="web"):
    """Rows computed by a page (a table of figures rather than a queryset), as a logged download."""
    if fmt not in FORMATS:
        raise Http404
    # As typed (so the log says what was asked), minus NUL characters, which PostgreSQL text cannot hold.
    filters = {
        key.replace("\x00", ""): [value.replace("\x00", "") for value in request.GET.getlist(key)]
        for key in request.GET
        # The page shown and the file format (its own column) are not filters.
        if key not in ("page", "format")
    }
    # Every export is logged (who, when, filters, rows); the ones with personal data are flagged.
    entry = ExportLog.objects.create(
        user=request.user if request.user.is_authenticated else None,
        export=name,
        format=fmt,
        filters=filters,
        personal_data=personal_data,
        channel=channel,
    )

    def on_complete(count):
        ExportLog.objects.filter(pk=entry.pk).update(rows=count)

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"{name}-{stamp}.{fmt}"
    if fmt == "csv":
        return csv_response(filename, header, rows, on_complete=on_complete)
    return xlsx_response(filename, header, rows, sheet_title=name, on_complete=on_complete)
