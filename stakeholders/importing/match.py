"""Match: which record of the registry each row is — by its `id` within the importer's scope, else by the exact
key of its name in the same site —, which rows of the file are one record, and, for each new row, the records of
its site that look like it (the one "same record" rule of `stakeholders.duplicates`, asked once per step)."""

from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext as _

from mapping_portal.text import match_key
from stakeholders.duplicates import Wanted, name_key, similar_records
from stakeholders.importing.columns import RECORD_KINDS
from stakeholders.importing.step import Step
from stakeholders.models import ImportBatch, ImportRow

# Records of the given sites that have one of the given keys among the words of their stored name key
# (an organization's is its names' keys joined by spaces; a person's is one word). A plain scan of the
# sites' rows: one pass for a whole step, where a trigram-index lookup per key cost 0.7 ms each.
CANDIDATES_SQL = """
SELECT r.id FROM {table} r
WHERE r.merged_into_id IS NULL AND r.site_id = ANY(%s::bigint[])
  AND string_to_array(r.name_key, ' ') && %s::text[]
"""
SIMILAR_LIMIT = 3


class Matcher:
    def __init__(self, step: Step):
        self.step = step
        self.kind = step.kind

    def keys_of(self, row) -> list[str]:
        """The exact keys that identify the record within its site (worked out once per row)."""
        if row.keys is None:
            if self.kind == ImportBatch.Kind.ORGANIZATIONS:
                names = (name_key(row.values.get(n, "")) for n in ("name_ky", "name_ru"))
                row.keys = [key for key in dict.fromkeys(names) if key]
            else:
                name = match_key(row.values.get("full_name", ""))
                row.keys = [f"{name}#{row.values.get('birth_year') or ''}"] if name else []
        return row.keys

    def find_targets(self, parsed):
        scoped = self.step.scoped(self.step.model)
        if self.kind == ImportBatch.Kind.ORGANIZATIONS:
            scoped = scoped.prefetch_related("thematic_areas", "target_groups")
        else:
            scoped = scoped.prefetch_related("memberships")
        ids = {row.values["id"] for row in parsed if "id" in row.values}
        by_id = {obj.pk: obj for obj in scoped.filter(pk__in=ids)} if ids else {}
        # Candidates for the rows that did not match by id: the same key in the same site (one query for
        # the step's keys through the trigram index on name_key; the exact comparison is made below).
        sites, keys = [], []
        for row in parsed:
            if row.values.get("id") in by_id or row.site is None:
                continue
            for key in self.keys_of(row):
                sites.append(row.site.pk)
                keys.append(key.split("#")[0])
        candidates = []
        if keys:
            with connection.cursor() as cursor:
                cursor.execute(
                    CANDIDATES_SQL.format(table=self.step.model._meta.db_table), [sorted(set(sites)), sorted(set(keys))]
                )
                candidate_ids = [pk for (pk,) in cursor.fetchall()]
            candidates = list(scoped.filter(pk__in=candidate_ids)) if candidate_ids else []
        by_key: dict[tuple, list] = {}
        for obj in candidates:
            for key in self.record_keys(obj):
                by_key.setdefault((obj.site_id, key), []).append(obj)
        for row in parsed:
            found = by_id.get(row.values.get("id"))
            if found is not None:
                row.target = found
                continue
            if row.site is None:
                continue
            hits = {obj.pk: obj for key in self.keys_of(row) for obj in by_key.get((row.site.pk, key), [])}
            if len(hits) == 1:
                row.target = next(iter(hits.values()))
            elif len(hits) > 1:
                row.errors.append(
                    {
                        "column": "",
                        "message": _(
                            "This row matches more than one record (ids %(ids)s): add an “id” column to say which."
                        )
                        % {"ids": ", ".join(str(pk) for pk in sorted(hits))},
                    }
                )
            if "id" in row.values and row.target is None:
                row.matches.append({"note": _("id %(id)s not found in your sites") % {"id": row.values["id"]}})

    def record_keys(self, obj) -> list[str]:
        if self.kind == ImportBatch.Kind.ORGANIZATIONS:
            return [k for k in (name_key(obj.name_ky), name_key(obj.name_ru)) if k]
        return [f"{match_key(obj.full_name)}#{obj.birth_year or ''}"]

    def check_repeats(self, parsed):
        """Two rows of the file that are one record: the later one is an error (it would be created twice,
        or change the same record twice)."""
        keys = {}
        for row in parsed:
            site = row.site.pk if row.site is not None else (row.target.site_id if row.target else None)
            own = self.keys_of(row)
            row.key = f"{site}:{own[0]}" if own and site else ""
        first_rows = {}
        earlier = ImportRow.objects.filter(batch=self.step.batch).filter(
            Q(key__in=[row.key for row in parsed if row.key])
            | Q(target_id__in=[row.target.pk for row in parsed if row.target is not None])
        )
        for number, key, target_id in earlier.values_list("number", "key", "target_id"):
            if key:
                keys.setdefault(key, number)
            if target_id:
                first_rows.setdefault(target_id, number)
        for row in parsed:
            if row.target is not None:
                first = first_rows.setdefault(row.target.pk, row.number)
                if first != row.number:
                    row.errors.append(
                        {
                            "column": "",
                            "message": _("Row %(row)s already changes the same record (id %(id)s).")
                            % {"row": first, "id": row.target.pk},
                        }
                    )
                    row.matches.append({"row": first, "name": self.step.label_of(row)})
                continue
            if row.key:
                first = keys.setdefault(row.key, row.number)
                if first != row.number:
                    row.errors.append(
                        {
                            "column": "",
                            "message": _(
                                "Row %(row)s holds the same record (same name in the same site): "
                                "keep one of the two rows."
                            )
                            % {"row": first},
                        }
                    )
                    row.matches.append({"row": first, "name": self.step.label_of(row)})

    def find_similar(self, parsed):
        """Records of the registry like each new row of the step (`stakeholders.duplicates`, the rule of the
        typing hint and the duplicates page), in one query for the whole step (10,000 rows: 10,000 queries
        otherwise)."""
        rows = {row.number: row for row in parsed if row.action == ImportRow.Action.CREATE and row.site is not None}
        if self.kind == ImportBatch.Kind.ORGANIZATIONS:
            wanted = [
                Wanted(number, (row.values.get("name_ky", ""), row.values.get("name_ru", "")), site=row.site.pk)
                for number, row in rows.items()
            ]
        else:
            wanted = [
                Wanted(
                    number,
                    (row.values.get("full_name", ""),),
                    site=row.site.pk,
                    birth_year=row.values.get("birth_year"),
                )
                for number, row in rows.items()
            ]
        found = similar_records(RECORD_KINDS[self.kind], wanted, self.step.scoped(self.step.model), SIMILAR_LIMIT)
        for number, alike in found.items():
            for one in alike:
                if self.kind == ImportBatch.Kind.ORGANIZATIONS:
                    rows[number].matches.append({"id": one.pk, "name": one.name})
                else:
                    rows[number].matches.append(
                        {"id": one.pk, "name": f"{one.name} ({one.birth_year or '—'})", "person": True}
                    )
