"""The life of an import (`ImportBatch`), as the pages and the command drive it: open a batch for a checked file,
analyse it a chunk at a time, start again, discard it, and purge the ones left unfinished. The commit is in
`commit`."""

import contextlib
from datetime import timedelta

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from stakeholders.importing import limits
from stakeholders.importing.analysis import Analysis
from stakeholders.importing.columns import match_header, missing_columns
from stakeholders.importing.files import FileInfo, ImportFileError, inspect_file
from stakeholders.importing.readers import declared_rows, iter_rows
from stakeholders.importing.values import clean_text
from stakeholders.models import ImportBatch, ImportRow, Membership, Organization, Person


def registry_stamp(kind) -> str:
    """A fingerprint of the records an import of this kind reads and writes: any save changes it."""
    stamps = []
    models_read = [Organization] if kind == ImportBatch.Kind.ORGANIZATIONS else [Person, Organization]
    for model in models_read:
        figures = model.objects.aggregate(n=Count("pk"), last=Max("updated_at"), top=Max("pk"))
        stamps.append(f"{figures['n']}/{figures['top']}/{figures['last'].isoformat() if figures['last'] else ''}")
    if kind == ImportBatch.Kind.PEOPLE:
        figures = Membership.objects.aggregate(n=Count("pk"), top=Max("pk"))
        stamps.append(f"{figures['n']}/{figures['top']}")
    return "|".join(stamps)


def _is_blank(cells) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def start_import(uploaded, kind: str, user, name: str | None = None) -> ImportBatch:
    """Check an uploaded file and open a batch for it; raises ImportFileError (nothing kept) when the
    file cannot be imported at all. `uploaded` is a Django File (an upload, or a file from disk)."""
    name = name or uploaded.name or "import"
    size = uploaded.size
    info = inspect_file(uploaded, size)
    if info.format == "xlsx":
        declared = declared_rows(uploaded)
        if declared and declared > limits.MAX_ROWS + 1000:
            # Only a hint: the count that matters is made while reading (blank rows left out).
            raise ImportFileError(_too_many_rows())
        expected = max((declared or 1) - 1, 0)
    else:
        # Counting the records of a CSV is quick (no cell is parsed): a file that is too long is refused now.
        expected = max(sum(1 for _number, cells in iter_rows(uploaded, info) if any(cells)) - 1, 0)
        if expected > limits.MAX_ROWS:
            raise ImportFileError(_too_many_rows())
    header = None
    for _number, cells in iter_rows(uploaded, info):
        if not _is_blank(cells):
            header = [clean_text(cell) for cell in cells]
            break
    if header is None:
        raise ImportFileError(_("The file is empty: it has no header row and no data."))
    columns, ignored = match_header(kind, header)
    missing = missing_columns(kind, columns)
    if missing:
        raise ImportFileError(
            _(
                "Required columns are missing: %(columns)s. Use the template, or name the columns as in the export "
                "(field codes) or as in the form."
            )
            % {"columns": ", ".join(missing)}
        )
    extension = "xlsx" if info.format == "xlsx" else "csv"
    uploaded.seek(0)
    batch = ImportBatch(
        kind=kind,
        original_name=name[:255],
        file_format=info.format,
        file_size=size,
        encoding=info.encoding,
        delimiter=info.delimiter,
        columns={str(index): field_name for index, field_name in columns.items()},
        header=header,
        ignored_columns=ignored,
        expected_rows=expected,
        created_by=user,
        registry_stamp=registry_stamp(kind),
    )
    # A random name in a private folder: never served (mapping_portal.media serves registered folders only).
    stored = default_storage.save(f"imports/{get_random_string(24)}.{extension}", File(uploaded))
    batch.file.name = stored
    batch.save()
    return batch


def _too_many_rows():
    return _("The file has more than %(limit)s rows. Split it into files of at most %(limit)s rows.") % {
        "limit": f"{limits.MAX_ROWS:,}".replace(",", " ")
    }


def advance(batch_id: int, max_rows: int | None = None, to_the_end: bool = False) -> ImportBatch:
    """Analyse the next `max_rows` rows of a batch (default: one chunk; `to_the_end`: all that are left)
    and stage them.

    Takes the batch's row lock without waiting: if another request is already working on it, this
    one returns at once with the batch as it is. Safe to call from any app server, any number of times.
    """
    with transaction.atomic():
        batch = (
            ImportBatch.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("created_by")
            .filter(pk=batch_id, status=ImportBatch.Status.ANALYSING)
            .first()
        )
        if batch is None:
            return ImportBatch.objects.get(pk=batch_id)
        try:
            _advance(batch, None if to_the_end else (max_rows or limits.CHUNK_ROWS))
        except ImportFileError as error:
            batch.rows.all().delete()
            batch.status = ImportBatch.Status.FAILED
            batch.message = error.message
            _zero_counts(batch)
            _forget_file(batch)
            batch.save()
    return batch


def _forget_file(batch):
    """A refused file is of no more use: it goes (it may hold personal data), once the refusal is saved."""
    name = batch.file.name
    batch.file = ""
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


def _zero_counts(batch):
    batch.row_count = batch.create_count = batch.update_count = batch.unchanged_count = 0
    batch.error_count = batch.duplicate_count = 0


def _advance(batch, max_rows):
    analysis = Analysis(batch)
    info = FileInfo(batch.file_format, batch.encoding, batch.delimiter)
    pending: list[tuple[int, list]] = []
    read_any = False
    finished = True
    with default_storage.open(batch.file.name, "rb") as stream:
        header_seen = batch.position > 0
        taken = 0
        rows = iter_rows(stream, info, start=batch.position)
        try:
            for number, cells in rows:
                read_any = True
                if not header_seen:
                    header_seen = not _is_blank(cells)
                    batch.position = number
                    continue
                if _is_blank(cells):
                    batch.position = number
                    continue
                if batch.row_count + len(pending) >= limits.MAX_ROWS:
                    raise ImportFileError(_too_many_rows())
                pending.append((number, cells))
                batch.position = number
                taken += 1
                if len(pending) >= limits.CHUNK_ROWS:
                    _stage(analysis, batch, pending)
                    pending = []
                if max_rows is not None and taken >= max_rows:
                    finished = False
                    break
        finally:
            rows.close()
    if pending:
        _stage(analysis, batch, pending)
    if finished or not read_any:
        _finish(batch)
    else:
        batch.save()


def _stage(analysis, batch, pending):
    parsed = analysis.process(pending)
    ImportRow.objects.bulk_create(analysis.stage(parsed))
    batch.row_count += len(parsed)
    for row in parsed:
        if row.action == ImportRow.Action.CREATE:
            batch.create_count += 1
        elif row.action == ImportRow.Action.UPDATE:
            batch.update_count += 1
        elif row.action == ImportRow.Action.UNCHANGED:
            batch.unchanged_count += 1
        else:
            batch.error_count += 1
        if any("id" in match or "row" in match for match in row.matches):
            batch.duplicate_count += 1


def _finish(batch):
    if batch.row_count == 0:
        batch.status = ImportBatch.Status.FAILED
        batch.message = _("The file has a header row but no data rows.")
        _forget_file(batch)
    else:
        batch.status = ImportBatch.Status.READY
    batch.save()


def analyse_all(batch: ImportBatch) -> ImportBatch:
    """The whole analysis in one go (the command): the same steps, one after the other."""
    while batch.status == ImportBatch.Status.ANALYSING:
        batch = advance(batch.pk, to_the_end=True)
    return batch


def restart(batch: ImportBatch) -> ImportBatch:
    """Analyse again from the start (after the registry changed since the preview)."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status in (ImportBatch.Status.COMMITTED, ImportBatch.Status.FAILED):
            return batch
        batch.rows.all().delete()
        batch.status = ImportBatch.Status.ANALYSING
        batch.position = 0
        batch.message = ""
        _zero_counts(batch)
        batch.registry_stamp = registry_stamp(batch.kind)
        batch.save()
    return batch


def discard(batch: ImportBatch):
    """Remove a batch that will not be imported, and its file."""
    name = batch.file.name
    batch.delete()
    delete_file(name)


def purge_unfinished(now=None) -> int:
    """Discard the imports left unfinished (checked, previewed or refused, never imported) for more than
    settings.IMPORT_RETENTION_DAYS: their files and staged rows hold personal data nobody is going to use.
    Run on every upload and by `manage.py purge_imports` (cron). Returns how many were discarded."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.IMPORT_RETENTION_DAYS)
    stale = ImportBatch.objects.exclude(status=ImportBatch.Status.COMMITTED).filter(created_at__lt=cutoff)
    purged = 0
    for batch in stale.only("id", "file"):
        discard(batch)
        purged += 1
    return purged


def delete_file(name):
    if name:
        with contextlib.suppress(OSError):
            default_storage.delete(name)
