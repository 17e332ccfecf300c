"""Hostile upload files built in memory, small on disk: decompression bombs, polyglots, wrong types.

Used by tests/mapping_portal/test_fuzz_uploads.py (small sizes) and tools/measure_uploads.py (the sizes of issue #21).
"""

import io
import struct
import zipfile
import zlib


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bomb(width: int, height: int, *, channels: int = 1) -> bytes:
    """A valid PNG of width × height black pixels (grey or RGB), zlib-compressed: tiny file, huge canvas."""
    colour = {1: 0, 3: 2}[channels]
    header = struct.pack(">IIBBBBB", width, height, 8, colour, 0, 0, 0)
    row = b"\x00" * (1 + width * channels)
    compressor = zlib.compressobj(9)
    rows_per_block = max(1, (1 << 20) // len(row))
    block = row * rows_per_block
    parts, left = [], height
    while left > 0:
        count = min(left, rows_per_block)
        parts.append(compressor.compress(block if count == rows_per_block else row * count))
        left -= count
    parts.append(compressor.flush())
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", b"".join(parts)) + _chunk(b"IEND", b"")


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims width × height with almost no pixel data: enough for a check that reads the header."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _chunk(b"IEND", b"")
    )


def gif_bomb(width: int, height: int) -> bytes:
    """A GIF89a whose screen and single frame claim width × height, with one pixel of data."""
    screen = b"GIF89a" + struct.pack("<HHBBB", width, height, 0x80, 0, 0) + b"\x00\x00\x00\xff\xff\xff"
    frame = b"\x2c" + struct.pack("<HHHHB", 0, 0, width, height, 0) + b"\x02\x02\x44\x01\x00"
    return screen + frame + b"\x3b"


def small_png(width: int = 8, height: int = 8) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def png_html_polyglot() -> bytes:
    return small_png() + b"<html><script>alert(document.cookie)</script></html>"


def png_zip_polyglot() -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("evil.js", "alert(1)")
    return small_png() + archive.getvalue()


SVG_SCRIPT = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><rect width="9" height="9"/></svg>'
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200
CSV_WITH_NUL = b"name_ky,type,site\nA\x00B,ngo,kyshtut\n"

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "%s</Types>"
)
_SHARED_TYPE = (
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
    'main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>%s</Relationships>'
)
_SHARED_REL = (
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml"/>'
)
_SHEET_HEAD = '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
_SHEET_TAIL = "</sheetData></worksheet>"
HEADER = ("name_ky", "type", "site")


def _cell(column: str, row: int, text: str) -> str:
    return f'<c r="{column}{row}" t="inlineStr"><is><t>{text}</t></is></c>'


def _letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def xlsx(sheet_parts, shared_parts=None) -> bytes:
    """An XLSX whose sheet XML (and shared strings, if any) are written from iterables of str, streamed."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        out.writestr("[Content_Types].xml", _CONTENT_TYPES % (_SHARED_TYPE if shared_parts else ""))
        out.writestr("_rels/.rels", _ROOT_RELS)
        out.writestr("xl/workbook.xml", _WORKBOOK)
        out.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS % (_SHARED_REL if shared_parts else ""))
        with out.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            for part in sheet_parts:
                sheet.write(part.encode())
        if shared_parts:
            with out.open("xl/sharedStrings.xml", "w", force_zip64=True) as shared:
                for part in shared_parts:
                    shared.write(part.encode())
    return buffer.getvalue()


def xlsx_wide_header(columns: int) -> bytes:
    """A header row of `columns` cells: the required names, then filler names."""

    def parts():
        yield _SHEET_HEAD + '<row r="1">'
        names = list(HEADER) + [f"extra{index}" for index in range(columns - len(HEADER))]
        for index, name in enumerate(names):
            yield _cell(_letters(index), 1, name)
        yield "</row>" + _SHEET_TAIL

    return xlsx(parts())


def xlsx_long_rows(unpacked_mb: int) -> bytes:
    """The header then rows of repetitive cells until the sheet XML is about `unpacked_mb` MB: a zip bomb."""

    def parts():
        yield _SHEET_HEAD + '<row r="1">' + "".join(_cell(_letters(i), 1, n) for i, n in enumerate(HEADER)) + "</row>"
        size, number, target = 0, 2, unpacked_mb * 1024 * 1024
        while size < target:
            block = "".join(
                f'<row r="{n}">{_cell("A", n, "x" * 200)}{_cell("B", n, "ngo")}{_cell("C", n, "kyshtut")}</row>'
                for n in range(number, number + 1000)
            )
            number += 1000
            size += len(block)
            yield block
        yield _SHEET_TAIL

    return xlsx(parts())


def xlsx_one_huge_cell(unpacked_mb: int) -> bytes:
    """The header, then one row whose first cell holds `unpacked_mb` MB of text."""

    def parts():
        yield _SHEET_HEAD + '<row r="1">' + "".join(_cell(_letters(i), 1, n) for i, n in enumerate(HEADER)) + "</row>"
        yield '<row r="2"><c r="A2" t="inlineStr"><is><t>'
        chunk = "x" * (1 << 20)
        for _ in range(unpacked_mb):
            yield chunk
        yield "</t></is></c></row>" + _SHEET_TAIL

    return xlsx(parts())


def xlsx_shared_strings(unpacked_mb: int, varied: bool = False) -> bytes:
    """A normal small sheet, and a shared-strings part of about `unpacked_mb` MB (millions of short strings);
    `varied`: different strings, which compress about as well as real texts."""

    def sheet():
        yield _SHEET_HEAD + '<row r="1">'
        yield "".join(f'<c r="{_letters(i)}1" t="s"><v>{i}</v></c>' for i in range(3))
        yield "</row>" + _SHEET_TAIL

    def shared():
        yield '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        yield "".join(f"<si><t>{name}</t></si>" for name in HEADER)
        size, target = 0, unpacked_mb * 1024 * 1024
        number = 0
        while size < target:
            if varied:
                block = "".join(f"<si><t>{(number + i) * 7919 % 1_000_003:x}</t></si>" for i in range(10_000))
                number += 10_000
            else:
                block = "<si><t>ab</t></si>" * 10_000
            size += len(block)
            yield block
        yield "</sst>"

    return xlsx(sheet(), shared())
