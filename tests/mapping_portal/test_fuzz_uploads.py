"""The upload fuzz set of issue #21, over every upload field of the portal: the import file, event photos, report
photos, application attachments and organization logos. Decompression bombs, polyglots, SVG with a script, wrong
types, an empty file, hostile names. Every refusal is a message on the page, never a 500, and leaves nothing in the
database or on disk; what a field accepts is stored re-encoded (photos) or exactly what it claims to be."""

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation
from PIL import Image

from dialogues.models import EventPhoto
from grants import workflow
from grants.models import ApplicationAttachment, GrantReport
from stakeholders.models import ImportBatch, Organization, OrganizationType
from tests import upload_bombs as bombs
from tests.dialogues.conftest import make_event  # noqa: F401 (fixtures shared with the apps' tests)
from tests.grants.conftest import make_application, make_call  # noqa: F401
from tests.helpers import url

MARKERS = (b"<script", b"<html", b"PK\x03\x04")
# Built once, in memory: the bombs claim huge canvases with a few bytes of data (only the header is read).
PAYLOADS = {
    "png-1x24000000": ("tall.png", bombs.png_header_only(1, 24_000_000)),
    "png-20000x20000": ("square.png", bombs.png_header_only(20_000, 20_000)),
    "png-4999x4999": ("big.png", bombs.png_header_only(4_999, 4_999)),
    "gif-30000x30000": ("anim.gif", bombs.gif_bomb(30_000, 30_000)),
    "xlsx-zip-bomb": ("bomb.xlsx", bombs.xlsx_one_huge_cell(3)),
    "png+html": ("photo.png", bombs.png_html_polyglot()),
    "png+zip": ("photo.png", bombs.png_zip_polyglot()),
    "svg-script": ("logo.svg", bombs.SVG_SCRIPT),
    "svg-as-png": ("logo.png", bombs.SVG_SCRIPT),
    "exe-as-png": ("photo.png", bombs.EXE),
    "exe-as-xlsx": ("list.xlsx", bombs.EXE),
    "csv-as-xlsx": ("list.xlsx", b"name_ky,type,site\n\xd0\x90,ngo,kyshtut\n"),
    "csv-with-nul": ("list.csv", bombs.CSV_WITH_NUL),
    "csv-with-late-nul": ("list.csv", b"name_ky,type,site\n" + b"A,ngo,kyshtut\n" * 700 + b"B\x00,ngo,kyshtut\n"),
    "empty": ("empty.png", b""),
}
# What a field may accept from the set: photos are re-encoded (a polyglot's payload does not survive);
# the import reads a CSV by its content whatever its name.
ACCEPTED = {
    "event-photo": {"png+html", "png+zip"},
    "report-photo": {"png+html", "png+zip"},
    "logo": {"png+html", "png+zip"},
    "import": {"csv-as-xlsx"},
    # Stored unchanged and never decoded on the server: a scan may have as many pixels as a photo (25 megapixels).
    "attachment": {"png-4999x4999"},
}


def multipart(fields: dict, file_field: str, file_name: str, content: bytes):
    """A multipart body written by hand, so that the file name reaches the server exactly as given (the test
    client would keep only its base name)."""
    boundary = "fuzz-boundary-7d3a"
    parts = []
    for key, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode())
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{file_name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode("utf-8", "surrogateescape")
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Field:
    def __init__(self, name, client, path, file_field, data, stored, files_of):
        self.name, self.client, self.path, self.file_field = name, client, path, file_field
        self.data, self.stored, self.files_of = data, stored, files_of

    def post(self, file_name, content):
        body, content_type = multipart(self.data, self.file_field, file_name, content)
        self.client.raise_request_exception = False  # a 500 is seen as the server would send it
        with translation.override("en"):
            return self.client.post(self.path, body, content_type=content_type, follow=True)


@pytest.fixture(params=["import", "event-photo", "report-photo", "attachment", "logo"])
def field(request, client_for, staff, registry, make_event, make_application, media_root):  # noqa: F811
    client = client_for(staff)
    if request.param == "import":
        return Field(
            "import",
            client,
            "/en/stakeholders/imports/new/",
            "file",
            {"kind": "organizations"},
            lambda: ImportBatch.objects.count(),
            lambda: [],
        )
    if request.param == "event-photo":
        event = make_event()
        return Field(
            "event-photo",
            client,
            url("dialogues:photo-add", event.pk),
            "image",
            {"caption": "x"},
            lambda: EventPhoto.objects.count(),
            lambda: [photo.image for photo in EventPhoto.objects.all()],
        )
    if request.param == "report-photo":
        application = make_application(status="in_review", lines=[(10, 1000)])
        workflow.approve(application, staff, Decimal("10000"), version=application.version)
        line = application.budget_lines.get()
        data = {
            "kind": "progress",
            "period_end": "30.06.2026",
            "text": "Окутуу",
            "caption": "",
            f"spent_{line.pk}": "1",
        }
        return Field(
            "report-photo",
            client,
            url("grants:report-create", application.pk),
            "photo",
            data,
            lambda: GrantReport.objects.count(),
            lambda: [photo.image for report in GrantReport.objects.all() for photo in report.photos.all()],
        )
    if request.param == "attachment":
        application = make_application()
        return Field(
            "attachment",
            client,
            url("grants:attachment-add", application.pk),
            "file",
            {"name": "x"},
            lambda: ApplicationAttachment.objects.count(),
            lambda: [attachment.file for attachment in ApplicationAttachment.objects.all()],
        )
    kyshtut = registry["kyshtut"]
    data = {
        "name_ky": "Таян аялдар кеңеши",
        "name_ru": "Женсовет",
        "type": OrganizationType.objects.first().pk,
        "site": kyshtut.pk,
        "registration_status": "informal",
        "consent_given_by": "Айгүл, төрага",
    }
    before = Organization.objects.count()
    return Field(
        "logo",
        client,
        url("stakeholders:organization-create"),
        "logo",
        data,
        lambda: Organization.objects.count() - before,
        lambda: [organization.logo for organization in Organization.objects.exclude(logo="")],
    )


def files_on_disk(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


@pytest.mark.parametrize("payload", list(PAYLOADS))
def test_a_hostile_upload_is_refused_with_a_message_or_stored_harmless(field, media_root, payload):
    file_name, content = PAYLOADS[payload]

    response = field.post(file_name, content)

    assert response.status_code == 200, response.status_code
    page = response.content.decode()
    if payload in ACCEPTED[field.name]:
        assert field.stored() == 1
        for stored in field.files_of():
            data = stored.open("rb").read()
            assert not any(marker in data for marker in MARKERS)
    else:
        assert field.stored() == 0, f"{field.name} kept {payload}"
        assert files_on_disk(media_root) == []
        assert "alert-danger" in page or "invalid-feedback" in page or "is-invalid" in page, page[:300]


HOSTILE_NAMES = ["a" * 3000 + ".png", "../../../etc/passwd.png", "..\\..\\boot.png", "a\x00b.png", "con/aux/nul.png"]


@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=["huge", "dot-dot-slash", "backslashes", "nul", "folders"])
def test_a_hostile_file_name_is_never_a_500_and_never_leaves_the_upload_folder(field, media_root, name):
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), (10, 90, 160)).save(buffer, "PNG")
    content = b"name_ky,type,site\n" if field.name == "import" else buffer.getvalue()

    response = field.post(name, content)

    # A name of thousands of characters passes Django's limit on a multipart part's headers (1,024 bytes):
    # the request is refused as a whole (400) before any view runs.
    assert response.status_code == (400 if name.startswith("aaaa") else 200)
    for path in files_on_disk(media_root):
        assert media_root in path.parents and len(path.name) <= 100 and "\x00" not in str(path)
    for stored in field.files_of():
        assert ".." not in stored.name and "\\" not in stored.name and len(stored.name) <= 100
