"""manage.py import_stakeholders PATH [--dry-run] [--kind organizations|people] [--user USERNAME]

The same import as the web pages — the same checks, the same chunks, one transaction for the commit — with
a readable report. Exits non-zero when the file is refused or any row has an error (nothing is written then).
Without --user it acts as `access.SYSTEM`: an administrator's scope (every site), no user recorded in the history.
"""

import os

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from mapping_portal import access
from mapping_portal.models import User
from stakeholders import importing
from stakeholders.models import ImportBatch, ImportRow


class Command(BaseCommand):
    help = "Import organizations or people from a CSV or XLSX file (dry run with --dry-run)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The CSV or XLSX file.")
        parser.add_argument("--dry-run", action="store_true", help="Check and report; write nothing.")
        parser.add_argument(
            "--kind", choices=ImportBatch.Kind.values, help="What the file holds (default: guessed from its columns)."
        )
        parser.add_argument("--user", help="Import as this user (their sites; recorded in the history).")

    def handle(self, *args, path, dry_run, kind, user, **options):
        translation.activate("en")
        self.verbose = options["verbosity"] > 1
        importer = None  # without --user: access.SYSTEM's scope (every site), nobody recorded in the history
        if user:
            importer = User.objects.filter(username=user, is_active=True).first()
            if importer is None:
                raise CommandError(f"No active user {user!r}.")
            if not access.can_import_records(importer):
                raise CommandError(f"{user} may not import records (admins and staff only).")
        try:
            stream = open(path, "rb")  # noqa: SIM115 - closed below
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        batch = None
        try:
            upload = File(stream, name=os.path.basename(path))
            kind = kind or self.guess_kind(upload)
            if kind == ImportBatch.Kind.PEOPLE and not access.can_view_personal_data(importer or access.SYSTEM):
                raise CommandError(f"{user} may not import people.")
            try:
                batch = importing.start_import(upload, kind, importer)
            except importing.ImportFileError as error:
                raise CommandError(f"The file is refused: {error.message}") from error
        finally:
            stream.close()
        try:
            batch = importing.analyse_all(batch)
            self.report(batch)
            if batch.status == ImportBatch.Status.FAILED:
                raise CommandError(f"The file is refused: {batch.message}")
            if batch.error_count:
                raise CommandError(f"{batch.error_count} rows have errors: nothing was imported.")
            if dry_run:
                self.stdout.write("Dry run: nothing was written.")
                return
            try:
                batch = importing.commit(batch.pk, importer)
            except importing.ImportRefused as refusal:
                raise CommandError(refusal.message) from refusal
            self.stdout.write(
                self.style.SUCCESS(
                    f"Imported (batch #{batch.pk}): {batch.create_count} created, {batch.update_count} updated, "
                    f"{batch.unchanged_count} unchanged."
                )
            )
        finally:
            if batch is not None and (dry_run or batch.status != ImportBatch.Status.COMMITTED):
                # A dry run or a refused file leaves nothing behind: no batch, no stored file.
                importing.discard(batch)

    def guess_kind(self, upload):
        try:
            info = importing.inspect_file(upload, upload.size)
            for _number, cells in importing.iter_rows(upload, info):
                if any(importing.clean_text(cell) for cell in cells):
                    people, _ignored = importing.match_header(ImportBatch.Kind.PEOPLE, cells)
                    return ImportBatch.Kind.PEOPLE if "full_name" in people.values() else ImportBatch.Kind.ORGANIZATIONS
        except importing.ImportFileError as error:
            raise CommandError(f"The file is refused: {error.message}") from error
        return ImportBatch.Kind.ORGANIZATIONS

    def report(self, batch):
        write = self.stdout.write
        write(f"{batch.original_name}: {batch.get_kind_display()}, {batch.row_count} rows")
        for column in batch.ignored_columns:
            write(f"  column {column['column']} ignored: {column['reason']}")
        write(
            f"  new: {batch.create_count}  updates: {batch.update_count}  unchanged: {batch.unchanged_count}  "
            f"errors: {batch.error_count}  possible duplicates: {batch.duplicate_count}"
        )
        verbose = self.verbose
        rows = batch.rows.order_by("number")
        if not verbose:
            rows = rows.exclude(action__in=[ImportRow.Action.CREATE, ImportRow.Action.UNCHANGED], has_matches=False)
        for row in rows.iterator(chunk_size=importing.limits.CHUNK_ROWS):
            if row.action == ImportRow.Action.UNCHANGED and not verbose:
                continue
            write(f"  row {row.number}: {row.get_action_display()} — {row.label}")
            for error in row.errors:
                where = f"column {error['column']}: " if error["column"] else ""
                write(self.style.ERROR(f"    error: {where}{error['message']}"))
            for name, (old, new) in row.changes.items():
                write(f"    {name}: {old or '—'} → {new}")
            for match in row.matches:
                if "row" in match:
                    write(self.style.WARNING(f"    same as row {match['row']} of the file"))
                elif "id" in match:
                    write(self.style.WARNING(f"    possible duplicate of #{match['id']} {match['name']}"))
                else:
                    write(f"    {match.get('note', '')}")
