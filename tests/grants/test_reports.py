"""Progress and final reports: text, spending against the budget line by line, photos through the shared image
checks (an executable refused), served to staff only."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from grants import workflow
from grants.models import GrantReport, ReportPhoto
from tests.helpers import count_queries, url


@pytest.fixture
def funded(staff, make_application):
    application = make_application(status="in_review", lines=[(10, 1000), (2, 5000)])
    workflow.approve(application, staff, Decimal("20000"), version=application.version)
    return application


def photo(name="work.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 120, 30)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def report_data(application, spent=("4 000", "3 000"), **overrides):
    lines = list(application.budget_lines.all())
    data = {"kind": "progress", "period_end": "30.06.2026", "text": "Окутуулар өттү.", "caption": ""}
    data |= {f"spent_{line.pk}": value for line, value in zip(lines, spent, strict=False)}
    return data | overrides


def test_staff_record_a_report_with_spending_and_a_photo(client_for, users, funded, media_root):
    response = client_for(users["staff"]).post(
        url("grants:report-create", funded.pk), report_data(funded) | {"photo": photo(), "caption": "Жыйын"}
    )
    assert response.status_code == 302
    report = GrantReport.objects.get()
    assert report.created_by == users["staff"] and report.history.count() == 1
    assert sorted(s.spent for s in report.spending.all()) == [Decimal("3000"), Decimal("4000")]
    image = ReportPhoto.objects.get()
    assert image.image.name.startswith("grant-photos/")
    for role, status in [("staff", 200), ("admin", 200), ("la_kyshtut", 404), ("reviewer", 404), ("anonymous", 404)]:
        assert client_for(users[role]).get(f"/media/{image.thumbnail.name}").status_code == status, role


def test_spending_against_the_budget_so_far_and_over_budget(client_for, staff, la_kyshtut, funded, media_root):
    client = client_for(staff)
    client.post(url("grants:report-create", funded.pk), report_data(funded, spent=("6 000", "4 000")))
    client.post(
        url("grants:report-create", funded.pk),
        report_data(funded, spent=("5 000", "1 000"), kind="final", period_end="30.09.2026"),
    )
    final = GrantReport.objects.get(kind="final")
    # A local authority reads its site's award.
    response = client_for(la_kyshtut).get(url("grants:report-detail", final.pk))
    rows = response.context["rows"]
    assert [(row["here"], row["so_far"], row["over"]) for row in rows] == [
        (Decimal("5000"), Decimal("11000"), True),  # 11 000 spent of a 10 000 line
        (Decimal("1000"), Decimal("5000"), False),
    ]
    assert response.context["totals"]["so_far"] == Decimal("16000")
    assert "over budget" in response.content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"photo": SimpleUploadedFile("setup.jpg", b"MZ\x90\x00" + b"\x00" * 200, content_type="image/jpeg")},
            "not an image",
        ),
        (
            {"photo": SimpleUploadedFile("run.exe", b"MZ\x90\x00" * 50, content_type="application/octet-stream")},
            "not an image",
        ),
        ({"text": ""}, "This field is required"),
        ({"period_end": "2026-13-45"}, "Enter a valid date"),
    ],
)
def test_bad_reports_get_a_clear_message(client_for, staff, funded, media_root, overrides, message):
    with translation.override("en"):
        response = client_for(staff).post(url("grants:report-create", funded.pk), report_data(funded) | overrides)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not GrantReport.objects.exists() and not ReportPhoto.objects.exists()


@pytest.mark.parametrize(("spent", "message"), [("-5", "at least 0 som"), ("40 USD", "Amounts are in som")])
def test_bad_spending_gets_a_clear_message(client_for, staff, funded, spent, message):
    with translation.override("en"):
        response = client_for(staff).post(
            url("grants:report-create", funded.pk), report_data(funded, spent=(spent, "0"))
        )
    assert response.status_code == 200 and message in response.content.decode()
    assert not GrantReport.objects.exists()


def test_one_final_report_per_grant(client_for, staff, funded):
    client = client_for(staff)
    client.post(url("grants:report-create", funded.pk), report_data(funded, kind="final"))
    with translation.override("en"):
        response = client.post(url("grants:report-create", funded.pk), report_data(funded, kind="final"))
    assert "already recorded" in response.content.decode()
    assert GrantReport.objects.filter(kind="final").count() == 1


@pytest.mark.parametrize(
    ("role", "status"), [("la_kyshtut", 403), ("viewer", 404), ("reviewer", 404), ("applicant", 404)]
)
def test_only_staff_write_reports(client_for, users, funded, role, status):
    assert client_for(users[role]).get(url("grants:report-create", funded.pk)).status_code == status


def test_report_page_has_constant_queries(client_for, staff, funded, make_application):
    from grants.models import BudgetLine

    client = client_for(staff)
    client.post(url("grants:report-create", funded.pk), report_data(funded))
    report = GrantReport.objects.get()

    few = count_queries(client, url("grants:report-detail", report.pk))
    for n in range(5):
        BudgetLine.objects.create(application=funded, item=f"extra {n}", unit="pc", quantity=1, unit_cost=1)
    assert count_queries(client, url("grants:report-detail", report.pk)) == few
    assert report.award.application == funded and datetime.date(2026, 6, 30) == report.period_end
