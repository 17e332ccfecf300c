"""The text a PDF of the portal draws, read back without a PDF library (none is installed): ReportLab's output is
regular enough to read with a few expressions. Each page's content stream is decoded (ASCII85, Flate), each
string shown with `Tj` is mapped to Unicode through its font's ToUnicode map (DejaVu Sans is embedded as subsets
of 128 glyphs, so the byte codes mean nothing without it), and every shown string becomes one line."""

import base64
import re
import zlib

_OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.S)
_REFERENCE = rb"(\d+) 0 R"
_BFCHAR = re.compile(rb"<([0-9A-Fa-f]{2})> <([0-9A-Fa-f]{4,8})>")
# A font selection or a shown string, in the order the page draws them.
_SHOWING = re.compile(rb"/(\S+) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\) Tj", re.S)
_ESCAPE = re.compile(rb"\\([0-7]{1,3}|.)", re.S)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _stream(body: bytes) -> bytes:
    head, _keyword, rest = body.partition(b"stream")
    data = rest.lstrip(b"\r\n").rsplit(b"endstream", 1)[0]
    if b"/ASCII85Decode" in head:
        data = base64.a85decode(data.strip().removesuffix(b"~>"))
    if b"/FlateDecode" in head:
        data = zlib.decompress(data)
    return data


def _unescape(literal: bytes) -> bytes:
    def one(match):
        code = match.group(1)
        if code[:1].isdigit():
            return bytes([int(code, 8)])
        return _ESCAPES.get(code, code)

    return _ESCAPE.sub(one, literal)


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page, one shown string a line (a line of a paragraph, as laid out)."""
    objects = {int(number): body for number, body in _OBJECT.findall(pdf)}

    def font_maps(page: bytes) -> dict[bytes, dict[int, str]]:
        fonts = re.search(rb"/Font (?:" + _REFERENCE + rb"|<<(.*?)>>)", page, re.S)
        entries = objects[int(fonts.group(1))] if fonts.group(1) else fonts.group(2)
        maps = {}
        for name, number in re.findall(rb"/(\S+) " + _REFERENCE, entries):
            unicode = re.search(rb"/ToUnicode " + _REFERENCE, objects[int(number)])
            if unicode is None:  # a standard font (Helvetica): WinAnsi, ASCII for what we draw with it
                maps[name] = {}
                continue
            cmap = _stream(objects[int(unicode.group(1))])
            maps[name] = {int(code, 16): chr(int(char, 16)) for code, char in _BFCHAR.findall(cmap)}
        return maps

    def page_numbers(node: int) -> list[int]:
        body = objects[node]
        kids = re.search(rb"/Kids \[(.*?)\]", body, re.S)
        if kids is None:
            return [node]
        return [page for kid in re.findall(_REFERENCE, kids.group(1)) for page in page_numbers(int(kid))]

    root = next(number for number, body in objects.items() if re.search(rb"/Type /Pages\b", body))
    while parent := re.search(rb"/Parent " + _REFERENCE, objects[root]):  # the top of the page tree
        root = int(parent.group(1))
    pages = []
    for number in page_numbers(root):
        page = objects[number]
        maps = font_maps(page)
        contents = re.search(rb"/Contents " + _REFERENCE, page)
        lines, current = [], {}
        for font, literal in _SHOWING.findall(_stream(objects[int(contents.group(1))])):
            if font:
                current = maps.get(font, {})
            else:
                lines.append("".join(current.get(code) or chr(code) for code in _unescape(literal)))
        pages.append("\n".join(lines))
    return pages


def squeezed(text: str) -> str:
    """Text without any white space: a paragraph's words are the same whichever lines it was broken into."""
    return re.sub(r"\s+", "", text)
