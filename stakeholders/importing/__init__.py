"""Import of organizations and people from a CSV or XLSX file (a KoboToolbox export, our own export, the
template), by stage:

- `files` checks a file before any of its data is read; `readers` streams its rows (CSV, XLSX);
- `columns` says which column is which field; `values` reads the cells;
- `analysis` runs one step of rows through `parse`, `match`, `check` and `diff` (sharing a `step.Step`);
- `batches` is the life of an import, `commit` applies it, `template` is the file to fill in; `limits` are the
  limits of all of them.

The life of an import (`ImportBatch`):

1. `start_import` checks the file (type, size, zip entries, password, header) before reading any data,
   stores it in the default storage (a private folder that is never served) and records what the
   registry looked like (`registry_stamp`).
2. `advance` reads the next chunk of rows, parses and checks each one, matches it against the registry
   (by `id` within the importer's scope, else by an exact name key in the same site) and against the
   earlier rows of the file, and stages the result (`ImportRow`). The progress page calls it once per
   poll and the command in a loop: any app server can take the next step, none holds state.
3. `commit` applies the staged rows in one transaction, or nothing: not if a row has an error, not if
   the registry changed since the analysis started (then the user analyses again).

Blank cells never erase anything: in a row that updates a record, a blank cell keeps the current value.
Memberships are only ever added. Re-importing a file therefore changes nothing the second time.

What the pages, the command and the tools use is named here; the rest is reached through its module.
"""

from stakeholders.importing import limits
from stakeholders.importing.batches import advance, analyse_all, discard, purge_unfinished, restart, start_import
from stakeholders.importing.columns import match_header
from stakeholders.importing.commit import ImportRefused, commit
from stakeholders.importing.files import ImportFileError, column_letter, inspect_file
from stakeholders.importing.readers import declared_rows, iter_rows
from stakeholders.importing.template import build_template
from stakeholders.importing.values import clean_text

__all__ = [
    "ImportFileError",
    "ImportRefused",
    "advance",
    "analyse_all",
    "build_template",
    "clean_text",
    "column_letter",
    "commit",
    "declared_rows",
    "discard",
    "inspect_file",
    "iter_rows",
    "limits",
    "match_header",
    "purge_unfinished",
    "restart",
    "start_import",
]
