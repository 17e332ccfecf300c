"""Checking a document attached to an application by its content, not its name: PDF, JPEG, PNG, Word (.docx) or
Excel (.xlsx) up to 10 MB. A program (Windows .exe, Linux ELF, a script) or a macro-enabled Office file is refused
with a message a field officer understands."""

import re
import zipfile

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_BYTES = 10 * 1024 * 1024
SIGNATURES = [(b"%PDF-", "pdf"), (b"\xff\xd8\xff", "jpg"), (b"\x89PNG\r\n\x1a\n", "png")]
PROGRAMS = [b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe"]
OFFICE = {"word/document.xml": "docx", "xl/workbook.xml": "xlsx"}
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")

NOT_ALLOWED = _("Attach a PDF, a JPEG or PNG image, a Word (.docx) or an Excel (.xlsx) file.")


def check_attachment(upload) -> str:
    """The file's type ("pdf", "jpg", "png", "docx", "xlsx"), or a ValidationError saying why it is refused."""
    if upload.size > MAX_BYTES:
        raise ValidationError(_("The file is too large. The limit is 10 MB."), code="too_large")
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if any(head.startswith(magic) for magic in PROGRAMS):
        raise ValidationError(_("This file is a program, not a document: it is not accepted."), code="program")
    for magic, kind in SIGNATURES:
        if head.startswith(magic):
            return kind
    if head.startswith(b"PK\x03\x04"):
        return _office_kind(upload)
    raise ValidationError(NOT_ALLOWED, code="type")


def _office_kind(upload) -> str:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ValidationError(_("The file is damaged and cannot be read."), code="damaged") from None
    finally:
        upload.seek(0)
    if any(name.lower().endswith((".bin", ".exe", ".dll", ".js", ".vbs")) for name in names):
        raise ValidationError(_("Office files with macros or programs inside are not accepted."), code="macro")
    for marker, kind in OFFICE.items():
        if marker in names:
            return kind
    raise ValidationError(NOT_ALLOWED, code="type")


def stored_name(original: str, kind: str) -> str:
    """A safe file name with the extension of what the file really is."""
    base = SAFE_NAME.sub("-", original.rsplit("/", 1)[-1].rsplit(".", 1)[0]).strip("-")[:60] or "document"
    return f"{base}.{kind}"
