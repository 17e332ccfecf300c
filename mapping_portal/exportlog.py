"""The export log page (DESIGN.md §6): who exported what, when, with which filters, how many rows, and whether the
file held personal data — for administrators, in the portal; everyone else gets a 404. The log itself is written by
mapping_portal.listing (web) and `manage.py export` (command line)."""

import django_filters
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from mapping_portal import access
from mapping_portal.forms import PortalDateFilter
from mapping_portal.listing import filtered_page
from mapping_portal.models import ExportLog, User

YES_NO = [("", _("Any")), ("true", _("yes")), ("false", _("no"))]
# Not filters of the list exported (the page shown, the file format): left out of the filters shown.
NOT_FILTERS = {"page", "format"}


def _export_names():
    # Looked up when the form is built (one query), so that a new export's name appears without a restart.
    return [(name, name) for name in ExportLog.objects.order_by("export").values_list("export", flat=True).distinct()]


class ExportLogFilterSet(django_filters.FilterSet):
    user = django_filters.ModelChoiceFilter(
        label=_("User"),
        queryset=User.objects.order_by("username"),
        to_field_name="username",
        empty_label=_("Anyone"),
    )
    export = django_filters.ChoiceFilter(label=_("Export"), choices=_export_names, empty_label=_("Any"))
    personal_data = django_filters.TypedChoiceFilter(
        label=_("Personal data"),
        choices=YES_NO,
        coerce=lambda value: value == "true",
        empty_value=None,
    )
    date_from = PortalDateFilter(label=_("From"), field_name="created_at", lookup_expr="date__gte")
    date_to = PortalDateFilter(label=_("To"), field_name="created_at", lookup_expr="date__lte")

    class Meta:
        model = ExportLog
        fields = []


def readable_filters(filters: dict) -> list[tuple[str, str]]:
    """The filters of a logged export as (name, values) pairs to show: the empty ones and those that are not
    filters left out, several values of one name joined."""
    shown = []
    for name, values in (filters or {}).items():
        if name in NOT_FILTERS:
            continue
        values = [str(value) for value in (values if isinstance(values, list) else [values]) if str(value).strip()]
        if values:
            shown.append((name, ", ".join(values)))
    return shown


def export_log(request):
    """The log, newest first, 25 to a page, filtered by user, export, personal data and dates; three queries for
    the page whatever the size of the log (the users and export names of the filter, the count, the page)."""
    if not access.can_view_export_log(request.user):
        raise Http404
    entries = ExportLog.objects.select_related("user").order_by("-created_at", "-pk")
    filterset, page = filtered_page(request, ExportLogFilterSet, entries)
    page.object_list = list(page.object_list)
    for entry in page.object_list:
        entry.shown_filters = readable_filters(entry.filters)
    return render(request, "mapping_portal/export_log.html", {"filter": filterset, "page": page})
