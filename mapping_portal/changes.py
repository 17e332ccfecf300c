"""The audit pages: recent changes across every kind of record (admins), and one record's whole history with its
own rows (an assessment and its scores, a review and its scores, an award and its tranches — the models'
`history_rows()`; admins and staff).

Each kind of record is named once, as a `hooks.AuditedKind` (its model, where its entries link to, how its
records' names are read, which records a user may see): the apps register theirs in their hooks.py
(`hooks.audited`), the core's own are CORE_KINDS. The list reads every kind's history table in one
UNION query (a page of entries), then the entries of the page, kind by kind: the query count grows with the kinds
on the page, never with the entries."""

import django_filters
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q, Subquery, Value
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from mapping_portal import access, hooks
from mapping_portal.forms import PortalDateFilter, style_filter_form
from mapping_portal.history import describe, recent_changes, tracked_fields, with_previous
from mapping_portal.listing import PAGE_SIZE, _query_without
from mapping_portal.models import User
from mapping_portal.results.models import Indicator, Programme, Target

RECORD_LIMIT = 50


# The core's own kinds; the apps register theirs in their hooks.py (hooks.audited).
CORE_KINDS = {
    "programme": hooks.AuditedKind(Programme, lambda entry: reverse("results:index")),
    "indicator": hooks.AuditedKind(Indicator, hooks.link_to("results:indicator", "id")),
    "target": hooks.AuditedKind(Target, hooks.link_to("results:indicator", "indicator_id"), ("indicator", "site")),
    "user": hooks.AuditedKind(
        User, lambda entry: reverse("admin:mapping_portal_user_change", args=[entry.id]), quiet=True
    ),
}


def kinds() -> dict:
    """Every audited kind by name: the apps' (in the order they registered), then the core's."""
    return {**{key: hooks.audited.get(key) for key in hooks.audited.keys()}, **CORE_KINDS}


def kind_choices():
    return [(key, capfirst(kind.model._meta.verbose_name_plural)) for key, kind in kinds().items()]


class ChangeFilterSet(django_filters.FilterSet):
    """Filters of the recent changes: applied to each kind's history table (they share these columns)."""

    kind = django_filters.ChoiceFilter(
        label=_("Kind of record"), choices=kind_choices, method="keep", empty_label=_("All kinds of record")
    )
    user = django_filters.ModelChoiceFilter(
        label=_("Changed by"),
        field_name="history_user",
        queryset=User.objects.order_by("username"),
        empty_label=_("Anyone"),
    )
    since = PortalDateFilter(label=_("From"), field_name="history_date", lookup_expr="date__gte")
    until = PortalDateFilter(label=_("To"), field_name="history_date", lookup_expr="date__lte")

    def keep(self, queryset, name, value):
        """The kind picks which history tables are read (see `kinds`), not rows within one."""
        return queryset

    def kinds(self) -> list[str]:
        """The kinds of record to read: the one chosen, or all (a kind not understood is reported and ignored, and
        the other filters still apply)."""
        chosen = self._valid().get("kind")
        return [chosen] if chosen else list(kinds())

    def _valid(self) -> dict:
        """The filter values understood; the others are left out (the form reports them)."""
        if not self.is_bound:
            return {}
        self.form.is_valid()
        return {name: value for name, value in self.form.cleaned_data.items() if value not in (None, "")}

    def filter_history(self, history):
        """`history` (one kind's historical queryset) with the valid filters applied; invalid ones are ignored."""
        for name, value in self._valid().items():
            history = self.filters[name].filter(history, value)
        return history


DATE_PLACEHOLDER = {"placeholder": "dd.mm.yyyy"}


@login_required
def change_list(request):
    """Recent changes across records, newest first: admins only (everyone else: 404)."""
    if not access.can_view_all_changes(request.user):
        raise Http404
    filterset = ChangeFilterSet(request.GET or None, queryset=User.history.none())
    style_filter_form(filterset.form)
    for name in ("since", "until"):
        filterset.form.fields[name].widget.attrs.update(DATE_PLACEHOLDER)
    audited = kinds()
    tables = [
        _history_of(audited[key], filterset)
        .annotate(record_kind=Value(key))
        .values("record_kind", "history_id", "history_date")
        .order_by()
        for key in filterset.kinds()
    ]
    union = tables[0].union(*tables[1:], all=True).order_by("-history_date", "-history_id")
    paginator = Paginator(union, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    page.query_without_page = _query_without(request, "page")
    entries = _entries_of(list(page.object_list))
    return render(request, "mapping_portal/change_list.html", {"filter": filterset, "page": page, "entries": entries})


def _history_of(kind, filterset):
    """One kind's history, filtered; for a quiet kind without the changes identical to the one before."""
    history = filterset.filter_history(kind.model.history.all())
    if not kind.quiet:
        return history
    model = history.model
    before = (
        model.objects.filter(id=OuterRef(OuterRef("id")), history_id__lt=OuterRef(OuterRef("history_id")))
        .order_by("-history_id")
        .values("history_id")[:1]
    )
    same = {field.attname: OuterRef(field.attname) for field in tracked_fields(kind.model)}
    repeated = Exists(model.objects.filter(history_id=Subquery(before), **same))
    return history.exclude(Q(history_type="~") & repeated)


def _entries_of(rows) -> list:
    """The entries of a page of (kind, history_id) rows, each described (diffs) and with its record's name and link:
    per kind on the page, the entries with their previous versions (2 queries), the records' names (1) and the
    names of linked records that changed (1 per kind of linked record)."""
    wanted = {}
    for row in rows:
        wanted.setdefault(row["record_kind"], []).append(row["history_id"])
    found, audited = {}, kinds()
    for key, ids in wanted.items():
        kind = audited[key]
        pairs = with_previous(kind.model.history.filter(history_id__in=ids))
        describe(kind.model, pairs)
        records = kind.model._default_manager.select_related(*kind.names).in_bulk({e.id for e, _p in pairs})
        for entry, _previous in pairs:
            entry.kind_label = kind.model._meta.verbose_name
            record = records.get(entry.id)
            entry.record_name = _name(kind, record, entry)
            entry.link = kind.link(entry) if record is not None else None
            found[(key, entry.history_id)] = entry
    return [
        found[(row["record_kind"], row["history_id"])]
        for row in rows
        if (row["record_kind"], row["history_id"]) in found
    ]


def _name(kind, record, entry) -> str:
    """The record's name; a record deleted since: its name as the entry kept it, when that needs no other record."""
    if record is not None:
        return str(record)
    return f"{entry.instance} (#{entry.id})" if not kind.names else f"#{entry.id}"


def _page_of(spec, record) -> str:
    """The page the record's history leads back to: its own (or its parent's), or the one its kind names."""
    return (spec.page or spec.link)(record)


@login_required
def record_history(request, kind, pk):
    """One record's whole history (its last RECORD_LIMIT changes, its own rows' included): admins and staff, for
    the records they may see — any other record, kind or role: 404."""
    spec = kinds().get(kind)
    if not access.can_view_history(request.user) or spec is None or spec.scope is None:
        raise Http404
    record = get_object_or_404(spec.scope(request.user), pk=pk)
    history = recent_changes(record, limit=RECORD_LIMIT)
    return render(
        request,
        "mapping_portal/record_history.html",
        {"record": record, "kind": spec.model._meta.verbose_name, "history": history, "back": _page_of(spec, record)},
    )
