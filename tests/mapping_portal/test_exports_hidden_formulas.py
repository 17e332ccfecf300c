"""Formulas hidden behind what a spreadsheet trims or does not show — spaces, zero-width and bidi characters — and
full-width signs are neutralised like plain ones, in CSV and XLSX; the import takes the apostrophe off again; the
import template's lists go through the same function."""

import csv
import io
import zipfile

import openpyxl
import pytest

from mapping_portal import exports
from stakeholders import importing

SIGNS = ["=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20"]  # ＝ ＋ － ＠ full-width
PREFIXES = {
    "space": " ",
    "spaces": "   ",
    "no-break space": "\u00a0",
    "ideographic space": "\u3000",
    "zero-width space": "\u200b",
    "zero-width non-joiner": "\u200c",
    "zero-width joiner": "\u200d",
    "word joiner": "\u2060",
    "byte order mark": "\ufeff",
    "left-to-right mark": "\u200e",
    "right-to-left mark": "\u200f",
    "right-to-left override": "\u202e",
    "left-to-right embedding": "\u202a",
    "first-strong isolate": "\u2068",
    "pop directional isolate": "\u2069",
    "arabic letter mark": "\u061c",
    "soft hyphen": "\u00ad",
    "combining grapheme joiner": "\u034f",
    "hangul filler": "\u3164",
    "line feed": "\n",
    "mixed": " \u200b\u2060\u00a0\ufeff ",
}
HIDDEN = [prefix + sign + 'HYPERLINK("http://x","Басыңыз")' for prefix in PREFIXES.values() for sign in SIGNS]


@pytest.mark.parametrize("prefix", PREFIXES.values(), ids=PREFIXES.keys())
@pytest.mark.parametrize("sign", SIGNS, ids=[f"U+{ord(sign):04X}" for sign in SIGNS])
def test_a_formula_sign_after_spaces_or_invisible_characters_is_neutralised(prefix, sign):
    text = f"{prefix}{sign}1+1"
    assert exports.looks_like_formula(text)
    assert exports.neutralise(text) == "'" + text


@pytest.mark.parametrize("sign", SIGNS[6:], ids=["＝", "＋", "－", "＠"])
def test_a_full_width_sign_at_the_start_is_neutralised(sign):
    assert exports.neutralise(f"{sign}SUM(A1:A9)") == f"'{sign}SUM(A1:A9)"


@pytest.mark.parametrize(
    "harmless",
    [" Бишкек", "\u200bЖаңы-Жол", "\u00a0 1+1", "\ufeffa=b", " 'quoted", "   ", "\u200b", "Өзгөн = 5", "№ 12-3"],
)
def test_text_whose_first_visible_character_is_no_sign_is_left_as_it_is(harmless):
    assert not exports.looks_like_formula(harmless)
    assert exports.neutralise(harmless) == harmless


def test_the_csv_export_neutralises_hidden_formulas():
    rows = [[text, 1] for text in HIDDEN]
    content = b"".join(exports.csv_response("x.csv", ["текст", "n"], rows).streaming_content)
    read = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))[1:]
    assert [row[0] for row in read] == ["'" + text for text in HIDDEN]
    written = io.StringIO(newline="")
    exports.write_csv(written, ["текст"], [[text] for text in HIDDEN])
    read = list(csv.reader(io.StringIO(written.getvalue().removeprefix("\ufeff"), newline="")))[1:]
    assert [row[0] for row in read] == ["'" + text for text in HIDDEN]


def test_the_xlsx_export_neutralises_hidden_formulas():
    stream = io.BytesIO()
    exports.write_xlsx(stream, ["\u200b=текст"], [[text] for text in HIDDEN])
    sheet = openpyxl.load_workbook(io.BytesIO(stream.getvalue())).active
    assert sheet["A1"].value == "'\u200b=текст"
    # (XML may read a carriage return back as a line feed: it depends on the parser openpyxl finds.)
    read = [row[0].value.replace("\r", "\n") for row in sheet.iter_rows(min_row=2)]
    assert read == ["'" + text.replace("\r", "\n") for text in HIDDEN]
    with zipfile.ZipFile(stream) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")


def test_a_control_character_that_xlsx_drops_does_not_uncover_a_formula():
    """A vertical tab is removed from XLSX text (the format refuses it): the sign behind it was seen first."""
    stream = io.BytesIO()
    exports.write_xlsx(stream, ["a"], [["\x0b=1+1"]])
    assert openpyxl.load_workbook(stream).active["A2"].value == "'=1+1"


@pytest.mark.parametrize("text", ["\u200b=1+1", "\uff1dSUM(A1)", "\u2060@x", "\u00a0-5"])
def test_the_import_takes_the_apostrophe_off_again(text):
    assert importing.clean_text(exports.neutralise(text)) == text
    assert importing.clean_text("'Бишкек") == "'Бишкек"  # an apostrophe the export did not add stays


@pytest.mark.django_db
def test_the_import_templates_lists_are_neutralised(registry):
    from stakeholders.models import OrganizationType

    OrganizationType.objects.create(code="evil", name_ky='\u200b=HYPERLINK("http://x")', name_ru="=1+1", order=99)
    stream = io.BytesIO()
    importing.build_template("organizations", "ky", stream)
    workbook = openpyxl.load_workbook(io.BytesIO(stream.getvalue()))
    values = [cell.value for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    assert '\'\u200b=HYPERLINK("http://x")' in values and "'=1+1" in values
    assert not any(isinstance(value, str) and exports.looks_like_formula(value) for value in values)
