"""The analysis of one step (a chunk of rows): parse, match, check and diff each row, then stage what it would
do as an ImportRow. One instance per step; the stages share the step's `Step`."""

from datetime import date

from django.db import models

from stakeholders.importing.check import RowCheck
from stakeholders.importing.match import Matcher
from stakeholders.importing.parse import RowParser
from stakeholders.importing.step import ParsedRow, Step
from stakeholders.models import ImportBatch, ImportRow


class Analysis:
    """Reads rows of one batch and stages what each would do."""

    def __init__(self, batch: ImportBatch):
        self.step = Step(batch)
        self.parser = RowParser(self.step)
        self.matcher = Matcher(self.step)
        self.check = RowCheck(self.step)

    def process(self, rows: list[tuple[int, list]]) -> list[ParsedRow]:
        parsed = [self.parser.parse(number, cells) for number, cells in rows]
        # Every organization the step's memberships name, in one query.
        self.step.organizations_in_scope({pk for row in parsed for pk, _role in row.values.get("memberships", [])})
        self.matcher.find_targets(parsed)
        self.matcher.check_repeats(parsed)
        for row in parsed:
            self.check.validate(row)
        self.matcher.find_similar(parsed)
        return parsed

    def stage(self, parsed) -> list[ImportRow]:
        return [
            ImportRow(
                batch=self.step.batch,
                number=row.number,
                action=row.action,
                label=row.label,
                data=self.serialise(row.values) if row.action != ImportRow.Action.ERROR else {},
                changes=row.changes,
                errors=row.errors,
                matches=row.matches,
                has_matches=any("id" in match or "row" in match for match in row.matches),
                key=row.key[:400],
                target_id=row.target.pk if row.target is not None else None,
            )
            for row in parsed
        ]

    @staticmethod
    def serialise(values) -> dict:
        data = {}
        for name, value in values.items():
            if isinstance(value, models.Model):
                value = value.pk
            elif isinstance(value, list) and value and isinstance(value[0], models.Model):
                value = [item.pk for item in value]
            elif isinstance(value, date):
                value = value.isoformat()
            data[name] = value
        return data


# Records of the given sites that have one of the given keys among the words of their stored name key
