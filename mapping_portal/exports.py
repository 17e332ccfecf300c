"""Writing rows out as CSV and XLSX files — streamed, in constant memory, safe to open in a spreadsheet.

Every list of the portal exports through here: the caller hands over a header and an iterable
of rows (typically built from a queryset's `.iterator()`), and gets back a response or writes a
file. Nothing here knows about models or access: who may export what, which columns leave the
server, and logging of personal-data exports are the caller's business (`on_complete` tells
it how many rows went out). A background job running the export is told how far it is
(`mapping_portal.jobs.progress`, which does nothing otherwise).

Spreadsheet formula injection: a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage
return (or their full-width forms, and also after leading spaces or invisible characters) could be
run as a formula by Excel or LibreOffice, so such strings get a leading apostrophe in both formats
(see `neutralise`). A tool that imports these files back should strip that apostrophe again.
"""

import contextlib
import csv
import io
import math
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, time
from decimal import Decimal

from django.conf import settings
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from mapping_portal.jobs import progress

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"

Value = str | int | float | bool | Decimal | date | datetime | time | None

# What a spreadsheet may read as the start of a formula (OWASP "CSV injection"): the signs, their
# full-width forms (an IME types ＝ for =) and small forms.
FORMULA_SIGNS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20\ufe66\ufe62\ufe63\ufe6b")
# Skipped before the sign: what a spreadsheet may trim or not show — spaces, control and format
# characters (zero-width space/joiners U+200B–U+200D, word joiner U+2060, BOM U+FEFF, bidi controls,
# soft hyphen), combining marks with nothing to combine with, and the invisible fillers below.
_SKIPPED_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf", "Mn", "Me"})
_INVISIBLE_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")
# Text is sent in chunks of about this many characters: one write per row would mean one
# socket write per row behind a WSGI server, and one chunk per file would not be streaming.
_CSV_CHUNK = 64 * 1024
# An XLSX built in memory moves to a temporary file on disk beyond this size.
_XLSX_SPOOL = 10 * 1024 * 1024
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_HEADER_FONT = Font(bold=True)
# Excel shows these formats as the portal does (dd.mm.yyyy); the cell stays a real date.
_DATE_FORMAT = "DD.MM.YYYY"
_DATETIME_FORMAT = "DD.MM.YYYY HH:MM"
# Values `neutralise` returns unchanged (so the XLSX path can skip it for them).
_PASSED_THROUGH = (int, float, Decimal, date, time)


def neutralise(value) -> Value:
    """One cell made safe for a spreadsheet: a string a spreadsheet would read as a formula gets
    a leading apostrophe; numbers, dates, booleans and None are returned as they are (a negative
    number is a number, not a formula). Lists and tuples become one "a; b" string first. Anything
    else (a lazy translation, a UUID, …) becomes its string.
    """
    if value is None or isinstance(value, int | float | Decimal | date | time):
        # bool is an int, datetime is a date.
        return value
    if isinstance(value, list | tuple):
        value = "; ".join(_item_text(item) for item in value if item is not None)
    else:
        # str() also turns str subclasses (TextChoices members, SafeString) into plain text.
        value = str(value)
    if looks_like_formula(value):
        return "'" + value
    return value


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet could read `text` as a formula: its first visible character is a formula
    sign (`FORMULA_SIGNS`), whatever spaces or invisible characters come before it."""
    first = text[:1]
    if not first or (first.isalnum() and first not in _INVISIBLE_LETTERS):  # most cells: decided on one character
        return False
    for character in text:
        if character in FORMULA_SIGNS:
            return True
        if character not in _INVISIBLE_LETTERS and unicodedata.category(character) not in _SKIPPED_CATEGORIES:
            return False
    return False


def _item_text(item) -> str:
    if isinstance(item, datetime):
        return _iso_datetime(item)
    if isinstance(item, date | time):
        return item.isoformat()
    return str(item)


# CSV -------------------------------------------------------------------------------------------


def _local_timezone():
    # Looked up once per export, not per cell (it is a context-local lookup), and when the export
    # is asked for: a streamed CSV is written after the view has returned, when middleware may
    # already have switched the user's timezone back.
    return timezone.get_current_timezone() if settings.USE_TZ else None


def _iso_datetime(value: datetime, tz=None) -> str:
    # With the UTC offset, so that the file says which moment it was; shown in local time.
    if settings.USE_TZ:
        tz = tz or timezone.get_current_timezone()
        value = value.replace(tzinfo=tz) if value.tzinfo is None else value.astimezone(tz)
    return value.isoformat()


def _csv_cell(value, tz=None):
    # The hot path: one call per cell, so the common types are tested first and by exact type.
    kind = type(value)
    if kind is str:
        return "'" + value if looks_like_formula(value) else value
    if value is None:
        return ""
    if kind is int or kind is float or kind is bool or kind is Decimal:
        return value
    if isinstance(value, datetime):
        return _iso_datetime(value, tz)
    if isinstance(value, date | time):
        return value.isoformat()
    return neutralise(value)


class _ChunkBuffer(io.StringIO):
    """The pseudo-file `csv.writer` writes into (the "Echo" pattern of Django's streaming CSV
    example), emptied into a chunk every `_CSV_CHUNK` characters instead of after every row.
    """

    def take(self) -> bytes:
        text = self.getvalue()
        self.seek(0)
        self.truncate()
        return text.encode("utf-8")


def _csv_chunks(header: Sequence, rows: Iterable[Sequence], on_complete: Callable[[int], None] | None, tz):
    buffer = _ChunkBuffer()
    writer = csv.writer(buffer)
    sent = 0
    try:
        # The byte order mark makes Excel read the file as UTF-8 (Cyrillic, ң ө ү) instead of
        # the Windows code page; other tools ignore it.
        buffer.write("\ufeff")
        writer.writerow([_csv_cell(label) for label in header])
        yield buffer.take()
        lines = _ready_lines(rows, tz)
        if lines is not None:
            for count, chunk in _line_chunks(lines):
                # Counted when handed to the server, as below.
                sent += count
                progress.advance(count)
                yield chunk
            return
        pending = 0
        for row in rows:
            writer.writerow([_csv_cell(value, tz) for value in row])
            pending += 1
            if buffer.tell() >= _CSV_CHUNK:
                chunk = buffer.take()
                # Counted when handed to the server: if the client goes away now, these left.
                sent += pending
                progress.advance(pending)
                pending = 0
                yield chunk
        chunk = buffer.take()
        sent += pending
        if chunk:
            yield chunk
    finally:
        # Also when the download is aborted or the rows fail part way: the caller's log must
        # say how many rows did leave. Not called if streaming never started (nothing left).
        if on_complete is not None:
            on_complete(sent)


def _ready_lines(rows, tz):
    # Rows that can write themselves as CSV lines (mapping_portal.sql_export.SqlRows: PostgreSQL's COPY, the same
    # text as `_csv_cell` and csv.writer would give), or None.
    csv_lines = getattr(rows, "csv_lines", None)
    return csv_lines(tz) if csv_lines is not None else None


def _line_chunks(lines: Iterable[bytes]):
    """(rows, chunk) pairs of about `_CSV_CHUNK` bytes of ready CSV lines."""
    chunk = bytearray()
    pending = 0
    for line in lines:
        chunk += line
        pending += 1
        if len(chunk) >= _CSV_CHUNK:
            yield pending, bytes(chunk)
            chunk.clear()
            pending = 0
    if chunk:
        yield pending, bytes(chunk)


def csv_response(
    filename: str,
    header: list[str],
    rows: Iterable[Sequence],
    on_complete: Callable[[int], None] | None = None,
) -> StreamingHttpResponse:
    """A CSV download streamed row by row: `rows` is consumed only while the response is sent,
    so memory stays constant whatever the size (pass a queryset's `.iterator()`, not a list).

    UTF-8 with a byte order mark; every cell through `neutralise`; dates as YYYY-MM-DD and
    datetimes as ISO 8601 with the UTC offset, so that a file can be read back by a program;
    None as an empty cell.

    `on_complete(rows_sent)` is called once, when the stream ends — at its end, or early if
    the client disconnects or `rows` raises (then with the rows sent so far).

    Constant memory needs a WSGI server (gunicorn): under ASGI, Django reads a synchronous
    iterator into a list before sending it.
    """
    response = StreamingHttpResponse(
        _csv_chunks(header, rows, on_complete, _local_timezone()), content_type=CSV_CONTENT_TYPE
    )
    response["Content-Disposition"] = content_disposition_header(True, filename)
    _no_caching(response)
    return response


def write_csv(stream, header: list[str], rows: Iterable[Sequence]) -> int:
    """The same CSV as `csv_response`, written into an open text stream; returns the number of
    data rows. Open a file with `encoding="utf-8", newline=""` (the BOM is written here).
    """
    tz = _local_timezone()
    writer = csv.writer(stream)
    stream.write("\ufeff")
    writer.writerow([_csv_cell(label) for label in header])
    count = 0
    lines = _ready_lines(rows, tz)
    if lines is not None:
        for written, chunk in _line_chunks(lines):
            stream.write(chunk.decode("utf-8"))
            count += written
        return count
    for row in rows:
        writer.writerow([_csv_cell(value, tz) for value in row])
        count += 1
    return count


# XLSX ------------------------------------------------------------------------------------------


def _sheet_title(title: str) -> str:
    # Excel refuses these characters and more than 31 characters, and a title that starts or
    # ends with an apostrophe.
    cleaned = _SHEET_TITLE_FORBIDDEN.sub("", str(title))[:31].strip("'").strip()
    return cleaned or "export"


def _text_cell(sheet, text: str, font: Font | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=text)
    # openpyxl infers the type from the value and would store "=…" as a formula and "#N/A"
    # as an error; an export only ever holds text.
    cell.data_type = "s"
    if font is not None:
        cell.font = font
    return cell


def _xlsx_cell(sheet, value, tz=None):
    if value is None:
        return None
    if not isinstance(value, _PASSED_THROUGH):
        value = neutralise(value)
    kind = type(value)
    if kind is str:
        if ILLEGAL_CHARACTERS_RE.search(value):
            # Control characters (e.g. a vertical tab pasted from Word) are not allowed in the
            # file format; openpyxl would refuse the whole export because of one cell.
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith("=") or value in ERROR_CODES:
            return _text_cell(sheet, value)
        # Any other string openpyxl already stores as text (inline), no cell object needed.
        return value
    if (kind is float and not math.isfinite(value)) or (kind is Decimal and not value.is_finite()):
        # Excel has no NaN or infinity; written as numbers they would corrupt the file.
        return str(value)
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            # Excel has no timezones: the moment as the clock showed it here.
            value = value.astimezone(tz or timezone.get_current_timezone()).replace(tzinfo=None)
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = _DATETIME_FORMAT
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = _DATE_FORMAT
        return cell
    if isinstance(value, time) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    return value


def _discard_spool(sheet):
    # A write-only sheet is spooled to a named temporary file that openpyxl deletes only when
    # the workbook is saved, or at interpreter exit. A failed export must not leave its rows
    # (possibly personal data) on the server's disk until the next restart. Private openpyxl
    # attributes, hence the caution.
    writer = getattr(sheet, "_writer", None)
    if writer is None:
        return
    # Best effort: the error that stopped the export is the one worth reporting.
    with contextlib.suppress(Exception):
        if getattr(sheet, "_rows", None) is not None:
            sheet._rows.close()
        writer.close()
    with contextlib.suppress(OSError, ValueError):
        writer.cleanup()


def write_xlsx(path_or_stream, header: list[str], rows: Iterable[Sequence], sheet_title: str = "export") -> int:
    """Rows written as an XLSX workbook of one sheet into a path or a binary stream, in constant
    memory (openpyxl write-only mode); returns the number of data rows.

    Bold, frozen header row; every cell through `neutralise` and stored as text, never as a
    formula; dates and datetimes as real Excel dates (datetimes in the current timezone, since
    Excel has none).
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(sheet_title))
    # Write-only sheets take view settings and column widths only before the first row.
    sheet.freeze_panes = "A2"
    for column, label in enumerate(header, 1):
        sheet.column_dimensions[get_column_letter(column)].width = min(max(len(str(label)) + 2, 10), 50)
    tz = _local_timezone()
    count = 0
    try:
        sheet.append([_text_cell(sheet, str(_csv_cell(label)), _HEADER_FONT) for label in header])
        for row in progress.counted(rows):
            sheet.append([_xlsx_cell(sheet, value, tz) for value in row])
            count += 1
        workbook.save(path_or_stream)
    except BaseException:
        _discard_spool(sheet)
        raise
    return count


def xlsx_response(
    filename: str,
    header: list[str],
    rows: Iterable[Sequence],
    sheet_title: str = "export",
    on_complete: Callable[[int], None] | None = None,
) -> FileResponse:
    """An XLSX download. A zip archive cannot be streamed while it is being built, so the
    workbook is written first (in constant memory, into a temporary file that stays in memory
    up to 10 MB), then sent. `on_complete(rows_written)` is called once the workbook is written,
    before the response is returned.
    """
    spool = tempfile.SpooledTemporaryFile(max_size=_XLSX_SPOOL)
    try:
        count = write_xlsx(spool, header, rows, sheet_title)
    except BaseException:
        spool.close()
        raise
    if on_complete is not None:
        on_complete(count)
    spool.seek(0)
    # FileResponse closes the file (and so deletes it, if it went to disk) when it is sent.
    response = FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
    _no_caching(response)
    return response


def _no_caching(response):
    # An export may hold personal data: no shared proxy or browser cache should keep a copy.
    response["Cache-Control"] = "private, no-store"
