"""Check: each row as the record it would make — required cells, consent, memberships within the importer's
scope, the model's own checks — and so what it would do: create, update, leave unchanged, or nothing (an error)."""

import copy

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from stakeholders.importing.columns import COLUMNS
from stakeholders.importing.diff import Differ
from stakeholders.importing.step import Step
from stakeholders.models import ImportBatch, ImportRow


class RowCheck:
    def __init__(self, step: Step):
        self.step = step
        self.kind = step.kind
        self.differ = Differ(step.refs)

    def validate(self, row):
        row.label = self.step.label_of(row)[:300]
        existing = row.target
        if existing is None:
            for column in COLUMNS[self.kind]:
                if column.required and column.name not in row.values and not self._reported(row, column.name):
                    row.errors.append(
                        {"column": self.step.column_name(column.name), "message": _("This cell is empty.")}
                    )
            if self.kind == ImportBatch.Kind.PEOPLE and "consent_date" not in row.values:
                row.errors.append(
                    {
                        "column": self.step.column_name("consent_date"),
                        "message": _("Record when the person gave consent to their data being kept."),
                    }
                )
            elif self.kind == ImportBatch.Kind.PEOPLE and "consent_purpose" not in row.values:
                row.errors.append(
                    {
                        "column": self.step.column_name("consent_purpose"),
                        "message": _("Say what the person consented to."),
                    }
                )
        if self.kind == ImportBatch.Kind.PEOPLE and row.values.get("memberships"):
            self.check_memberships(row)
        instance = self.build(row)
        if instance is not None:
            self.full_check(row, instance)
        if row.errors:
            row.action = ImportRow.Action.ERROR
        elif existing is None:
            row.action = ImportRow.Action.CREATE
        else:
            row.changes = self.differ.diff(existing, row.values)
            row.action = ImportRow.Action.UPDATE if row.changes else ImportRow.Action.UNCHANGED
        if row.target is not None and row.site is None:
            row.site = self.step.refs.site_by_id.get(row.target.site_id)

    def _reported(self, row, name):
        letter_name = f"“{name}”"
        return any(error["column"].endswith(letter_name) for error in row.errors)

    def check_memberships(self, row):
        wanted = {pk for pk, _role in row.values["memberships"]}
        known = self.step.organizations_in_scope(wanted)
        missing = sorted(wanted - known)
        if missing:
            row.errors.append(
                {
                    "column": self.step.column_name("memberships"),
                    "message": _("No organization with id %(ids)s in your sites.")
                    % {"ids": ", ".join(map(str, missing))},
                }
            )

    EXCLUDE_FROM_CLEAN = {
        "type",
        "site",
        "settlement",
        "created_by",
        "consent_recorded_by",
        "merged_into",
        "logo",
        "logo_thumbnail",
        "search_key",
        "name_key",
        "sort_key",
        "id",
        "version",
    }

    def build(self, row):
        """The record as it would be after the import (not saved), to run the model's own checks."""
        if row.target is not None:
            instance = copy.copy(row.target)
            # Its own state, so that setting references here leaves the record itself untouched.
            instance._state = copy.copy(row.target._state)
            instance._state.fields_cache = dict(row.target._state.fields_cache)
        else:
            instance = self.step.model()
        for name, value in row.values.items():
            if name in ("id", "memberships", "thematic_areas", "target_groups"):
                continue
            setattr(instance, name, value)
        if row.target is not None:
            # References the row leaves blank keep their current value; give clean() the cached objects.
            for name, lookup in (("site", self.step.refs.site_by_id), ("settlement", self.step.refs.settlement_by_id)):
                if name not in row.values:
                    current = getattr(row.target, f"{name}_id")
                    if current is not None:
                        setattr(instance, name, lookup.get(current))
        return instance

    def full_check(self, row, instance):
        exclude = set(self.EXCLUDE_FROM_CLEAN)
        errors = {}
        try:
            instance.clean_fields(exclude=exclude)
        except ValidationError as error:
            errors.update(error.message_dict)
        if not errors:
            try:
                instance.clean()
            except ValidationError as error:
                errors.update(error.message_dict)
        for name, messages in errors.items():
            if name != "__all__" and self._reported(row, name):
                continue  # the cell's own message says it already
            column = "" if name == "__all__" else self.step.column_name(name)
            for message in messages:
                if not any(e["message"] == message for e in row.errors):
                    row.errors.append({"column": column, "message": message})
