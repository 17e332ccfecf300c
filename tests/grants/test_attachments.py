"""Documents attached to an application: checked by content (a program or a macro file refused, whatever its
name), size-limited, stored under a safe name with the real extension, served to staff only."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image

from grants.models import ApplicationAttachment


def url(name, *args):
    with translation.override("en"):
        return reverse(f"grants:{name}", args=args)


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


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
    response = client_for(users["staff"]).post(url("attachment-add", application.pk), {"file": upload, "name": "Scan"})
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
    client_for(staff).post(url("attachment-add", application.pk), {"file": SimpleUploadedFile(name, content)})
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
            url("attachment-add", application.pk), {"file": SimpleUploadedFile(name, content)}, follow=True
        )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ApplicationAttachment.objects.exists()


def test_a_file_over_10_mb_is_refused(client_for, staff, make_application, media_root):
    application = make_application()
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024 + 1))
    with translation.override("en"):
        response = client_for(staff).post(url("attachment-add", application.pk), {"file": big}, follow=True)
    assert "too large" in response.content.decode() and not ApplicationAttachment.objects.exists()


@pytest.mark.parametrize(("role", "status"), [("la_kyshtut", 403), ("viewer", 404), ("reviewer", 404)])
def test_only_staff_attach(client_for, users, make_application, media_root, role, status):
    application = make_application(status="approved")
    upload = SimpleUploadedFile("a.pdf", b"%PDF-1.7")
    assert client_for(users[role]).post(url("attachment-add", application.pk), {"file": upload}).status_code == status
