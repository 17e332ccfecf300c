"""manage.py export NAME --format csv|xlsx [--out PATH]: a whole list, from the server's command line.

Exports are those the apps register on `mapping_portal.hooks.exports` (in their `hooks.py`). The command line is
administrator-level access: every row is exported, and the export is logged like one from the web (channel "command").
"""

import sys

from django.core.management.base import BaseCommand, CommandError

from mapping_portal import hooks
from mapping_portal.exports import write_csv, write_xlsx
from mapping_portal.models import ExportLog


class Command(BaseCommand):
    help = "Export a list (e.g. organizations, people) as CSV or XLSX."

    def add_arguments(self, parser):
        parser.add_argument("name", choices=sorted(hooks.exports.keys()), help="Which list.")
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("--out", help="File to write (default: standard output for CSV, NAME.xlsx for XLSX).")

    def handle(self, *args, name, format, out, **options):
        spec = hooks.exports.get(name)()
        rows = spec.rows(spec.all_rows().iterator(chunk_size=2000))
        entry = ExportLog.objects.create(
            export=name, format=format, personal_data=spec.personal_data, channel="command"
        )
        try:
            if format == "csv" and not out:
                count = write_csv(sys.stdout, spec.header, rows)
            elif format == "csv":
                with open(out, "w", encoding="utf-8", newline="") as stream:
                    count = write_csv(stream, spec.header, rows)
            else:
                count = write_xlsx(out or f"{name}.xlsx", spec.header, rows, sheet_title=name)
        except OSError as error:
            raise CommandError(f"Cannot write {out}: {error}") from error
        entry.rows = count
        entry.save(update_fields=["rows"])
        if out or format == "xlsx":
            self.stderr.write(f"{count} rows written to {out or name + '.xlsx'}.")
