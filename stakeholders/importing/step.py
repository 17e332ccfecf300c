"""One step of an analysis (a chunk of rows): what its stages — parse, match, check, diff — share, and the row
they fill in turn."""

from dataclasses import dataclass, field

from mapping_portal import access
from stakeholders.importing.columns import COLUMNS, MODELS
from stakeholders.importing.files import column_letter
from stakeholders.importing.values import References
from stakeholders.models import ImportBatch, Organization


def importer_of(batch):
    """Who an import acts as: its uploader; a batch without one was started by `manage.py import_stakeholders`
    run without --user, which acts as `access.SYSTEM` (an administrator's scope, nobody in the history)."""
    return batch.created_by or access.SYSTEM


@dataclass
class ParsedRow:
    number: int
    values: dict = field(default_factory=dict)  # field → Python value (model instances for references)
    errors: list = field(default_factory=list)
    action: str = ""
    target: object = None
    changes: dict = field(default_factory=dict)
    matches: list = field(default_factory=list)
    key: str = ""
    label: str = ""
    site: object = None
    keys: list | None = None


class Step:
    """The batch, who it acts as and the records they may match and change (their scope, through
    `for_user`), the reference tables, and which column of the file is which field. One per step."""

    def __init__(self, batch: ImportBatch):
        self.batch = batch
        self.kind = batch.kind
        self.user = importer_of(batch)
        self.refs = References(self.user)
        by_name = {column.name: column for column in COLUMNS[self.kind]}
        self.columns = {int(index): by_name[name] for index, name in batch.columns.items()}
        self.model = MODELS[self.kind]
        self._organization_ids: dict[int, bool] = {}

    def scoped(self, model):
        """Records the importer may match and change."""
        return model.objects.for_user(self.user)

    def organizations_in_scope(self, ids) -> set[int]:
        """Which of these organization ids the importer may link people to; remembered for the step, so that
        every membership of the step's rows costs one query."""
        cache = self._organization_ids
        unknown = {pk for pk in ids if pk not in cache}
        if unknown:
            found = set(self.scoped(Organization).filter(pk__in=unknown).values_list("pk", flat=True))
            for pk in unknown:
                cache[pk] = pk in found
        return {pk for pk in ids if cache.get(pk)}

    def index_of(self, name) -> int:
        for index, column in self.columns.items():
            if column.name == name:
                return index
        return 0

    def column_name(self, name) -> str:
        """How an error names a field's column: its letter and code, or the code alone when the file lacks it."""
        for index, column in self.columns.items():
            if column.name == name:
                return f"{column_letter(index)} “{name}”"
        return f"“{name}”"

    def cell_error(self, row, index, column, message):
        row.errors.append({"column": f"{column_letter(index)} “{column.name}”", "message": str(message)})

    def label_of(self, row) -> str:
        if self.kind == ImportBatch.Kind.ORGANIZATIONS:
            name = row.values.get("name_ky") or row.values.get("name_ru")
            return name or (row.target.name if row.target else "")
        return row.values.get("full_name") or (row.target.full_name if row.target else "")
