"""The shared export mechanism: formula-safe cells, streamed UTF-8 CSV, constant-memory XLSX."""

import codecs
import csv
import io
import tempfile
import tracemalloc
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from mapping_portal import exports

BISHKEK = ZoneInfo("Asia/Bishkek")  # UTC+6, no daylight saving time
HEADER = ["Аталышы", "Телефон", "Сумма", "Күнү"]


def rows_of(n, width=1):
    """n rows of `width` cells, made on demand."""
    for i in range(n):
        yield [f"row {i}"] * width


def csv_bytes(response) -> bytes:
    return b"".join(response.streaming_content)


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def xlsx_sheet(header, rows, sheet_title="export"):
    stream = io.BytesIO()
    count = exports.write_xlsx(stream, header, rows, sheet_title)
    stream.seek(0)
    return count, openpyxl.load_workbook(stream).active


# neutralise ------------------------------------------------------------------------------------


@pytest.mark.parametrize("dangerous", ["=1+1", "+996 555 123 456", "-2+3", "@SUM(A1:A9)", "\t=cmd", "\r=cmd"])
def test_a_string_a_spreadsheet_would_run_gets_a_leading_apostrophe(dangerous):
    assert exports.neutralise(dangerous) == "'" + dangerous


@pytest.mark.parametrize("harmless", ["Бишкек", "Жаңы-Жол айыл өкмөтү", "a=b", "1+1", "'quoted", ""])
def test_a_harmless_string_is_left_as_it_is(harmless):
    assert exports.neutralise(harmless) == harmless


@pytest.mark.parametrize("number", [-5, -1.5, Decimal("-2.50"), 0, True, False])
def test_numbers_even_negative_ones_stay_numbers(number):
    result = exports.neutralise(number)
    assert result == number
    assert type(result) is type(number)


def test_none_and_dates_are_returned_unchanged():
    moment = datetime(2024, 5, 1, 8, 30, tzinfo=UTC)
    assert exports.neutralise(None) is None
    assert exports.neutralise(date(2024, 5, 1)) == date(2024, 5, 1)
    assert exports.neutralise(moment) is moment


def test_lists_are_joined_into_one_neutralised_string():
    assert exports.neutralise(["Жаштар", "Аялдар"]) == "Жаштар; Аялдар"
    assert exports.neutralise(("a", None, "b")) == "a; b"
    assert exports.neutralise(['=HYPERLINK("http://x")', "b"]) == '\'=HYPERLINK("http://x"); b'
    assert exports.neutralise([date(2024, 5, 1), 3]) == "2024-05-01; 3"
    assert exports.neutralise([]) == ""


def test_other_objects_become_neutralised_text():
    assert exports.neutralise(gettext_lazy("=x")) == "'=x"
    assert type(exports.neutralise(gettext_lazy("Yes"))) is str


def test_csv_response_is_a_streamed_utf8_attachment():
    response = exports.csv_response("organizations.csv", HEADER, [["a", "b", 1, None]])
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="organizations.csv"'
    assert "no-store" in response["Cache-Control"]


def test_csv_starts_with_a_bom_and_kyrgyz_text_round_trips():
    rows = [["Көл-Тоо коомдук бирикмеси", "ң ө ү Ң Ө Ү", "Общественное объединение «Ёлка»"]]
    content = csv_bytes(exports.csv_response("x.csv", HEADER[:3], rows))
    assert content.startswith(codecs.BOM_UTF8)
    assert content.count(codecs.BOM_UTF8) == 1
    assert csv_rows(content) == [HEADER[:3], rows[0]]


def test_csv_cells_are_neutralised_but_numbers_are_not():
    rows = [["=1+1", "+996 555 123 456", -5, Decimal("-12.50"), "@x", "ok"]]
    content = csv_bytes(exports.csv_response("x.csv", ["a", "b", "c", "d", "e", "f"], rows))
    assert csv_rows(content)[1] == ["'=1+1", "'+996 555 123 456", "-5", "-12.50", "'@x", "ok"]


def test_csv_writes_none_as_empty_and_dates_as_iso():
    with timezone.override(BISHKEK):
        response = exports.csv_response(
            "x.csv",
            ["none", "date", "aware", "naive"],
            [[None, date(2024, 5, 1), datetime(2024, 5, 1, 2, 30, tzinfo=UTC), datetime(2024, 5, 1, 9, 15)]],
        )
    # Read after the timezone override ended: the timezone is the one of the request.
    row = csv_rows(csv_bytes(response))[1]
    assert row == ["", "2024-05-01", "2024-05-01T08:30:00+06:00", "2024-05-01T09:15:00+06:00"]


def test_csv_response_does_not_touch_the_rows_before_it_is_sent():
    started = False

    def rows():
        for i in range(3):
            if not started:
                raise AssertionError("rows were read before the response was sent")
            yield [i]

    response = exports.csv_response("x.csv", ["n"], rows())
    started = True
    assert csv_rows(csv_bytes(response)) == [["n"], ["0"], ["1"], ["2"]]


def test_csv_is_sent_in_chunks_while_the_rows_are_still_being_read():
    pulled = 0

    def rows():
        nonlocal pulled
        for i in range(100_000):
            pulled += 1
            yield [i, "Ысык-Көл облусу"]

    chunks = iter(exports.csv_response("x.csv", ["n", "region"], rows()).streaming_content)
    header, first_rows = next(chunks), next(chunks)
    assert header == codecs.BOM_UTF8 + b"n,region\r\n"
    assert first_rows.startswith(b"0,")
    # The first chunk of rows left long before all rows were read: nothing holds the whole file.
    assert 0 < pulled < 10_000
    assert sum(len(chunk) for chunk in chunks) > 1_000_000
    assert pulled == 100_000


def test_on_complete_gets_the_row_count_only_once_the_csv_was_sent():
    calls = []
    response = exports.csv_response("x.csv", ["n"], rows_of(1234), on_complete=calls.append)
    assert calls == []
    content = csv_bytes(response)
    assert calls == [1234]
    assert len(csv_rows(content)) == 1 + 1234


# Closing a response sends request_finished, which checks the database connection (with CONN_MAX_AGE set).
@pytest.mark.django_db
def test_an_aborted_csv_download_reports_the_rows_that_left():
    calls = []
    response = exports.csv_response("x.csv", ["n"], rows_of(100_000), on_complete=calls.append)
    chunks = iter(response.streaming_content)
    received = next(chunks) + next(chunks)
    response.close()  # what the WSGI server does when the client goes away
    assert calls == [len(csv_rows(received)) - 1]
    assert 0 < calls[0] < 100_000


def test_write_csv_writes_the_same_file_and_counts_rows():
    rows = [["=cmd", "Өзгөн", None, date(2024, 1, 31), -3], ["b", "ү", 1.5, None, 0]]
    stream = io.StringIO(newline="")
    assert exports.write_csv(stream, ["a", "b", "c", "d", "e"], rows) == 2
    response = exports.csv_response("x.csv", ["a", "b", "c", "d", "e"], rows)
    assert stream.getvalue().encode("utf-8") == csv_bytes(response)


# XLSX ------------------------------------------------------------------------------------------


def test_xlsx_has_a_bold_frozen_header_and_the_values():
    count, sheet = xlsx_sheet(HEADER, [["Ак-Суу", "0555 123 456", 1500, None], ["Ноокат", "ң ө ү", -2.5, None]])
    assert count == 2
    assert [cell.value for cell in sheet[1]] == HEADER
    assert all(cell.font.bold for cell in sheet[1])
    assert not sheet["A2"].font.bold
    assert sheet.freeze_panes == "A2"
    assert [cell.value for cell in sheet[2]] == ["Ак-Суу", "0555 123 456", 1500, None]
    assert [cell.value for cell in sheet[3]] == ["Ноокат", "ң ө ү", -2.5, None]


def test_xlsx_never_holds_a_formula():
    count, sheet = xlsx_sheet(["a", "b", "c", "d"], [["=1+1", "+cmd", "#N/A", -7]])
    formula, plus, error_code, number = sheet[2]
    assert (formula.value, formula.data_type) == ("'=1+1", "s")
    assert (plus.value, plus.data_type) == ("'+cmd", "s")
    # Stored as text too, not as Excel's error value.
    assert (error_code.value, error_code.data_type) == ("#N/A", "s")
    assert (number.value, number.data_type) == (-7, "n")


def test_xlsx_file_contains_no_formula_element():
    stream = io.BytesIO()
    exports.write_xlsx(stream, ["=a"], [["=1+1"], ["=SUM(A1:A2)"], ["@x"]])
    with zipfile.ZipFile(stream) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml")
    assert b"<f" not in xml and b":f>" not in xml
    assert b"=SUM(A1:A2)" in xml


def test_xlsx_dates_are_real_dates_in_local_time():
    with timezone.override(BISHKEK):
        _, sheet = xlsx_sheet(
            ["date", "aware", "naive"],
            [[date(2024, 5, 1), datetime(2024, 5, 1, 2, 30, tzinfo=UTC), datetime(2024, 5, 1, 9, 15)]],
        )
    day, aware, naive = sheet[2]
    assert day.value == datetime(2024, 5, 1)
    assert day.is_date and day.number_format == "DD.MM.YYYY"
    assert aware.value == datetime(2024, 5, 1, 8, 30)
    assert naive.value == datetime(2024, 5, 1, 9, 15)


def test_xlsx_keeps_going_past_what_excel_cannot_hold():
    # One bad cell must not cost the whole export: control characters dropped, NaN as text.
    _, sheet = xlsx_sheet(["a", "b"], [["line\x0bbreak\x00", float("nan")]])
    assert [cell.value for cell in sheet[2]] == ["linebreak", "nan"]


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Organizations [2024]: a/b\\c*?", "Organizations 2024 abc"),
        ("Уюмдар жана алардын багыттары боюнча толук тизме", "Уюмдар жана алардын багыттары б"),
        ("[]:*?/\\", "export"),
    ],
)
def test_xlsx_sheet_title_is_made_acceptable_to_excel(title, expected):
    _, sheet = xlsx_sheet(["a"], [["x"]], sheet_title=title)
    assert sheet.title == expected
    assert len(sheet.title) <= 31


def test_write_xlsx_to_a_path_returns_the_row_count(tmp_path):
    path = tmp_path / "people.xlsx"
    assert exports.write_xlsx(str(path), ["n"], rows_of(37)) == 37
    assert openpyxl.load_workbook(path).active.max_row == 1 + 37


# Closing a response sends request_finished, which checks the database connection (with CONN_MAX_AGE set).
@pytest.mark.django_db
def test_xlsx_response_is_a_complete_attachment_and_reports_the_count():
    calls = []
    response = exports.xlsx_response("organizations.xlsx", HEADER, rows_of(25, width=4), on_complete=calls.append)
    assert calls == [25]
    assert isinstance(response, FileResponse)
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="organizations.xlsx"'
    content = b"".join(response.streaming_content)
    response.close()  # as the WSGI server does; closing deletes the temporary file
    assert response.file_to_stream.closed
    assert int(response["Content-Length"]) == len(content)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet.max_row == 1 + 25
    assert sheet["A26"].value == "row 24"


def test_a_failed_xlsx_export_leaves_no_file_behind(tmp_path, monkeypatch):
    # openpyxl spools the sheet to a named temporary file; here it would land in tmp_path.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    def rows():
        yield from rows_of(10)
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError, match="database went away"):
        exports.xlsx_response("x.xlsx", ["n"], rows())
    assert list(tmp_path.iterdir()) == []


def test_xlsx_of_8000_rows_stays_in_constant_memory(tmp_path):
    def rows():
        for i in range(8_000):
            yield [i, f"Уюм {i} ңөү", f"name {i}", -i * 1.5, date(2024, 5, 1), "=1+1", None, f"+996 {i}", True, i * 7]

    tracemalloc.start()
    try:
        count = exports.write_xlsx(tmp_path / "big.xlsx", [f"col {i}" for i in range(10)], rows())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    print(f"\nXLSX 8,000 x 10: peak traced memory {peak / 1e6:.1f} MB")
    assert count == 8_000
    # Measured about 0.5 MB (and the same at 20,000 rows). A normal (not write-only) workbook
    # takes about 28 MB here, and the rows held in a list about 4 MB: either mistake fails.
    # Kept at 8,000 rows because tracemalloc slows openpyxl about five times.
    assert peak < 3 * 1024 * 1024
