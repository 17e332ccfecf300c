"""Checking a document attached to an application by its content, not its name: PDF, JPEG, PNG, Word (.docx) or
Excel (.xlsx) up to 10 MB. A program (Windows .exe, Linux ELF, a script) or a macro-enabled Office file is refused
with a message a field officer understands."""

import io
import re
import struct
import warnings
import zipfile

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_BYTES = 10 * 1024 * 1024
SIGNATURES = [(b"%PDF-", "pdf"), (b"\xff\xd8\xff", "jpg"), (b"\x89PNG\r\n\x1a\n", "png")]
PROGRAMS = [b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe"]
OFFICE = {"word/document.xml": "docx", "xl/workbook.xml": "xlsx"}
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")

IMAGE_FORMATS = {"jpg": "JPEG", "png": "PNG"}
# Attachments are stored as they come, so a picture is checked as photos are (type by content, sides,
# pixels: the reader's browser decodes it) and must end where the image ends: nothing hidden after it
# (an HTML page or a zip appended to a PNG makes a file that is two things at once).
MAX_IMAGE_PIXELS = 25_000_000
MAX_UNPACKED = 100 * 1024 * 1024  # a Word or Excel file's parts, unpacked
MAX_RATIO = 200  # unpacked / packed size of one part over 1 MB
NOT_ONLY_AN_IMAGE = _("The image has other data after its end (it may hide a program or a web page): save it again.")
DAMAGED_IMAGE = _("The image is damaged and cannot be read.")

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
            if kind in IMAGE_FORMATS:
                _check_image(upload, kind)
            return kind
    if head.startswith(b"PK\x03\x04"):
        return _office_kind(upload)
    raise ValidationError(NOT_ALLOWED, code="type")


def _check_image(upload, kind):
    """Header only (Image.open reads no pixel): the format it claims, its size; then nothing after its end."""
    from PIL import Image, UnidentifiedImageError

    from mapping_portal.images import check_dimensions

    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[IMAGE_FORMATS[kind]])
            if kind == "png":
                image.verify()  # the chunks' checksums; no pixel is decoded
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("The image has too many pixels. The limit is %(limit)s megapixels: make it smaller and try again."),
            code="too_many_pixels",
            params={"limit": MAX_IMAGE_PIXELS // 1_000_000},
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, struct.error):
        raise ValidationError(DAMAGED_IMAGE, code="damaged") from None
    # Never decoded here, so a scan in PNG may have as many pixels as one in JPEG.
    check_dimensions(image, MAX_IMAGE_PIXELS, reducible=True)
    end = _png_end(data) if kind == "png" else _jpeg_end(data)
    if end is None:
        raise ValidationError(DAMAGED_IMAGE, code="damaged")
    if data[end:].strip(b"\x00"):
        raise ValidationError(NOT_ONLY_AN_IMAGE, code="trailing_data")


def _png_end(data: bytes) -> int | None:
    """Where a PNG's IEND chunk ends, walking the chunks by their lengths."""
    position = 8
    while position + 12 <= len(data):
        length, chunk = struct.unpack(">I4s", data[position : position + 8])
        position += 12 + length
        if chunk == b"IEND":
            return position if position <= len(data) else None
    return None


def _jpeg_end(data: bytes) -> int | None:
    """Where a JPEG's last end-of-image marker ends (a JPEG must end there; embedded thumbnails have their own)."""
    end = data.rstrip(b"\x00").rfind(b"\xff\xd9")
    return None if end < 0 else end + 2


def _office_kind(upload) -> str:
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ValidationError(_("The file is damaged and cannot be read."), code="damaged") from None
    finally:
        upload.seek(0)
    # Stored as it comes, then opened by the reader's Word or Excel: no zip bomb (the declared sizes, before unpacking).
    if sum(entry.file_size for entry in entries) > MAX_UNPACKED or any(
        entry.file_size > 1024 * 1024 and entry.file_size > MAX_RATIO * max(entry.compress_size, 1) for entry in entries
    ):
        raise ValidationError(
            _("The file unpacks to far more than its size (a compressed bomb): it is not accepted."), code="bomb"
        )
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
