"""Documents attached to an application: checked by content (a program or a macro file refused, whatever its
name), size-limited, stored under a safe name with the real extension, served to staff, the applicants' own
account and the reviewers assigned (tests/grants/test_reviewer_attachments.py)."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from grants.models import ApplicationAttachment
from tests import upload_bombs
from tests.helpers import url


def small_image(image_format):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 120, 40)).save(buffer, image_format)
    return buffer.getvalue()


def office(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in entries:
            archive.writestr(name, "<xml/>")
    return buffer.getvalue()


def test_a_pdf_is_attached_and_served_to_staff_only(client_for, users, make_application, media_root):
    application = make_application(status="approved")
    upload = SimpleUploadedFile("Өтүнмө скан.PDF", b"%PDF-1.7\n%...\n", content_type="application/pdf")
    response = client_for(users["staff"]).post(
        url("grants:attachment-add", application.pk), {"file": upload, "name": "Scan"}
    )
    assert response.status_code == 302
    attachment = ApplicationAttachment.objects.get()
    assert (
        attachment.kind == "pdf" and attachment.file.name.endswith(".pdf") and attachment.uploaded_by == users["staff"]
    )
    for role, status in [("staff", 200), ("admin", 200), ("la_kyshtut", 404), ("reviewer", 404), ("anonymous", 404)]:
        assert client_for(users[role]).get(f"/media/{attachment.file.name}").status_code == status, role


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("quote.docx", office(["[Content_Types].xml", "word/document.xml"]), "docx"),
        ("budget.xlsx", office(["[Content_Types].xml", "xl/workbook.xml"]), "xlsx"),
        ("photo.png", small_image("PNG"), "png"),
        ("scan.jpg", small_image("JPEG"), "jpg"),
    ],
)
def test_office_files_and_images_are_accepted(client_for, staff, make_application, media_root, name, content, kind):
    application = make_application()
    client_for(staff).post(url("grants:attachment-add", application.pk), {"file": SimpleUploadedFile(name, content)})
    assert ApplicationAttachment.objects.get().kind == kind


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("budget.pdf", b"MZ\x90\x00\x03" + b"\x00" * 100, "is a program"),  # an .exe renamed
        ("setup.exe", b"MZ\x90\x00\x03" + b"\x00" * 100, "is a program"),
        ("tool", b"\x7fELF\x02\x01" + b"\x00" * 100, "is a program"),
        ("run.docx", b"#!/bin/sh\nrm -rf /\n", "is a program"),
        ("macro.docx", office(["word/document.xml", "word/vbaProject.bin"]), "with macros"),
        ("notes.txt", b"just text", "Attach a PDF"),
        ("broken.docx", b"PK\x03\x04garbage", "damaged"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_programs_and_other_files_are_refused_clearly(
    client_for, staff, make_application, media_root, name, content, message
):
    application = make_application()
    with translation.override("en"):
        response = client_for(staff).post(
            url("grants:attachment-add", application.pk), {"file": SimpleUploadedFile(name, content)}, follow=True
        )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ApplicationAttachment.objects.exists()


def test_a_file_over_10_mb_is_refused(client_for, staff, make_application, media_root):
    application = make_application()
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024 + 1))
    with translation.override("en"):
        response = client_for(staff).post(url("grants:attachment-add", application.pk), {"file": big}, follow=True)
    assert "too large" in response.content.decode() and not ApplicationAttachment.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"), [("la_kyshtut", 403), ("viewer", 404), ("reviewer", 404), ("applicant", 404)]
)
def test_only_staff_attach(client_for, users, make_application, media_root, role, status):
    application = make_application(status="approved")
    upload = SimpleUploadedFile("a.pdf", b"%PDF-1.7")
    assert (
        client_for(users[role]).post(url("grants:attachment-add", application.pk), {"file": upload}).status_code
        == status
    )


def check(content):
    from grants.attachments import check_attachment

    with translation.override("en"):
        return check_attachment(SimpleUploadedFile("file", content))


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (upload_bombs.png_html_polyglot(), "trailing_data"),
        (upload_bombs.png_zip_polyglot(), "trailing_data"),
        (small_image("JPEG") + b"<html><script>alert(1)</script></html>", "trailing_data"),
        (upload_bombs.png_header_only(20_000, 20_000), "too_many_pixels"),
        (upload_bombs.png_header_only(1, 15_000_000), "side_too_long"),
        (upload_bombs.png_header_only(3_000, 100), "too_narrow"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "damaged"),
        (office(["[Content_Types].xml", "xl/workbook.xml"])[:-30] + b"x" * 30, "damaged"),
    ],
    ids=[
        "png+html",
        "png+zip",
        "jpeg+html",
        "png-20000x20000",
        "png-1x15000000",
        "png-3000x100",
        "png-empty",
        "zip-cut",
    ],
)
def test_an_image_attachment_is_checked_like_a_photo_and_must_end_where_the_image_ends(content, code):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        check(content)
    assert error.value.code == code


def test_an_office_zip_bomb_is_refused_from_its_declared_sizes():
    from django.core.exceptions import ValidationError

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<xml/>")
        archive.writestr("xl/workbook.xml", "<xml/>")
        archive.writestr("xl/worksheets/sheet1.xml", "x" * (3 * 1024 * 1024))
    with pytest.raises(ValidationError) as error:
        check(buffer.getvalue())
    assert error.value.code == "bomb"


def test_a_scan_of_25_megapixels_is_accepted_whatever_its_format():
    assert check(upload_bombs.png_header_only(5_000, 5_000)) == "png"
