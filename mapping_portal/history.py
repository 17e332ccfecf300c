"""Readable history of a record: who changed it, when, and which fields from what to what (django-simple-history).

Every entry gets `.action` (created, changed, deleted), `.changed` (the labels of the fields that changed) and
`.diffs` (one `FieldChange` per field: its verbose name, the old and the new value, readable — a choice's label,
a linked record's name, dates dd.mm.yyyy). The comparison is simple-history's `diff_against`, in memory; the
names of linked records are read in one query per kind of record that changed, never one per entry.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from simple_history.models import ModelChange

from mapping_portal.text import format_amount

SKIPPED = {"id", "version", "updated_at", "created_at", "search_key", "sort_key", "name_key"}
# django-simple-history has no Kyrgyz: the portal names its actions itself.
ACTIONS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
EMPTY = "—"
TEXT_LENGTH = 160


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


def tracked_fields(model) -> list:
    """The fields of `model` whose changes the history shows, in the model's order (many-to-many links aside)."""
    historical = model.history.model
    tracked = {field.attname for field in historical._meta.concrete_fields}
    return [
        field
        for field in model._meta.concrete_fields
        if field.attname in tracked and field.name not in SKIPPED and _named(field)
    ]


def _named(field) -> bool:
    """A field the forms edit, or one the portal sets itself that was given a (translated) name: bookkeeping
    without one (who finalized, who planned) would show Django's English guess from the column's name."""
    return field.editable or field._verbose_name is not None


def recent_changes(record, limit=20, children=None):
    """The last `limit` history entries of `record`, newest first, each with `.action`, `.changed` and `.diffs`.

    `children` adds the history of the record's own rows (an assessment's scores, an award's tranches): tuples of
    (model, name of its foreign key to the record, the field that says which row it is) — by default the model's
    `history_rows()`, if it has one; their entries also have `.subject`. Queries: one for the record, two per child
    model (the entries, then the versions they are compared with) and one per kind of linked record whose name is
    shown — never one per entry."""
    entries = list(record.history.select_related("history_user")[: limit + 1])
    pairs = list(zip(entries, entries[1:] + [None], strict=False))[:limit]
    describe(type(record), pairs)
    if children is None:
        children = record.history_rows() if hasattr(record, "history_rows") else ()
    for model, parent, subject in children:
        child_pairs = with_previous(model.history.filter(**{f"{parent}_id": record.pk}), limit)
        describe(model, child_pairs)
        name_subjects(model, subject, [entry for entry, _previous in child_pairs])
        pairs.extend(child_pairs)
    pairs.sort(key=lambda pair: (pair[0].history_date, pair[0].history_id), reverse=True)
    return [entry for entry, _previous in pairs[:limit]]


def with_previous(history, limit=None) -> list:
    """(entry, the version before it or None) for the entries of a historical queryset (newest first, `limit` of
    them): two queries, whatever the number of entries or of records they belong to."""
    model = history.model
    before = (
        model.objects.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id"))
        .order_by("-history_id")
        .values("history_id")[:1]
    )
    entries = history.annotate(previous_id=Subquery(before)).select_related("history_user")
    entries = list(entries[:limit] if limit else entries)
    previous = model.objects.in_bulk([entry.previous_id for entry in entries if entry.previous_id])
    return [(entry, previous.get(entry.previous_id)) for entry in entries]


def describe(model, pairs):
    """Set `.action`, `.diffs` and `.changed` on each entry of `pairs` ((entry, older version or None)), all of
    `model`'s history."""
    fields = tracked_fields(model)
    names = [field.name for field in fields]
    order = {name: index for index, name in enumerate(names)}
    by_name = {field.name: field for field in fields}
    raw = []
    for entry, older in pairs:
        entry.action = ACTIONS.get(entry.history_type, entry.history_type)
        changes = [] if older is None else _compare(entry, older, fields)
        raw.append((entry, sorted(changes, key=lambda change: order[change.field])))
    names_of = _linked_names(by_name, [change for _entry, changes in raw for change in changes])
    for entry, changes in raw:
        entry.diffs = [
            FieldChange(
                label=str(by_name[change.field].verbose_name),
                old=readable(by_name[change.field], change.old, names_of),
                new=readable(by_name[change.field], change.new, names_of),
            )
            for change in changes
        ]
        entry.changed = [diff.label for diff in entry.diffs]


def _compare(entry, older, fields) -> list:
    """simple-history's `diff_against` for the fields a form edits (it reads them with `model_to_dict`, which leaves
    out the others), and the same comparison for the fields the portal sets itself (who finalized, when consent was
    recorded …)."""
    editable = [field.name for field in fields if field.editable]
    changes = list(entry.diff_against(older, included_fields=editable).changes)
    for field in fields:
        if not field.editable:
            old, new = getattr(older, field.attname), getattr(entry, field.attname)
            if old != new:
                changes.append(ModelChange(field.name, old, new))
    return changes


def _linked_names(by_name, changes) -> dict:
    """{(model, pk): name} of the records the changed foreign keys point to — one query per model."""
    wanted = {}
    for change in changes:
        field = by_name[change.field]
        if field.is_relation:
            wanted.setdefault(field.related_model, set()).update(v for v in (change.old, change.new) if v is not None)
    names = {}
    for related, pks in wanted.items():
        for pk, obj in related._default_manager.in_bulk(pks).items():
            names[(related, pk)] = str(obj)
    return names


def readable(field, value, names_of=None) -> str:
    """A field's value as a person reads it: a choice's label, a linked record's name, yes/no, dd.mm.yyyy."""
    if value is None or value == "":
        return EMPTY
    if field.is_relation:
        return (names_of or {}).get((field.related_model, value), f"#{value}")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, datetime.datetime):
        return f"{timezone.localtime(value) if timezone.is_aware(value) else value:%d.%m.%Y %H:%M}"
    if isinstance(value, datetime.date):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, Decimal):
        money = isinstance(field, models.DecimalField) and field.decimal_places == 2
        return format_amount(value) if money else str(value)
    return Truncator(str(value)).chars(TEXT_LENGTH)


def name_subjects(model, subject, entries):
    """Set `.subject` on each entry: the kind of row and which one (the value of its field `subject`, a linked
    record's name read in one query)."""
    field = model._meta.get_field(subject)
    values = [getattr(entry, field.attname) for entry in entries]
    names_of = {}
    if field.is_relation:
        found = field.related_model._default_manager.in_bulk({v for v in values if v is not None})
        names_of = {(field.related_model, pk): str(obj) for pk, obj in found.items()}
    for entry, value in zip(entries, values, strict=True):
        entry.subject = f"{model._meta.verbose_name} {readable(field, value, names_of)}"
