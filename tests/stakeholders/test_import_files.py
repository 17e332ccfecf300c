"""Files an import must refuse with a clear message, writing nothing: not a spreadsheet, damaged, protected,
old .xls, too big, too many rows, a zip bomb, formulas, empty."""

import io
import random
import zipfile

import openpyxl
import pytest
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from stakeholders import importing
from stakeholders.importing import files
from stakeholders.models import ImportBatch, ImportRow, Organization
from tests import upload_bombs
from tests.stakeholders.test_import import csv_bytes, private_media, xlsx_bytes  # noqa: F401 (autouse)

GOOD_XLSX_ROWS = [["name_ky", "type", "site"], ["Бир", "cso", "kyshtut"]]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


def ole2(*streams: str) -> bytes:
    """The start of an OLE2 compound file with directory entries named `streams` (UTF-16LE, as Office writes them)."""
    header = files.OLE2_SIGNATURE + b"\x00" * 504
    return header + b"".join(name.encode("utf-16-le") + b"\x00" * (128 - 2 * len(name)) for name in streams)


def refused(content, name="file.xlsx", kind="organizations", user=None):
    with translation.override("en"), pytest.raises(importing.ImportFileError) as error:
        importing.start_import(SimpleUploadedFile(name, content), kind, user)
    assert not ImportBatch.objects.exists() and not Organization.objects.exists()
    return error.value.message


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (PNG, "organizations.xlsx", "This file is a PNG image, not a spreadsheet."),
        (PDF, "organizations.xlsx", "This file is a PDF document, not a spreadsheet."),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 50, "photo.csv", "This file is a JPEG image, not a spreadsheet."),
        (xlsx_bytes(GOOD_XLSX_ROWS)[:600], "organizations.xlsx", "The file is damaged"),
        (ole2("Root Entry", "EncryptionInfo", "EncryptedPackage"), "protected.xlsx", "protected by a password"),
        (ole2("Root Entry", "Workbook", "SummaryInformation"), "old.xls", "This is an old Excel file (.xls)"),
        (b"", "empty.csv", "The file is empty."),
        (b"\n\n \n", "blank.csv", "The file is empty"),
        (b"\x00\x01\x02\x03binary", "data.csv", "not a spreadsheet (it holds binary data)"),
    ],
)
def test_files_that_are_not_importable_get_a_clear_message(registry, content, name, message):
    assert message in refused(content, name)


def test_a_zip_that_is_not_a_workbook_is_refused(registry):
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    assert "Word document" in refused(stream.getvalue(), "report.xlsx")


def test_a_zip_bomb_is_refused_by_the_unpacked_size_of_its_entries(registry):
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            block = b"\x00" * (1 << 20)
            for _ in range(importing.limits.MAX_UNCOMPRESSED_SIZE // len(block) + 1):
                sheet.write(block)
    content = stream.getvalue()
    assert len(content) < 1024 * 1024  # small on the wire
    assert "unpacks to more than 200 MB" in refused(content)


def test_a_50_mb_file_is_refused_before_it_is_read(registry, tmp_path, monkeypatch):
    path = tmp_path / "big.csv"
    with open(path, "wb") as stream:
        stream.truncate(50 * 1024 * 1024)  # sparse: costs no disk
    reads = []
    monkeypatch.setattr(files, "_inspect_text", lambda head: reads.append(head))
    with open(path, "rb") as stream, translation.override("en"):
        with pytest.raises(importing.ImportFileError) as error:
            importing.start_import(File(stream, name="big.csv"), "organizations", None)
    assert "The file is 50.0 MB; the limit is 20 MB." in error.value.message
    assert reads == []


def rows_xlsx(count):
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["name_ky", "type", "site"])
    for number in range(count):
        sheet.append([f"Уюм {number}", "cso", "kyshtut"])
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def big_xlsx(count):
    """A workbook of `count` data rows as Excel writes it (with its <dimension>), its sheet XML written
    directly: openpyxl would take seconds to write as many rows."""
    cells = '<c r="{col}{n}" t="inlineStr"><is><t>{text}</t></is></c>'
    rows = [
        f'<row r="{n}">'
        + "".join(cells.format(col=col, n=n, text=text) for col, text in zip("ABC", values, strict=True))
        + "</row>"
        for n, values in enumerate(
            [("name_ky", "type", "site")] + [(f"Уюм {i}", "cso", "kyshtut") for i in range(count)], 1
        )
    ]
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="A1:C{count + 1}"/><sheetData>{"".join(rows)}</sheetData></worksheet>'
    )
    source, target = zipfile.ZipFile(io.BytesIO(xlsx_bytes(GOOD_XLSX_ROWS))), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in source.infolist():
            archive.writestr(entry, sheet if entry.filename == "xl/worksheets/sheet1.xml" else source.read(entry))
    return target.getvalue()


def test_an_xlsx_of_100000_rows_is_refused_at_once(registry):
    assert "more than 20 000 rows" in refused(big_xlsx(100_000))


def test_a_csv_of_100000_rows_is_refused_at_once(registry):
    content = csv_bytes([["name_ky", "type", "site"]] + [[f"Уюм {n}", "cso", "kyshtut"] for n in range(100_000)])
    assert "more than 20 000 rows" in refused(content, "many.csv")


def test_an_xlsx_that_does_not_say_its_size_is_counted_while_reading(staff, registry, monkeypatch):
    monkeypatch.setattr(importing.limits, "MAX_ROWS", 30)
    monkeypatch.setattr(importing.limits, "CHUNK_ROWS", 10)
    with translation.override("en"):
        batch = importing.start_import(SimpleUploadedFile("many.xlsx", rows_xlsx(100)), "organizations", staff)
        batch = importing.analyse_all(batch)
    assert batch.status == "failed" and "more than 30 rows" in batch.message
    assert not ImportRow.objects.exists() and not Organization.objects.exists()


def test_header_only_is_explained(staff, registry, django_capture_on_commit_callbacks):
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        batch = importing.start_import(
            SimpleUploadedFile("h.csv", csv_bytes([["name_ky", "type", "site"]])), "organizations", staff
        )
        batch = importing.analyse_all(batch)
    assert batch.status == "failed" and batch.message == "The file has a header row but no data rows."
    assert batch.file.name == "" and not default_storage.listdir("imports")[1]  # the refused file is gone


def test_formula_cells_of_an_xlsx_are_errors_naming_row_and_column(staff, registry):
    content = xlsx_bytes([["name_ky", "type", "site", "year_founded"], ["Бир", "cso", "kyshtut", "=2000+5"]])
    with translation.override("en"):
        batch = importing.analyse_all(
            importing.start_import(SimpleUploadedFile("f.xlsx", content), "organizations", staff)
        )
    row = batch.rows.get()
    assert row.action == "error"
    assert row.errors[0]["column"] == "D “year_founded”" and row.errors[0]["message"].startswith("A formula (=2000+5)")


def test_formula_cells_of_a_csv_are_errors_but_our_neutralised_text_is_not(staff, registry):
    content = csv_bytes(
        [
            ["name_ky", "type", "site", "description"],
            ["Бир", "cso", "kyshtut", "=HYPERLINK(1)"],
            ["Эки", "cso", "kyshtut", "'=HYPERLINK(1)"],
        ]
    )
    batch = importing.analyse_all(importing.start_import(SimpleUploadedFile("f.csv", content), "organizations", staff))
    first, second = batch.rows.order_by("number")
    assert first.action == "error" and first.errors[0]["column"] == "D “description”"
    assert second.action == "create" and second.data["description"] == "=HYPERLINK(1)"


def test_the_upload_form_refuses_a_big_file_before_reading_it(client_for, staff, registry):
    big = SimpleUploadedFile("big.csv", b"name_ky,type,site\n" + b"x" * (21 * 1024 * 1024))
    response = client_for(staff).post("/en/stakeholders/imports/new/", {"kind": "organizations", "file": big})
    assert response.status_code == 200
    assert "the limit is 20 MB" in " ".join(response.context["form"].errors["file"])
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [(PNG, "x.xlsx", "not a spreadsheet"), (csv_bytes([["phone"], ["1"]]), "x.csv", "Required columns are missing")],
)
def test_the_upload_page_shows_why_a_file_is_refused(client_for, staff, registry, content, name, message):
    response = client_for(staff).post(
        "/en/stakeholders/imports/new/", {"kind": "organizations", "file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_inline_strings_as_other_tools_write_them_are_read(staff, registry):
    batch = importing.start_import(SimpleUploadedFile("kobo.xlsx", big_xlsx(3)), "organizations", staff)
    batch = importing.analyse_all(batch)
    assert (batch.create_count, batch.error_count) == (3, 0)
    assert batch.rows.order_by("number").first().data["name_ky"] == "Уюм 0"


def test_sparse_rows_and_cells_keep_their_row_numbers_and_columns(staff, registry):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["name_ky", "type", "site", "women_led", "year_founded"])
    sheet["A5"], sheet["B5"], sheet["C5"], sheet["E5"] = "Бир", "cso", "kyshtut", 1999
    sheet["A9"], sheet["B9"], sheet["C9"], sheet["D9"] = "Эки", "cso", "kyshtut", True
    stream = io.BytesIO()
    workbook.save(stream)
    batch = importing.analyse_all(
        importing.start_import(SimpleUploadedFile("s.xlsx", stream.getvalue()), "organizations", staff)
    )
    first, second = batch.rows.order_by("number")
    assert (first.number, first.data["year_founded"], "women_led" in first.data) == (5, 1999, False)
    assert (second.number, second.data["women_led"]) == (9, True)


def _wide_csv(columns):
    header = ["name_ky", "type", "site"] + [f"extra{index}" for index in range(columns - 3)]
    return ",".join(header).encode() + b"\nA,ngo,kyshtut" + b"," * (columns - 3) + b"\n"


def test_a_csv_with_more_columns_than_the_limit_is_refused_with_a_message(registry):
    assert refused(_wide_csv(201), name="wide.csv") == (
        "Row 1 has more than 200 columns. A file may have at most 200 columns: remove the ones the portal does "
        "not need."
    )
    # 20,000 columns: the row's characters pass their limit first, while the line is read.
    assert refused(_wide_csv(20_000), name="wider.csv").startswith("Row 1 ")


def test_an_xlsx_header_of_20000_columns_is_refused_before_any_column_letter_is_made(registry):
    assert "Row 1 has more than 200 columns." in refused(upload_bombs.xlsx_wide_header(20_000))


def test_empty_cells_beyond_the_column_limit_are_left_out(registry, staff):
    content = b"name_ky,type,site" + b"," * 400 + b"\nA,ngo,kyshtut" + b"," * 400 + b"\n"
    batch = importing.start_import(SimpleUploadedFile("commas.csv", content), "organizations", staff)
    assert batch.header[:3] == ["name_ky", "type", "site"] and len(batch.header) == 200


def test_a_csv_row_wider_than_the_limit_is_refused_while_it_is_read(registry):
    content = b"name_ky,type,site\n" + b"x" * 50_000 + b"," + b"y" * 60_000 + b",kyshtut\n"
    assert refused(content, name="long.csv") == "Row 2 is too long: a row may hold at most 100 000 characters."


def test_a_cell_longer_than_excel_allows_is_refused_naming_the_cell(registry):
    content = b"name_ky,type,site\nA," + b"n" * 40_000 + b",kyshtut\n"
    assert (
        refused(content, name="cell.csv") == "Cell B2 has more than 32 767 characters; a cell may hold at most 32 767."
    )


def test_a_nul_character_deep_in_a_csv_is_refused_naming_its_row(registry):
    content = b"name_ky,type,site\n" + b"A,ngo,kyshtut\n" * 700 + b"B\x00,ngo,kyshtut\n"
    assert refused(content, name="nul.csv").startswith("Row 702 holds binary data")


def test_an_xlsx_zip_bomb_is_refused_from_its_declared_sizes(registry):
    assert "compressed bomb" in refused(upload_bombs.xlsx_one_huge_cell(3))


def test_an_xlsx_row_whose_xml_is_too_long_is_refused_while_it_is_read(registry, staff):
    text = "".join(random.Random(5).choices("абвгдежзийклмнопрстуфхцчшщ", k=1_100_000))
    parts = [upload_bombs._SHEET_HEAD, '<row r="1">']
    parts += [upload_bombs._cell(letter, 1, name) for letter, name in zip("ABC", upload_bombs.HEADER, strict=True)]
    parts += ['</row><row r="2">', upload_bombs._cell("A", 2, text), "</row>", upload_bombs._SHEET_TAIL]
    content = upload_bombs.xlsx(parts)
    assert importing.limits.MAX_PART_RATIO * len(content) > 2 * 1024 * 1024  # not a bomb by its ratio
    with translation.override("en"):
        batch = importing.analyse_all(
            importing.start_import(SimpleUploadedFile("x.xlsx", content), "organizations", staff)
        )
    assert batch.status == ImportBatch.Status.FAILED and not batch.file
    assert batch.message == "Row 2 is too long: a row may hold at most 100 000 characters."


def test_an_xlsx_whose_shared_texts_unpack_past_the_limit_is_refused_before_openpyxl_reads_them(registry):
    assert refused(upload_bombs.xlsx_shared_strings(17, varied=True)) == (
        "The workbook's texts unpack to more than 16 MB. Split it into smaller files."
    )
