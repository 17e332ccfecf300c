"""Readable history of a record: who changed it, when, and which fields (django-simple-history)."""

from django.utils.translation import gettext_lazy as _

SKIPPED = {"id", "version", "updated_at", "created_at", "search_key", "sort_key"}
# django-simple-history has no Kyrgyz: the portal names its actions itself.
ACTIONS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}


def recent_changes(record, limit=20):
    """The last `limit` history entries of `record`, each with `.changed` — the labels of the fields
    that changed in it. One query, whatever the number of entries: consecutive entries are compared
    in memory, column by column (many-to-many links are not compared)."""
    entries = list(record.history.select_related("history_user")[: limit + 1])
    if not entries:
        return []
    tracked = {field.attname for field in entries[0]._meta.concrete_fields}
    columns = [
        (field.attname, str(field.verbose_name))
        for field in type(record)._meta.concrete_fields
        if field.attname in tracked and field.name not in SKIPPED
    ]
    for newer, older in zip(entries, entries[1:] + [None], strict=False):
        newer.action = ACTIONS.get(newer.history_type, newer.history_type)
        newer.changed = (
            []
            if older is None
            else [label for attname, label in columns if getattr(newer, attname) != getattr(older, attname)]
        )
    return entries[:limit]
