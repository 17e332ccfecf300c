"""Import of organizations and people from a CSV or XLSX file (a KoboToolbox export, our own export, the
template): reading the file safely, matching its columns, parsing its values, the dry-run analysis in
chunks, and the all-or-nothing commit.

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
"""

import codecs
import contextlib
import copy
import csv
import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from xml.etree.ElementTree import XMLPullParser, iterparse

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.validators import EmailValidator, URLValidator
from django.db import connection, models, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone, translation
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mapping_portal import access
from mapping_portal.exports import looks_like_formula, neutralise
from mapping_portal.models import PilotSite, Settlement, ThematicArea, validate_portal_date
from mapping_portal.text import match_key
from stakeholders.duplicates import name_key, recheck_from
from stakeholders.models import (
    WASHINGTON_GROUP_QUESTIONS,
    Difficulty,
    ImportBatch,
    ImportRow,
    Membership,
    MembershipRole,
    Organization,
    OrganizationType,
    Person,
    Sex,
    Stance,
    TargetGroup,
    VulnerableGroup,
)

# Limits (documented in the README and on the upload page).
MAX_FILE_SIZE = 20 * 1024 * 1024  # bytes of the uploaded file, checked before anything is read
MAX_UNCOMPRESSED_SIZE = 200 * 1024 * 1024  # all entries of an XLSX (a zip) once unpacked: zip bombs
MAX_ROWS = 20_000  # data rows of one file, counted while reading
# A row's width, checked while it is read, before anything is built per column: a header of 20,000
# columns used to reach openpyxl's column letters (which stop at 18,278) and a 500.
MAX_COLUMNS = 200  # cells with a value; empty cells further right are left out
MAX_CELL_CHARS = 32_767  # characters of one cell: Excel's own limit
MAX_ROW_CHARS = 100_000  # characters of one row (CSV: its text; XLSX: its values)
MAX_ROW_XML = 1024 * 1024  # bytes of one XLSX row's XML: read in pieces, refused as soon as a row is longer
# The XLSX's shared texts once unpacked: openpyxl reads them all into memory when it opens the workbook, before
# any row (190 MB of short texts ran for over 4 minutes). 16 MB is several times a full 20,000-row export.
MAX_SHARED_STRINGS = 16 * 1024 * 1024
MAX_PART_RATIO = 200  # unpacked / packed size of one part of an XLSX over 1 MB: more is a zip bomb
CHUNK_ROWS = 500  # rows analysed per step (one poll of the progress page), staged in one write
LANGUAGES = ("ky", "ru", "en")

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
NOT_SPREADSHEETS = [
    (b"\x89PNG", gettext_lazy("a PNG image")),
    (b"\xff\xd8\xff", gettext_lazy("a JPEG image")),
    (b"GIF8", gettext_lazy("a GIF image")),
    (b"%PDF", gettext_lazy("a PDF document")),
    (b"Rar!", gettext_lazy("a RAR archive")),
    (b"\x1f\x8b", gettext_lazy("a compressed (gzip) file")),
    (b"7z\xbc\xaf", gettext_lazy("a 7-Zip archive")),
]
_EXCEL_EPOCH = date(1899, 12, 30)
_SPLIT_LIST = re.compile(r"[;,\n]+")
_HEADER_NOISE = re.compile(r"[\W_]+", re.UNICODE)
_NUMBER_SPACES = re.compile(r"[\s\u00a0\u202f']")


class ImportFileError(Exception):
    """The file cannot be imported at all; the message says why, in words a field officer understands."""

    def __init__(self, message):
        super().__init__(message)
        self.message = str(message)


class ImportRefused(Exception):
    """The commit cannot go ahead (errors, already imported, or the registry changed meanwhile)."""

    def __init__(self, message, stale=False):
        super().__init__(message)
        self.message = str(message)
        self.stale = stale


class Formula(str):
    """A cell that holds a formula rather than a value (XLSX formula cells, CSV cells starting with "=")."""


def clean_text(value) -> str:
    """A cell as text: numbers without a spurious ".0", dates as dd.mm.yyyy, NFC, trimmed, and the
    apostrophe our own exports put before formula-like text taken off again."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        value = str(int(value)) if value.is_integer() else repr(value)
    elif isinstance(value, datetime):
        value = value.strftime("%d.%m.%Y %H:%M") if value.time() != time() else value.strftime("%d.%m.%Y")
    elif isinstance(value, date):
        value = value.strftime("%d.%m.%Y")
    text = unicodedata.normalize("NFC", str(value)).strip()
    if text.startswith("'") and looks_like_formula(text[1:]):
        text = text[1:]  # the apostrophe `mapping_portal.exports.neutralise` put before formula-like text
    return text


def header_key(text) -> str:
    """Headers compare without case, spaces, underscores or punctuation, in any script."""
    return _HEADER_NOISE.sub("", unicodedata.normalize("NFC", str(text or "")).casefold())


# --- Reading files ------------------------------------------------------------------------------


@dataclass
class FileInfo:
    format: str  # "csv" or "xlsx"
    encoding: str = ""
    delimiter: str = ""


def inspect_file(stream, size: int) -> FileInfo:
    """What kind of file this is, refusing what cannot be imported — before any data is read."""
    if size > MAX_FILE_SIZE:
        raise ImportFileError(
            _("The file is %(size)s MB; the limit is %(limit)s MB. Split it into smaller files.")
            % {"size": round(size / 1024 / 1024, 1), "limit": MAX_FILE_SIZE // 1024 // 1024}
        )
    if size == 0:
        raise ImportFileError(_("The file is empty."))
    stream.seek(0)
    head = stream.read(8192)
    stream.seek(0)
    if head.startswith(OLE2_SIGNATURE):
        # An OLE2 compound file: an encrypted XLSX is wrapped in one (its EncryptionInfo stream
        # says so), and an old Excel 97–2003 .xls is one too.
        stream.seek(0)
        sample = stream.read(min(size, 4 * 1024 * 1024))
        stream.seek(0)
        if "EncryptionInfo".encode("utf-16-le") in sample:
            raise ImportFileError(
                _("The file is protected by a password. Open it in Excel, remove the password and upload it again.")
            )
        raise ImportFileError(
            _(
                "This is an old Excel file (.xls). Open it in Excel or LibreOffice, save it as .xlsx "
                "(Excel workbook) or CSV, and upload that."
            )
        )
    if head.startswith(ZIP_SIGNATURE):
        _check_zip(stream)
        return FileInfo("xlsx")
    for signature, what in NOT_SPREADSHEETS:
        if head.startswith(signature):
            raise ImportFileError(
                _("This file is %(what)s, not a spreadsheet. Upload a CSV or XLSX file.") % {"what": what}
            )
    return _inspect_text(head)


def _check_zip(stream):
    try:
        archive = zipfile.ZipFile(stream)
        entries = archive.infolist()
        names = {entry.filename for entry in entries}
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise ImportFileError(
            _("The file is damaged (an incomplete or broken XLSX). Save it again from Excel and upload it again.")
        ) from error
    finally:
        stream.seek(0)
    bomb = any(
        entry.file_size > 1024 * 1024 and entry.file_size > MAX_PART_RATIO * max(entry.compress_size, 1)
        for entry in entries
    )
    shared = sum(entry.file_size for entry in entries if entry.filename.lower() == "xl/sharedstrings.xml")
    if shared > MAX_SHARED_STRINGS:
        raise ImportFileError(
            _("The workbook's texts unpack to more than %(limit)s MB. Split it into smaller files.")
            % {"limit": MAX_SHARED_STRINGS // 1024 // 1024}
        )
    if sum(entry.file_size for entry in entries) > MAX_UNCOMPRESSED_SIZE:
        raise ImportFileError(
            _("The workbook unpacks to more than %(limit)s MB. Split it into smaller files.")
            % {"limit": MAX_UNCOMPRESSED_SIZE // 1024 // 1024}
        )
    if bomb:
        raise ImportFileError(
            _("The workbook unpacks to far more than its size (a compressed bomb). Save it again from Excel.")
        )
    if "xl/workbook.xml" not in names:
        if "mimetype" in names and "content.xml" in names:
            raise ImportFileError(_("This is an OpenDocument file. Save it as .xlsx or CSV and upload that."))
        if "word/document.xml" in names:
            raise ImportFileError(_("This is a Word document, not a spreadsheet. Upload a CSV or XLSX file."))
        raise ImportFileError(_("This file is not an Excel workbook. Upload a CSV or XLSX file."))


def _inspect_text(head: bytes) -> FileInfo:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
        sample = head.decode("utf-16", errors="ignore")
    else:
        if b"\x00" in head:
            raise ImportFileError(
                _("This file is not a spreadsheet (it holds binary data). Upload a CSV or XLSX file.")
            )
        decoder = codecs.getincrementaldecoder("utf-8-sig")()
        try:
            sample = decoder.decode(head, final=False)
            encoding = "utf-8-sig"
        except UnicodeDecodeError:
            # Excel in Russian or Kyrgyz saves "CSV" in the Windows Cyrillic code page.
            sample = head.decode("cp1251", errors="replace")
            encoding = "cp1251"
    if any(unicodedata.category(ch) == "Cc" and ch not in "\t\r\n" for ch in sample[:4096]):
        raise ImportFileError(_("This file is not a spreadsheet (it holds binary data). Upload a CSV or XLSX file."))
    first_line = sample.splitlines()[0] if sample.strip() else ""
    delimiter = max([",", ";", "\t"], key=first_line.count) if first_line else ","
    return FileInfo("csv", encoding=encoding, delimiter=delimiter)


def iter_rows(stream, info: FileInfo, start: int = 0) -> Iterator[tuple[int, list]]:
    """(row number as a spreadsheet shows it, cell values) for every row from `start` (0 = the header),
    streamed: openpyxl's read-only mode or the csv module, never the whole file in memory."""
    if info.format == "xlsx":
        yield from _xlsx_rows(stream, start)
    else:
        yield from _csv_rows(stream, info, start)


class _BoundedLines:
    """The lines of a text stream for the csv module, each read with a length limit, and the characters of
    the row being read counted as they come: a row too wide is refused before the csv module builds it."""

    def __init__(self, text):
        self.text, self.used, self.row = text, 0, 1

    def __iter__(self):
        return self

    def __next__(self):
        line = self.text.readline(MAX_ROW_CHARS + 1)
        if not line:
            raise StopIteration
        self.used += len(line)
        if self.used > MAX_ROW_CHARS:
            raise ImportFileError(_row_too_wide(self.row))
        if "\x00" in line:
            raise ImportFileError(
                _("Row %(row)s holds binary data (a NUL character): this is not a CSV text file.") % {"row": self.row}
            )
        return line

    def next_row(self):
        self.used, self.row = 0, self.row + 1


def _csv_rows(stream, info, start):
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding=info.encoding, newline="")
    try:
        lines = _BoundedLines(text)
        reader = csv.reader(lines, delimiter=info.delimiter or ",")
        for number, row in enumerate(reader, 1):
            lines.next_row()
            if number <= start:
                continue
            row = _bounded_row(number, row)
            yield number, [Formula(cell.strip()) if cell.strip().startswith("=") else cell for cell in row]
    except UnicodeDecodeError as error:
        raise ImportFileError(
            _("The file is not readable text in %(encoding)s. Save it as CSV UTF-8 and upload it again.")
            % {"encoding": info.encoding}
        ) from error
    except csv.Error as error:
        raise ImportFileError(_("The CSV file is damaged: %(error)s") % {"error": error}) from error
    finally:
        text.detach()


def _bounded_row(number, values: list) -> list:
    """A row within the limits (columns with a value, characters per cell), empty cells beyond the last column
    left out; or ImportFileError naming the row."""
    while len(values) > MAX_COLUMNS and values[-1] in (None, ""):
        values.pop()
    if len(values) > MAX_COLUMNS:
        raise ImportFileError(
            _(
                "Row %(row)s has more than %(limit)s columns. A file may have at most %(limit)s columns: remove the "
                "ones the portal does not need."
            )
            % {"row": number, "limit": MAX_COLUMNS}
        )
    for index, value in enumerate(values):
        if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
            raise ImportFileError(
                _("Cell %(cell)s has more than %(limit)s characters; a cell may hold at most %(limit)s.")
                % {"cell": f"{column_letter(index)}{number}", "limit": f"{MAX_CELL_CHARS:,}".replace(",", " ")}
            )
    if sum(len(value) for value in values if isinstance(value, str)) > MAX_ROW_CHARS:
        raise ImportFileError(_row_too_wide(number))
    return values


def _row_too_wide(number) -> str:
    return _("Row %(row)s is too long: a row may hold at most %(limit)s characters.") % {
        "row": number,
        "limit": f"{MAX_ROW_CHARS:,}".replace(",", " "),
    }


def _read_dimensions_quickly(worksheet):
    """openpyxl looks for a sheet's <dimension> by parsing the XML to the *end* of <sheetData> when the
    element is missing (as in files written by openpyxl's write-only mode, our own exports among them):
    seconds for 10,000 rows, on every open. The element, if any, comes before <sheetData>: stop there."""
    from openpyxl.worksheet.dimensions import SheetDimension
    from openpyxl.xml.constants import SHEET_MAIN_NS

    source = worksheet._get_source()
    try:
        for _event, element in iterparse(source, events=("start",)):
            if element.tag == f"{{{SHEET_MAIN_NS}}}dimension":
                boundaries = SheetDimension.from_tree(element).boundaries
                worksheet._min_column, worksheet._min_row, worksheet._max_column, worksheet._max_row = boundaries
                return
            if element.tag == f"{{{SHEET_MAIN_NS}}}sheetData":
                return
    finally:
        source.close()


def _open_workbook(stream):
    from openpyxl import load_workbook
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    # Same result as openpyxl's own size reading, without reading the whole sheet (see above).
    ReadOnlyWorksheet._get_size = _read_dimensions_quickly
    stream.seek(0)
    try:
        return load_workbook(stream, read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds (zip, XML, KeyError) for a broken file
        raise ImportFileError(
            _("The file is damaged or is not a valid Excel workbook. Save it again from Excel and upload it again.")
        ) from error


def declared_rows(stream) -> int | None:
    """The number of rows an XLSX says its first sheet has (it may lie; reading counts them again)."""
    workbook = _open_workbook(stream)
    try:
        return workbook.worksheets[0].max_row if workbook.worksheets else None
    finally:
        workbook.close()


def _xlsx_rows(stream, start):
    """The first sheet's rows, read straight from its XML with the C parser: openpyxl's own cell reading
    is ten times slower (12 s against 1.3 s for 10,000 rows of 22 columns on this machine, without lxml).
    openpyxl still opens the workbook (and so checks it), and provides the shared strings and the number
    formats that say which numbers are dates."""
    workbook = _open_workbook(stream)
    try:
        if not workbook.worksheets:
            return
        sheet = workbook.worksheets[0]
        cells = _CellReader(workbook, sheet)
        number = start
        try:
            with sheet._get_source() as source:
                for element in _sheet_row_elements(source):
                    number = int(element.get("r") or number + 1)
                    if number > start:
                        yield number, _bounded_row(number, cells.row(element, number))
        except ImportFileError:
            raise
        except Exception as error:
            raise ImportFileError(
                _("The workbook is damaged near row %(row)s. Save it again from Excel and upload it again.")
                % {"row": number + 1}
            ) from error
    finally:
        workbook.close()


def _sheet_row_elements(source):
    """The <row> elements of a sheet's XML, read 64 KB at a time with the C parser; each row is taken out of
    the tree once used (so that millions of rows do not stay in memory), and a row whose XML passes
    MAX_ROW_XML is refused while it is read, before its cells are built."""
    parser = XMLPullParser(events=("start", "end"))
    sheet_data, since_last_row, rows_seen = None, 0, 0
    while chunk := source.read(64 * 1024):
        parser.feed(chunk)
        since_last_row += len(chunk)
        for event, element in parser.read_events():
            if event == "start":
                if element.tag == _SHEET_DATA_TAG:
                    sheet_data = element
            elif element.tag == _ROW_TAG:
                since_last_row, rows_seen = 0, rows_seen + 1
                yield element
                element.clear()
                if sheet_data is not None:
                    sheet_data.remove(element)
        if since_last_row > MAX_ROW_XML:
            raise ImportFileError(_row_too_wide(rows_seen + 1))
    parser.close()


_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW_TAG, _CELL_TAG, _SHEET_DATA_TAG = f"{_MAIN_NS}row", f"{_MAIN_NS}c", f"{_MAIN_NS}sheetData"
_VALUE_TAG, _FORMULA_TAG, _INLINE_TAG, _TEXT_TAG = (f"{_MAIN_NS}{tag}" for tag in ("v", "f", "is", "t"))
_COLUMN = re.compile(r"^([A-Z]+)")


class _CellReader:
    """Cell values of one sheet as Python values: text, numbers, booleans, datetimes, or Formula."""

    def __init__(self, workbook, sheet):
        from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

        self.strings = sheet._shared_strings
        self.epoch = workbook.epoch
        formats = workbook._number_formats
        self.date_styles = set()
        for index, style in enumerate(workbook._cell_styles):
            code = BUILTIN_FORMATS.get(style.numFmtId)
            if code is None and style.numFmtId >= 164 and style.numFmtId - 164 < len(formats):
                code = formats[style.numFmtId - 164]
            if code and is_date_format(code):
                self.date_styles.add(index)
        self.columns: dict[str, int] = {}

    def column(self, reference: str, default: int) -> int:
        letters = _COLUMN.match(reference or "")
        if letters is None:
            return default
        letters = letters.group(1)
        if len(letters) > 3:  # past Excel's last column (XFD): far beyond MAX_COLUMNS
            return 1 << 20
        if letters not in self.columns:
            from openpyxl.utils import column_index_from_string

            self.columns[letters] = column_index_from_string(letters) - 1
        return self.columns[letters]

    def row(self, element, number=0) -> list:
        values = []
        for cell in element.iter(_CELL_TAG):
            index = self.column(cell.get("r"), len(values))
            value = self.value(cell)
            if index >= MAX_COLUMNS:
                if value is None or value == "":
                    continue  # an empty (formatted) cell far to the right
                # One more than the limit: _bounded_row refuses the row, naming it.
                values.extend([None] * (MAX_COLUMNS - len(values)))
                values.append(value)
                break
            while len(values) < index:
                values.append(None)
            values.append(value)
        return values

    def value(self, cell):
        formula = cell.find(_FORMULA_TAG)
        if formula is not None:
            return Formula("=" + (formula.text or ""))
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            inline = cell.find(_INLINE_TAG)
            return "".join(text.text or "" for text in inline.iter(_TEXT_TAG)) if inline is not None else None
        raw = cell.findtext(_VALUE_TAG)
        if raw is None:
            return None
        if kind == "s":
            return self.strings[int(raw)]
        if kind == "b":
            return raw == "1"
        if kind in ("str", "e"):
            return raw
        if kind == "d":
            with contextlib.suppress(ValueError):
                return datetime.fromisoformat(raw)
            return raw
        number = float(raw) if any(ch in raw for ch in ".eE") else int(raw)
        if int(cell.get("s", 0) or 0) in self.date_styles:
            from openpyxl.utils.datetime import from_excel

            with contextlib.suppress(ValueError, OverflowError):
                return from_excel(number, self.epoch)
        return number


# --- Columns ------------------------------------------------------------------------------------


@dataclass
class Column:
    """One importable column: its field code (as in the export), how its values are read, its label."""

    name: str
    kind: str  # text, int, float, bool, choice, multichoice, reference, references, date, email, url, id, memberships
    label: object = None
    required: bool = False
    choices: list = field(default_factory=list)  # (value, label) for choice and multichoice
    model: type | None = None  # for reference(s)
    max_length: int | None = None

    def verbose_names(self) -> dict:
        names = {}
        for language in LANGUAGES:
            with translation.override(language):
                names[language] = str(self.label)
        return names


def _model_field(model, name):
    return model._meta.get_field(name)


def _columns_for(model, specs) -> list[Column]:
    columns = []
    for name, kind, *rest in specs:
        extra = rest[0] if rest else {}
        if name == "id":
            label = gettext_lazy("id (in the portal)")
            max_length = None
        elif name == "memberships":
            label = gettext_lazy("memberships")
            max_length = None
        else:
            model_field = _model_field(model, name)
            label = model_field.verbose_name
            max_length = getattr(model_field, "max_length", None) if kind in ("text", "email", "url") else None
        columns.append(Column(name, kind, label=label, max_length=max_length, **extra))
    return columns


def _wg(name):
    return (name, "choice", {"choices": Difficulty.choices})


ORGANIZATION_COLUMNS = _columns_for(
    Organization,
    [
        ("id", "id"),
        ("name_ky", "text"),
        ("name_ru", "text"),
        ("acronym", "text"),
        ("type", "reference", {"required": True, "model": OrganizationType}),
        ("site", "reference", {"required": True, "model": PilotSite}),
        ("settlement", "reference", {"model": Settlement}),
        ("address", "text"),
        ("lat", "float"),
        ("lon", "float"),
        ("registration_status", "choice", {"choices": Organization.RegistrationStatus.choices}),
        ("registration_number", "text"),
        ("year_founded", "int"),
        ("thematic_areas", "references", {"model": ThematicArea}),
        ("target_groups", "references", {"model": TargetGroup}),
        ("women_led", "bool"),
        ("youth_led", "bool"),
        ("staff_women", "int"),
        ("staff_men", "int"),
        ("volunteers_women", "int"),
        ("volunteers_men", "int"),
        ("board_women", "int"),
        ("board_men", "int"),
        ("board_youth", "int"),
        ("funding_sources", "text"),
        ("phone", "text"),
        ("email", "email"),
        ("website", "url"),
        ("description", "text"),
        ("public_listing_consent", "bool"),
        ("consent_covers_sensitive", "bool"),
        ("consent_given_by", "text"),
        ("influence", "int"),
        ("interest", "int"),
        ("stance", "choice", {"choices": Stance.choices}),
        ("needs_validation", "bool"),
        ("is_active", "bool"),
    ],
)

PERSON_COLUMNS = _columns_for(
    Person,
    [
        ("id", "id"),
        ("full_name", "text", {"required": True}),
        ("full_name_latin", "text"),
        ("sex", "choice", {"required": True, "choices": Sex.choices}),
        ("birth_year", "int"),
        ("phone", "text"),
        ("email", "email"),
        ("site", "reference", {"required": True, "model": PilotSite}),
        ("settlement", "reference", {"model": Settlement}),
        ("is_active_citizen", "bool"),
        *[_wg(name) for name, _label in WASHINGTON_GROUP_QUESTIONS],
        ("vulnerable_groups", "multichoice", {"choices": VulnerableGroup.choices}),
        ("consent_date", "date"),
        ("consent_purpose", "text"),
        ("memberships", "memberships"),
        ("is_active", "bool"),
    ],
)

COLUMNS = {ImportBatch.Kind.ORGANIZATIONS: ORGANIZATION_COLUMNS, ImportBatch.Kind.PEOPLE: PERSON_COLUMNS}
MODELS = {ImportBatch.Kind.ORGANIZATIONS: Organization, ImportBatch.Kind.PEOPLE: Person}
RECORD_KINDS = {ImportBatch.Kind.ORGANIZATIONS: "organization", ImportBatch.Kind.PEOPLE: "person"}
# Columns of our own exports that the portal sets itself: recognised, and left alone.
SET_BY_THE_PORTAL = {"updatedat", "createdat", "version"}
# Extra header spellings seen in field files.
HEADER_ALIASES = {
    ImportBatch.Kind.ORGANIZATIONS: {"type": ["organizationtype"], "site": ["pilotsite"]},
    ImportBatch.Kind.PEOPLE: {"full_name": ["name", "fullname", "fio", "фио"], "site": ["pilotsite"]},
}
# More ways field files write sex.
SEX_ALIASES = {
    Sex.FEMALE: ["f", "ж", "жен", "женский", "женщина", "аял", "кыз"],
    Sex.MALE: ["m", "м", "муж", "мужской", "мужчина", "эркек"],
}
TRUE_WORDS = {"true", "1", "yes", "y", "да", "д", "ооба", "бар", "истина", "x", "✓"}
FALSE_WORDS = {"false", "0", "no", "n", "нет", "н", "жок", "ложь"}


def header_aliases(kind) -> dict[str, str]:
    """Normalised header → field code: the code itself and its verbose name in ky/ru/en."""
    aliases: dict[str, str | None] = {}

    def add(alias, name):
        key = header_key(alias)
        if not key:
            return
        if key in aliases and aliases[key] != name:
            aliases[key] = None  # two fields share this label: it decides nothing
        else:
            aliases[key] = name

    for column in COLUMNS[kind]:
        add(column.name, column.name)
        for label in column.verbose_names().values():
            add(label, column.name)
        for alias in HEADER_ALIASES[kind].get(column.name, []):
            add(alias, column.name)
    # Field codes win over any label that happens to normalise the same way.
    for column in COLUMNS[kind]:
        aliases[header_key(column.name)] = column.name
    return {key: name for key, name in aliases.items() if name}


def match_header(kind, header: list) -> tuple[dict[int, str], list[dict]]:
    """Which column of the file is which field; and the columns that are ignored, with the reason."""
    aliases = header_aliases(kind)
    columns: dict[int, str] = {}
    ignored = []
    taken: dict[str, int] = {}
    for index, raw in enumerate(header):
        text = clean_text(raw)
        if not text:
            continue
        # KoboToolbox writes questions of a group as "group_xyz/question", and its own columns start
        # with "_" (_id, _uuid, _submission_time): those are Kobo's, never ours (its _id is not our id).
        last = text.rsplit("/", 1)[-1].strip()
        name = None if last.startswith("_") else aliases.get(header_key(text)) or aliases.get(header_key(last))
        letter = column_letter(index)
        if name is None:
            reason = (
                _("set by the portal") if header_key(last) in SET_BY_THE_PORTAL else _("not a column the portal knows")
            )
            ignored.append({"column": f"{letter} “{text}”", "reason": reason})
        elif name in taken:
            ignored.append(
                {
                    "column": f"{letter} “{text}”",
                    "reason": _("same field as column %(column)s") % {"column": column_letter(taken[name])},
                }
            )
        else:
            columns[index] = name
            taken[name] = index
    return columns, ignored


def missing_columns(kind, columns: dict[int, str]) -> list[str]:
    present = set(columns.values())
    missing = []
    if kind == ImportBatch.Kind.ORGANIZATIONS and not {"name_ky", "name_ru"} & present:
        missing.append("name_ky / name_ru")
    for column in COLUMNS[kind]:
        if column.required and column.name not in present:
            missing.append(column.name)
    return missing


def column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


# --- Values -------------------------------------------------------------------------------------


class Lookup:
    """Reference values by any of their spellings: code, names in three languages, official code."""

    AMBIGUOUS = object()

    def __init__(self, items):
        self.values = {}
        self.seen = {}
        for value, aliases in items:
            for alias in aliases:
                key = match_key(str(alias)) if alias not in (None, "") else ""
                if not key:
                    continue
                known = self.values.get(key)
                self.values[key] = value if known in (None, value) else self.AMBIGUOUS

    def get(self, text):
        # Files repeat the same few values (a site, a type) thousands of times: remember each spelling.
        if text not in self.seen:
            self.seen[text] = self.values.get(match_key(text))
        return self.seen[text]


def _choice_items(choices):
    items = []
    for value, label in choices:
        aliases = [value]
        for language in LANGUAGES:
            with translation.override(language):
                aliases.append(str(label))
        items.append((value, aliases))
    return items


def _named_items(objects, *extra_fields):
    return [
        (obj, [*(getattr(obj, name) for name in extra_fields), obj.name_ky, obj.name_ru, obj.name_en])
        for obj in objects
    ]


class References:
    """The small reference tables, read once per step (a handful of queries, whatever the file size)."""

    def __init__(self, user):
        self.sites = list(PilotSite.objects.all())
        self.site_lookup = Lookup(_named_items(self.sites, "slug", "soate_code"))
        self.site_by_id = {site.pk: site for site in self.sites}
        settlements = list(Settlement.objects.all())
        self.settlement_by_id = {s.pk: s for s in settlements}
        self.settlement_lookups = {
            site.pk: Lookup(_named_items([s for s in settlements if s.site_id == site.pk], "soate_code"))
            for site in self.sites
        }
        self.settlement_anywhere = Lookup(_named_items(settlements, "soate_code"))
        types = list(OrganizationType.objects.all())
        self.type_by_id = {t.pk: t for t in types}
        self.type_lookup = Lookup(_named_items(types, "code"))
        areas = list(ThematicArea.objects.all())
        self.area_by_id = {a.pk: a for a in areas}
        self.area_lookup = Lookup(_named_items(areas, "code", "number"))
        groups = list(TargetGroup.objects.all())
        self.group_by_id = {g.pk: g for g in groups}
        self.group_lookup = Lookup(_named_items(groups, "code"))
        self.choice_lookups = {}
        self.role_lookup = Lookup(_choice_items(MembershipRole.choices))
        self.scope = access.site_scope_ids(user) if user is not None else None

    def choices(self, column: Column) -> Lookup:
        if column.name not in self.choice_lookups:
            items = _choice_items(column.choices)
            if column.choices == Sex.choices:
                items = [(value, aliases + SEX_ALIASES.get(value, [])) for value, aliases in items]
            self.choice_lookups[column.name] = Lookup(items)
        return self.choice_lookups[column.name]

    def in_scope(self, site) -> bool:
        return self.scope is None or site.pk in self.scope


class CellError(Exception):
    pass


def parse_int(value) -> int:
    if isinstance(value, bool):
        raise CellError(_("Enter a whole number."))
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise CellError(_("Enter a whole number."))
    if isinstance(value, datetime | date):
        return value.year  # a year typed into a cell Excel formatted as a date
    text = _NUMBER_SPACES.sub("", clean_text(value)).replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        raise CellError(_("Enter a whole number.")) from None
    if not number.is_integer():
        raise CellError(_("Enter a whole number."))
    return int(number)


def parse_float(value) -> float:
    if isinstance(value, bool):
        raise CellError(_("Enter a number."))
    if isinstance(value, int | float):
        value = str(value)
    text = _NUMBER_SPACES.sub("", clean_text(value)).replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        raise CellError(_("Enter a number.")) from None
    if not math.isfinite(number):
        raise CellError(_("Enter a number."))
    return number


def parse_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = clean_text(value).casefold()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise CellError(_("Write yes or no (1/0, true/false, ооба/жок, да/нет)."))


_DATE_FORMATS = ["%d.%m.%Y", "%d/%m/%Y", "%Y-%m-%d", "%d.%m.%y", "%d-%m-%Y", "%Y.%m.%d"]


def parse_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # an Excel date serial (days since 30.12.1899)
            return _EXCEL_EPOCH + timedelta(days=int(value))
        raise CellError(_("Enter a date as dd.mm.yyyy."))
    text = clean_text(value)
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        return _EXCEL_EPOCH + timedelta(days=int(float(text)))
    for fmt in _DATE_FORMATS:
        with contextlib.suppress(ValueError):
            return datetime.strptime(text, fmt).date()
    with contextlib.suppress(ValueError):
        # ISO 8601 with a time, as KoboToolbox writes it (2026-03-12T10:15:00.000+06:00).
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    raise CellError(_("Enter a date as dd.mm.yyyy."))


def split_values(text: str, lookup: Lookup) -> tuple[list, list[str]]:
    """Values of a multi-valued cell: separated by ";" or "," (our exports) or by spaces (KoboToolbox
    select_multiple); a label with spaces is tried whole first. Returns (values, unknown pieces)."""
    found, unknown = [], []
    for piece in _SPLIT_LIST.split(text):
        piece = piece.strip()
        if not piece:
            continue
        value = lookup.get(piece)
        if value is not None and value is not Lookup.AMBIGUOUS:
            found.append(value)
            continue
        tokens = piece.split()
        values = [lookup.get(token) for token in tokens]
        if len(tokens) > 1 and all(v is not None and v is not Lookup.AMBIGUOUS for v in values):
            found.extend(values)
        else:
            unknown.append(piece)
    return list(dict.fromkeys(found)), unknown


# --- Analysis -----------------------------------------------------------------------------------


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


def _scoped(model, user):
    """Records the importer may match and change: their scope (the command without --user: all)."""
    if user is None:
        return model.objects.filter(merged_into__isnull=True)
    return model.objects.for_user(user)


class Analysis:
    """Reads rows of one batch and stages what each would do. One instance per step."""

    def __init__(self, batch: ImportBatch):
        self.batch = batch
        self.kind = batch.kind
        self.user = batch.created_by
        self.refs = References(self.user)
        by_name = {column.name: column for column in COLUMNS[self.kind]}
        self.columns = {int(index): by_name[name] for index, name in batch.columns.items()}
        self.model = MODELS[self.kind]

    # One cell ------------------------------------------------------------------------------------

    def cell_error(self, row, index, column, message):
        row.errors.append({"column": f"{column_letter(index)} “{column.name}”", "message": str(message)})

    def parse(self, number, cells) -> ParsedRow:
        row = ParsedRow(number)
        for index, column in self.columns.items():
            raw = cells[index] if index < len(cells) else None
            if isinstance(raw, Formula):
                self.cell_error(
                    row,
                    index,
                    column,
                    _("A formula (%(formula)s): type the value itself; the import does not calculate formulas.")
                    % {"formula": raw[:40]},
                )
                continue
            if raw is None or (isinstance(raw, str) and not clean_text(raw)):
                continue
            try:
                row.values[column.name] = self.parse_value(row, column, raw)
            except CellError as error:
                self.cell_error(row, index, column, error.args[0])
        return row

    def parse_value(self, row, column, raw):
        kind = column.kind
        if kind == "text":
            text = clean_text(raw)
            if column.max_length and len(text) > column.max_length:
                raise CellError(
                    _("At most %(limit)s characters (this has %(count)s).")
                    % {"limit": column.max_length, "count": len(text)}
                )
            return text
        if kind in ("int", "id"):
            number = parse_int(raw)
            if number < 0:
                raise CellError(_("Enter a number that is not negative."))
            return number
        if kind == "float":
            return parse_float(raw)
        if kind == "bool":
            return parse_bool(raw)
        if kind == "date":
            day = parse_date(raw)
            try:
                validate_portal_date(day)  # the same range as every date typed into the portal
            except ValidationError as error:
                raise CellError(error.messages[0]) from None
            return day
        if kind == "email":
            text = clean_text(raw)
            try:
                EmailValidator()(text)
            except ValidationError:
                raise CellError(_("Enter a valid email address.")) from None
            return text
        if kind == "url":
            text = clean_text(raw)
            if "://" not in text:
                text = "https://" + text
            try:
                URLValidator()(text)
            except ValidationError:
                raise CellError(_("Enter a valid web address.")) from None
            return text
        if kind == "choice":
            value = self.refs.choices(column).get(clean_text(raw))
            if value is None or value is Lookup.AMBIGUOUS:
                raise CellError(self._unknown(raw, [code for code, _label in column.choices]))
            return value
        if kind == "multichoice":
            values, unknown = split_values(clean_text(raw), self.refs.choices(column))
            if unknown:
                raise CellError(self._unknown("; ".join(unknown), [code for code, _label in column.choices]))
            return values
        if kind == "reference":
            return self.parse_reference(row, column, clean_text(raw))
        if kind == "references":
            lookup = self.refs.area_lookup if column.model is ThematicArea else self.refs.group_lookup
            values, unknown = split_values(clean_text(raw), lookup)
            if unknown:
                codes = [obj.code for obj in lookup.values.values() if obj is not Lookup.AMBIGUOUS]
                raise CellError(self._unknown("; ".join(unknown), sorted(set(codes))))
            return values
        if kind == "memberships":
            return self.parse_memberships(clean_text(raw))
        raise AssertionError(kind)

    def _unknown(self, raw, allowed):
        return _("“%(value)s” is not one of the allowed values (%(allowed)s); see the template's list of values.") % {
            "value": clean_text(raw)[:80],
            "allowed": ", ".join(str(a) for a in allowed[:12]) + (", …" if len(allowed) > 12 else ""),
        }

    def parse_reference(self, row, column, text):
        if column.model is PilotSite:
            site = self.refs.site_lookup.get(text)
            if site is None or site is Lookup.AMBIGUOUS:
                raise CellError(self._unknown(text, [s.slug for s in self.refs.sites]))
            if not self.refs.in_scope(site):
                raise CellError(_("You do not work in the pilot site “%(site)s”.") % {"site": site.name})
            return site
        if column.model is OrganizationType:
            kind = self.refs.type_lookup.get(text)
            if kind is None or kind is Lookup.AMBIGUOUS:
                raise CellError(self._unknown(text, [t.code for t in self.refs.type_by_id.values()]))
            return kind
        # Settlements are resolved once the site is known (names repeat between sites).
        return ("settlement", text)

    def parse_memberships(self, text):
        pairs, bad = [], []
        role_lookup = self.refs.role_lookup
        for piece in _SPLIT_LIST.split(text):
            piece = piece.strip()
            if not piece:
                continue
            organization, _sep, role_text = piece.partition(":")
            role = role_lookup.get(role_text.strip()) if role_text.strip() else MembershipRole.MEMBER
            try:
                organization_id = parse_int(organization.strip())
            except CellError:
                organization_id = None
            if organization_id is None or role is None or role is Lookup.AMBIGUOUS:
                bad.append(piece)
            else:
                pairs.append([organization_id, str(role)])
        if bad:
            raise CellError(
                _("Write memberships as organization id:role, separated by “;” (e.g. 12:leader; 40:member): %(bad)s")
                % {"bad": "; ".join(bad)[:80]}
            )
        return pairs

    # Rows of one step ----------------------------------------------------------------------------

    def process(self, rows: list[tuple[int, list]]) -> list[ParsedRow]:
        parsed = [self.parse(number, cells) for number, cells in rows]
        for row in parsed:
            self.resolve_settlement(row)
        # Every organization the step's memberships name, in one query.
        self._organizations_in_scope({pk for row in parsed for pk, _role in row.values.get("memberships", [])})
        self.find_targets(parsed)
        self.check_repeats(parsed)
        for row in parsed:
            self.validate(row)
        self.find_similar(parsed)
        return parsed

    def index_of(self, name):
        for index, column in self.columns.items():
            if column.name == name:
                return index
        return 0

    def resolve_settlement(self, row):
        site = row.values.get("site")
        pending = row.values.get("settlement")
        row.site = site
        if not isinstance(pending, tuple):
            return
        text = pending[1]
        index, column = self.index_of("settlement"), self.columns[self.index_of("settlement")]
        if site is None:
            found = self.refs.settlement_anywhere.get(text)
            if found is None or found is Lookup.AMBIGUOUS:
                row.values.pop("settlement")
                if "site" in self.batch.columns.values():
                    return  # the site's own error says enough
                self.cell_error(row, index, column, self._unknown(text, []))
                return
            row.values["settlement"] = found
            return
        found = self.refs.settlement_lookups[site.pk].get(text)
        if found is None or found is Lookup.AMBIGUOUS:
            elsewhere = self.refs.settlement_anywhere.get(text)
            row.values.pop("settlement")
            if elsewhere is not None and elsewhere is not Lookup.AMBIGUOUS:
                self.cell_error(row, index, column, _("This settlement is not in the chosen pilot site."))
            else:
                names = [s.soate_code or s.name for s in self.refs.settlement_by_id.values() if s.site_id == site.pk]
                self.cell_error(row, index, column, self._unknown(text, names))
            return
        row.values["settlement"] = found

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
        scoped = _scoped(self.model, self.user)
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
                    CANDIDATES_SQL.format(table=self.model._meta.db_table), [sorted(set(sites)), sorted(set(keys))]
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
        earlier = ImportRow.objects.filter(batch=self.batch).filter(
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
                    row.matches.append({"row": first, "name": self.label_of(row)})
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
                    row.matches.append({"row": first, "name": self.label_of(row)})

    def label_of(self, row) -> str:
        if self.kind == ImportBatch.Kind.ORGANIZATIONS:
            name = row.values.get("name_ky") or row.values.get("name_ru")
            return name or (row.target.name if row.target else "")
        return row.values.get("full_name") or (row.target.full_name if row.target else "")

    # Validation and what changes ----------------------------------------------------------------

    def validate(self, row):
        row.label = self.label_of(row)[:300]
        existing = row.target
        if existing is None:
            for column in COLUMNS[self.kind]:
                if column.required and column.name not in row.values and not self._reported(row, column.name):
                    row.errors.append({"column": self._column_name(column.name), "message": _("This cell is empty.")})
            if self.kind == ImportBatch.Kind.PEOPLE and "consent_date" not in row.values:
                row.errors.append(
                    {
                        "column": self._column_name("consent_date"),
                        "message": _("Record when the person gave consent to their data being kept."),
                    }
                )
            elif self.kind == ImportBatch.Kind.PEOPLE and "consent_purpose" not in row.values:
                row.errors.append(
                    {"column": self._column_name("consent_purpose"), "message": _("Say what the person consented to.")}
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
            row.changes = self.diff(existing, row.values)
            row.action = ImportRow.Action.UPDATE if row.changes else ImportRow.Action.UNCHANGED
        if row.target is not None and row.site is None:
            row.site = self.refs.site_by_id.get(row.target.site_id)

    def _reported(self, row, name):
        letter_name = f"“{name}”"
        return any(error["column"].endswith(letter_name) for error in row.errors)

    def _column_name(self, name):
        for index, column in self.columns.items():
            if column.name == name:
                return f"{column_letter(index)} “{name}”"
        return f"“{name}”"

    def check_memberships(self, row):
        wanted = {pk for pk, _role in row.values["memberships"]}
        known = self._organizations_in_scope(wanted)
        missing = sorted(wanted - known)
        if missing:
            row.errors.append(
                {
                    "column": self._column_name("memberships"),
                    "message": _("No organization with id %(ids)s in your sites.")
                    % {"ids": ", ".join(map(str, missing))},
                }
            )

    def _organizations_in_scope(self, ids):
        # Cached per step: one query for every membership of the step's rows.
        cache = getattr(self, "_organization_ids", None)
        if cache is None:
            cache = self._organization_ids = {}
        unknown = {pk for pk in ids if pk not in cache}
        if unknown:
            found = set(_scoped(Organization, self.user).filter(pk__in=unknown).values_list("pk", flat=True))
            for pk in unknown:
                cache[pk] = pk in found
        return {pk for pk in ids if cache.get(pk)}

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
            instance = self.model()
        for name, value in row.values.items():
            if name in ("id", "memberships", "thematic_areas", "target_groups"):
                continue
            setattr(instance, name, value)
        if row.target is not None:
            # References the row leaves blank keep their current value; give clean() the cached objects.
            for name, lookup in (("site", self.refs.site_by_id), ("settlement", self.refs.settlement_by_id)):
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
            column = "" if name == "__all__" else self._column_name(name)
            for message in messages:
                if not any(e["message"] == message for e in row.errors):
                    row.errors.append({"column": column, "message": message})

    def diff(self, existing, values) -> dict:
        changes = {}
        for name, value in values.items():
            if name == "id":
                continue
            current = self.current_value(existing, name)
            new = self.comparable(name, value)
            if name == "memberships":
                if not set(map(tuple, new)) <= set(map(tuple, current)):
                    added = [pair for pair in new if tuple(pair) not in set(map(tuple, current))]
                    changes[name] = ["", "; ".join(f"{pk}:{role}" for pk, role in added)]
                continue
            if current != new:
                changes[name] = [self.display(name, current), self.display(name, new)]
        return changes

    def current_value(self, obj, name):
        if name in ("thematic_areas", "target_groups"):
            return sorted(item.pk for item in getattr(obj, name).all())
        if name == "memberships":
            return [[m.organization_id, m.role] for m in obj.memberships.all()]
        if name in ("type", "site", "settlement"):
            return getattr(obj, f"{name}_id")
        if name == "vulnerable_groups":
            return sorted(obj.vulnerable_groups)
        value = getattr(obj, name)
        return value

    def comparable(self, name, value):
        if name in ("thematic_areas", "target_groups"):
            return sorted(item.pk for item in value)
        if name in ("type", "site", "settlement"):
            return value.pk if value is not None else None
        if name == "vulnerable_groups":
            return sorted(value)
        if name == "website":
            return value
        return value

    def display(self, name, value) -> str:
        if value is None or value == "" or value == []:
            return ""
        if name == "site":
            return self.refs.site_by_id[value].name if value in self.refs.site_by_id else str(value)
        if name == "settlement":
            return self.refs.settlement_by_id[value].name if value in self.refs.settlement_by_id else str(value)
        if name == "type":
            return self.refs.type_by_id[value].name if value in self.refs.type_by_id else str(value)
        if name == "thematic_areas":
            return "; ".join(self.refs.area_by_id[pk].code for pk in value if pk in self.refs.area_by_id)
        if name == "target_groups":
            return "; ".join(self.refs.group_by_id[pk].code for pk in value if pk in self.refs.group_by_id)
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, date):
            return value.strftime("%d.%m.%Y")
        if isinstance(value, list):
            return "; ".join(map(str, value))
        return str(value)

    def find_similar(self, parsed):
        """Records of the registry in the same site whose names look alike: for every new row of the step
        at once. The same test as `stakeholders.duplicates.similar_organizations` and `similar_people` (the
        typing hint and the duplicates page) — substring or trigram word similarity on the stored keys,
        best first — asked once per step instead of once per row (10,000 rows: 10,000 queries otherwise)."""
        numbers, sites, keys, years = [], [], [], []
        rows = {}
        for row in parsed:
            if row.action != ImportRow.Action.CREATE or row.site is None:
                continue
            if self.kind == ImportBatch.Kind.ORGANIZATIONS:
                own = set(self.keys_of(row))
            else:
                own = {match_key(row.values.get("full_name", ""))}
            for key in own:
                if len(key) >= 3:
                    numbers.append(row.number)
                    sites.append(row.site.pk)
                    keys.append(key)
                    years.append(row.values.get("birth_year"))
                    rows[row.number] = row
        if not numbers:
            return
        if self.kind == ImportBatch.Kind.ORGANIZATIONS:
            sql = SIMILAR_ORGANIZATIONS_SQL.format(table=Organization._meta.db_table)
            params = [numbers, sites, keys, SIMILAR_LIMIT]
        else:
            sql = SIMILAR_PEOPLE_SQL.format(table=Person._meta.db_table)
            params = [numbers, sites, keys, years, SIMILAR_LIMIT]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            found = cursor.fetchall()
        best: dict[int, dict[int, tuple]] = {}
        for number, pk, name, birth_year, similarity in found:
            current = best.setdefault(number, {})
            if pk not in current or current[pk][0] < similarity:
                current[pk] = (similarity, name, birth_year)
        for number, matches in best.items():
            ranked = sorted(matches.items(), key=lambda item: (-item[1][0], item[0]))[:SIMILAR_LIMIT]
            for pk, (_similarity, name, birth_year) in ranked:
                if self.kind == ImportBatch.Kind.ORGANIZATIONS:
                    rows[number].matches.append({"id": pk, "name": name})
                else:
                    rows[number].matches.append({"id": pk, "name": f"{name} ({birth_year or '—'})", "person": True})

    # Staging -------------------------------------------------------------------------------------

    def stage(self, parsed) -> list[ImportRow]:
        return [
            ImportRow(
                batch=self.batch,
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
# (an organization's is its names' keys joined by spaces; a person's is one word). A plain scan of the
# sites' rows: one pass for a whole step, where a trigram-index lookup per key cost 0.7 ms each.
CANDIDATES_SQL = """
SELECT r.id FROM {table} r
WHERE r.merged_into_id IS NULL AND r.site_id = ANY(%s::bigint[])
  AND string_to_array(r.name_key, ' ') && %s::text[]
"""
SIMILAR_LIMIT = 3
# (row number, site, key) → the organizations of that site whose search key holds the key or has a word
# similar to it (pg_trgm's `%>`, as Django's trigram_word_similar lookup), best first.
SIMILAR_ORGANIZATIONS_SQL = """
SELECT v.n, o.id, COALESCE(NULLIF(o.name_ky, ''), o.name_ru), NULL::integer, o.similarity
FROM unnest(%s::integer[], %s::bigint[], %s::text[]) AS v(n, site_id, key)
CROSS JOIN LATERAL (
    SELECT o.id, o.name_ky, o.name_ru, word_similarity(v.key, o.search_key) AS similarity
    FROM {table} o
    WHERE o.site_id = v.site_id AND o.merged_into_id IS NULL
      AND (o.search_key LIKE '%%' || v.key || '%%' OR o.search_key %%> v.key)
    ORDER BY similarity DESC, o.id
    LIMIT %s
) o
"""
# The same for people, on their name key; a recorded year of birth more than a year apart rules a match out.
SIMILAR_PEOPLE_SQL = """
SELECT v.n, p.id, p.full_name, p.birth_year, p.similarity
FROM unnest(%s::integer[], %s::bigint[], %s::text[], %s::integer[]) AS v(n, site_id, key, birth_year)
CROSS JOIN LATERAL (
    SELECT p.id, p.full_name, p.birth_year, word_similarity(v.key, p.name_key) AS similarity
    FROM {table} p
    WHERE p.site_id = v.site_id AND p.merged_into_id IS NULL
      AND (v.birth_year IS NULL OR p.birth_year IS NULL OR p.birth_year BETWEEN v.birth_year - 1 AND v.birth_year + 1)
      AND (p.name_key LIKE '%%' || v.key || '%%' OR p.name_key %%> v.key)
    ORDER BY similarity DESC, p.id
    LIMIT %s
) p
"""


# --- The steps of an import ---------------------------------------------------------------------


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
        if declared and declared > MAX_ROWS + 1000:
            # Only a hint: the count that matters is made while reading (blank rows left out).
            raise ImportFileError(_too_many_rows())
        expected = max((declared or 1) - 1, 0)
    else:
        # Counting the records of a CSV is quick (no cell is parsed): a file that is too long is refused now.
        expected = max(sum(1 for _number, cells in iter_rows(uploaded, info) if any(cells)) - 1, 0)
        if expected > MAX_ROWS:
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
        "limit": f"{MAX_ROWS:,}".replace(",", " ")
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
            _advance(batch, None if to_the_end else (max_rows or CHUNK_ROWS))
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
                if batch.row_count + len(pending) >= MAX_ROWS:
                    raise ImportFileError(_too_many_rows())
                pending.append((number, cells))
                batch.position = number
                taken += 1
                if len(pending) >= CHUNK_ROWS:
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
    _delete_file(name)


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


# --- Commit -------------------------------------------------------------------------------------


def commit(batch_id: int, user) -> ImportBatch:
    """Apply every staged row in one transaction, or nothing (ImportRefused says why)."""
    started = timezone.now()
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
        if batch.status == ImportBatch.Status.COMMITTED:
            raise ImportRefused(_("This file has already been imported."))
        if batch.status != ImportBatch.Status.READY:
            raise ImportRefused(_("The file has not been checked yet."))
        if batch.error_count:
            raise ImportRefused(_("Some rows have errors: correct the file and upload it again. Nothing was imported."))
        if registry_stamp(batch.kind) != batch.registry_stamp:
            raise ImportRefused(
                _("The registry has changed since this preview was made. Check the file again before importing."),
                stale=True,
            )
        writer = Writer(batch, user)
        rows = batch.rows.filter(action__in=[ImportRow.Action.CREATE, ImportRow.Action.UPDATE]).order_by("number")
        chunk = []
        for row in rows.iterator(chunk_size=CHUNK_ROWS):
            chunk.append(row)
            if len(chunk) >= CHUNK_ROWS:
                writer.write(chunk)
                chunk = []
        if chunk:
            writer.write(chunk)
        # A scan of possible duplicates running meanwhile could not see these rows: compare them again.
        recheck_from(RECORD_KINDS[batch.kind], PilotSite.objects.all(), started)
        batch.status = ImportBatch.Status.COMMITTED
        batch.committed_at = timezone.now()
        batch.save()
        # Data responsibility: once imported, the uploaded file and the rows' raw values are not kept (the
        # records and their history hold what was imported); each row keeps its label, action and changes.
        batch.rows.update(data={}, matches=[])
        file_name = batch.file.name
        transaction.on_commit(lambda: _delete_file(file_name))
    return batch


def _delete_file(name):
    if name:
        with contextlib.suppress(OSError):
            default_storage.delete(name)


class Writer:
    """Saves staged rows as records. Changed records are saved one by one (each change in its history).
    New records are saved one by one too (their own save() works out their keys), but their history is
    written per chunk: one "created" entry each, with its thematic directions and target groups, instead
    of the three entries and some twenty queries that a save and two m2m sets cost (measured: 10,000
    organizations took 11 minutes that way on a shared database server)."""

    M2M = ("thematic_areas", "target_groups")

    def __init__(self, batch, user):
        self.batch = batch
        self.user = user
        self.kind = batch.kind
        self.model = MODELS[batch.kind]
        self.reason = batch.change_reason

    def write(self, rows):
        targets = {
            obj.pk: obj
            for obj in self.model.objects.select_for_update(of=("self",)).filter(
                pk__in=[row.target_id for row in rows if row.target_id]
            )
        }
        created = []
        for row in rows:
            obj = targets.get(row.target_id) if row.target_id else None
            if row.target_id and obj is None:
                raise ImportRefused(
                    _("The registry has changed since this preview was made. Check the file again before importing."),
                    stale=True,
                )
            if obj is None:
                created.append((row, self.create(row)))
            else:
                self.save(row, obj)
        if created:
            self.record_created(created)
            for row, (obj, _many) in created:
                row.target_id = obj.pk
            ImportRow.objects.bulk_update([row for row, _created in created], ["target_id"])

    def create(self, row):
        """A new record saved without a history entry (`record_created` writes it); its m2m values."""
        data = dict(row.data)
        data.pop("id", None)
        many = {name: data.pop(name) for name in (*self.M2M, "memberships") if name in data}
        obj = self.model()
        self.apply(obj, data, new=True, changes=row.changes)
        obj.skip_history_when_saving = True
        try:
            obj.save()
        finally:
            del obj.skip_history_when_saving
        return obj, many

    def record_created(self, created):
        history_model = self.model.history.model
        history = {
            entry.id: entry
            for entry in self.model.history.bulk_history_create(
                [obj for _row, (obj, _many) in created], default_user=self.user, default_change_reason=self.reason
            )
        }
        for name in self.M2M:
            if self.kind != ImportBatch.Kind.ORGANIZATIONS:
                break
            through = getattr(self.model, name).through
            source = next(f for f in through._meta.fields if f.is_relation and f.related_model is self.model)
            target = next(f for f in through._meta.fields if f.is_relation and f.related_model is not self.model)
            links = through.objects.bulk_create(
                [
                    through(**{source.attname: obj.pk, target.attname: pk})
                    for _row, (obj, many) in created
                    for pk in many.get(name, [])
                ]
            )
            # The history entry of each new record lists its links, as simple-history would.
            m2m_history = apps.get_model(history_model._meta.app_label, f"{history_model.__name__}_{name}")
            m2m_history.objects.bulk_create(
                [
                    m2m_history(
                        history=history[getattr(link, source.attname)],
                        **{"id": link.pk, source.attname: getattr(link, source.attname)},
                        **{target.attname: getattr(link, target.attname)},
                    )
                    for link in links
                ]
            )
        for _row, (obj, many) in created:
            for organization_id, role in many.get("memberships", []):
                membership = Membership(person=obj, organization_id=organization_id, role=role)
                membership._change_reason = self.reason
                if self.user is not None:
                    membership._history_user = self.user
                membership.save()

    def apply(self, obj, data, new, changes):
        for name, value in data.items():
            if name in ("type", "site", "settlement"):
                setattr(obj, f"{name}_id", value)
            elif name == "consent_date":
                obj.consent_date = date.fromisoformat(value) if value else None
            else:
                setattr(obj, name, value)
        if "public_listing_consent" in data:
            # As the form does: who recorded the consent and when; no consent, no sensitive consent.
            obj.record_consent(self.user, obj.public_listing_consent)
        if new and self.kind == ImportBatch.Kind.ORGANIZATIONS:
            obj.created_by = self.user
        if self.kind == ImportBatch.Kind.PEOPLE and ({"consent_date", "consent_purpose"} & set(changes) or new):
            obj.consent_recorded_by = self.user

    def save(self, row, obj):
        """An existing record: the changed fields saved, with a history entry naming the import."""
        data = dict(row.data)
        data.pop("id", None)
        many = {name: data.pop(name) for name in (*self.M2M, "memberships") if name in data}
        self.apply(obj, data, new=False, changes=row.changes)
        # Also for a change of thematic directions alone: simple-history records it from the m2m signal.
        obj._change_reason = self.reason
        if self.user is not None:
            obj._history_user = self.user
        if any(name in row.changes for name in data):
            obj.version += 1
            obj.save()
        for name in self.M2M:
            if name in many and name in row.changes:
                getattr(obj, name).set(many[name])
        if "memberships" in many:
            existing = set(obj.memberships.values_list("organization_id", "role"))
            for organization_id, role in many["memberships"]:
                if (organization_id, role) not in existing:
                    membership = Membership(person=obj, organization_id=organization_id, role=role)
                    membership._change_reason = self.reason
                    if self.user is not None:
                        membership._history_user = self.user
                    membership.save()
        return obj


# --- The template ---------------------------------------------------------------------------------

FORMATS = {
    "id": gettext_lazy("Id of the record in the portal (as in the export). Leave blank for new records."),
    "text": gettext_lazy("Text."),
    "int": gettext_lazy("Whole number."),
    "float": gettext_lazy("Number; a decimal point or comma."),
    "bool": gettext_lazy("Yes or no: 1/0, true/false, ооба/жок, да/нет."),
    "date": gettext_lazy("Date as dd.mm.yyyy (or a date cell)."),
    "email": gettext_lazy("Email address."),
    "url": gettext_lazy("Web address."),
    "choice": gettext_lazy("One of the values listed in “values”: its code or its name in any language."),
    "multichoice": gettext_lazy("Several of the values listed in “values”, separated by “;”."),
    "reference": gettext_lazy("One of the values listed in “values”: its code or its name in any language."),
    "references": gettext_lazy("Several of the values listed in “values”, separated by “;”."),
    "memberships": gettext_lazy("Organization id and role, separated by “;”: 12:leader; 40:member."),
}
FORMAT_NOTES = {
    "site": gettext_lazy("Pilot site: its code (slug), official code or name."),
    "settlement": gettext_lazy("Settlement of the pilot site: its official (SOATE) code or name."),
    "name_ky": gettext_lazy("Give the name in Kyrgyz, in Russian, or both."),
    "name_ru": gettext_lazy("Give the name in Kyrgyz, in Russian, or both."),
    "consent_date": gettext_lazy("Required for new people: when the person gave consent to their data being kept."),
}


def _value_lists(kind) -> list[tuple[str, str, list[tuple]]]:
    """(column, list title, [(code, ky, ru, en, note)]) for every column with a closed list of values."""
    lists = []

    def names(obj):
        return obj.name_ky, obj.name_ru, obj.name_en

    sites = list(PilotSite.objects.all())
    lists.append(("site", _("pilot site"), [(s.slug, *names(s), s.soate_code) for s in sites]))
    site_names = {s.pk: s.slug for s in sites}
    lists.append(
        (
            "settlement",
            _("settlement"),
            [(s.soate_code, *names(s), site_names.get(s.site_id, "")) for s in Settlement.objects.all()],
        )
    )
    for column in COLUMNS[kind]:
        if column.kind in ("choice", "multichoice"):
            rows = []
            for value, label in column.choices:
                translated = []
                for language in LANGUAGES:
                    with translation.override(language):
                        translated.append(str(label))
                rows.append((value, *translated, ""))
            lists.append((column.name, str(column.label), rows))
    if kind == ImportBatch.Kind.ORGANIZATIONS:
        lists.append(
            ("type", _("type"), [(t.code, *names(t), "") for t in OrganizationType.objects.filter(is_active=True)])
        )
        lists.append(
            ("thematic_areas", _("thematic directions"), [(a.code, *names(a), "") for a in ThematicArea.objects.all()])
        )
        lists.append(
            ("target_groups", _("target groups"), [(g.code, *names(g), "") for g in TargetGroup.objects.all()])
        )
    else:
        lists.append(
            ("memberships", _("role"), [(value, *_translations(label), "") for value, label in MembershipRole.choices])
        )
    return lists


def _translations(label):
    result = []
    for language in LANGUAGES:
        with translation.override(language):
            result.append(str(label))
    return result


def build_template(kind, language, stream):
    """An XLSX to fill in: the data sheet with its header in `language`, a sheet describing each
    column (names in three languages, required or not, format), the allowed values in three languages,
    and drop-down lists on the columns that take one value of a list."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    bold = Font(bold=True)
    workbook = Workbook()
    data = workbook.active
    columns = [column for column in COLUMNS[kind] if column.name != "id"]
    with translation.override(language):
        data.title = str(_("data"))
        column_sheet = workbook.create_sheet(str(_("columns")))
        value_sheet = workbook.create_sheet(str(_("values")))
        lists_sheet = workbook.create_sheet("lists")
        lists_sheet.sheet_state = "hidden"
        for index, column in enumerate(columns, 1):
            cell = data.cell(row=1, column=index, value=str(column.label))
            cell.font = bold
            data.column_dimensions[get_column_letter(index)].width = max(14, min(40, len(str(column.label)) + 4))
        data.freeze_panes = "A2"

        column_sheet.append([str(_("code")), "ky", "ru", "en", str(_("required")), str(_("format"))])
        for column in columns:
            verbose = column.verbose_names()
            required = column.required or column.name in ("name_ky", "name_ru")
            note = FORMAT_NOTES.get(column.name) or FORMATS[column.kind]
            column_sheet.append(
                [column.name, verbose["ky"], verbose["ru"], verbose["en"], str(_("yes")) if required else "", str(note)]
            )
        for cell in column_sheet[1]:
            cell.font = bold

        value_sheet.append([str(_("column")), str(_("code")), "ky", "ru", "en", str(_("note"))])
        for cell in value_sheet[1]:
            cell.font = bold
        position = {column.name: index for index, column in enumerate(columns, 1)}
        list_column = 0
        language_index = {"ky": 1, "ru": 2, "en": 3}[language]
        for name, title, rows in _value_lists(kind):
            for row in rows:
                # Names come from the registry's lists: through `neutralise`, as every export (openpyxl would
                # store a name starting with "=" as a formula).
                value_sheet.append([name, *map(neutralise, row)])
            column_kind = next((c.kind for c in columns if c.name == name), "")
            if name in position and column_kind in ("choice", "reference") and rows:
                # A drop-down of the names in the chosen language (the import reads names and codes alike).
                list_column += 1
                letter = get_column_letter(list_column)
                lists_sheet.cell(row=1, column=list_column, value=str(title))
                for offset, row in enumerate(rows, 2):
                    lists_sheet.cell(row=offset, column=list_column, value=neutralise(row[language_index] or row[0]))
                validation = DataValidation(
                    type="list", formula1=f"lists!${letter}$2:${letter}${len(rows) + 1}", allow_blank=True
                )
                validation.showErrorMessage = False  # codes and other languages are accepted too
                data.add_data_validation(validation)
                target = get_column_letter(position[name])
                validation.add(f"{target}2:{target}{MAX_ROWS + 1}")
        for sheet in (column_sheet, value_sheet):
            for letter, width in zip("ABCDEF", (22, 34, 34, 34, 12, 50), strict=True):
                sheet.column_dimensions[letter].width = width
    workbook.save(stream)
