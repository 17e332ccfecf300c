"""Checking an uploaded file before any of its data is read — its type, size, zip entries, password — and the
bounds every row read must keep. Each refusal is an ImportFileError in words a field officer understands."""

import codecs
import unicodedata
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stakeholders.importing import limits

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


class ImportFileError(Exception):
    """The file cannot be imported at all; the message says why, in words a field officer understands."""

    def __init__(self, message):
        super().__init__(message)
        self.message = str(message)


@dataclass
class FileInfo:
    format: str  # "csv" or "xlsx"
    encoding: str = ""
    delimiter: str = ""


def inspect_file(stream, size: int) -> FileInfo:
    """What kind of file this is, refusing what cannot be imported — before any data is read."""
    if size > limits.MAX_FILE_SIZE:
        raise ImportFileError(
            _("The file is %(size)s MB; the limit is %(limit)s MB. Split it into smaller files.")
            % {"size": round(size / 1024 / 1024, 1), "limit": limits.MAX_FILE_SIZE // 1024 // 1024}
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
        entry.file_size > 1024 * 1024 and entry.file_size > limits.MAX_PART_RATIO * max(entry.compress_size, 1)
        for entry in entries
    )
    shared = sum(entry.file_size for entry in entries if entry.filename.lower() == "xl/sharedstrings.xml")
    if shared > limits.MAX_SHARED_STRINGS:
        raise ImportFileError(
            _("The workbook's texts unpack to more than %(limit)s MB. Split it into smaller files.")
            % {"limit": limits.MAX_SHARED_STRINGS // 1024 // 1024}
        )
    if sum(entry.file_size for entry in entries) > limits.MAX_UNCOMPRESSED_SIZE:
        raise ImportFileError(
            _("The workbook unpacks to more than %(limit)s MB. Split it into smaller files.")
            % {"limit": limits.MAX_UNCOMPRESSED_SIZE // 1024 // 1024}
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


def bounded_row(number, values: list) -> list:
    """A row within the limits (columns with a value, characters per cell), empty cells beyond the last column
    left out; or ImportFileError naming the row."""
    while len(values) > limits.MAX_COLUMNS and values[-1] in (None, ""):
        values.pop()
    if len(values) > limits.MAX_COLUMNS:
        raise ImportFileError(
            _(
                "Row %(row)s has more than %(limit)s columns. A file may have at most %(limit)s columns: remove the "
                "ones the portal does not need."
            )
            % {"row": number, "limit": limits.MAX_COLUMNS}
        )
    for index, value in enumerate(values):
        if isinstance(value, str) and len(value) > limits.MAX_CELL_CHARS:
            raise ImportFileError(
                _("Cell %(cell)s has more than %(limit)s characters; a cell may hold at most %(limit)s.")
                % {"cell": f"{column_letter(index)}{number}", "limit": f"{limits.MAX_CELL_CHARS:,}".replace(",", " ")}
            )
    if sum(len(value) for value in values if isinstance(value, str)) > limits.MAX_ROW_CHARS:
        raise ImportFileError(row_too_wide(number))
    return values


def row_too_wide(number) -> str:
    return _("Row %(row)s is too long: a row may hold at most %(limit)s characters.") % {
        "row": number,
        "limit": f"{limits.MAX_ROW_CHARS:,}".replace(",", " "),
    }


def column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)
