"""The decision letter (PDF, ky/ru, a font with ң ө ү), grants on organization timelines, and the exports through
the shared mechanism (applicants' names: administrators only, logged)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from grants import letters, workflow
from mapping_portal.models import ExportLog
from tests.helpers import url


@pytest.fixture
def approved(staff, make_application, make_organization, make_person):
    application = make_application(
        status="in_review",
        lines=[(1, 90000)],
        organization=make_organization(name_ky="Өзгөрүү жаштар борбору"),
        lead_applicant=make_person(full_name="Гүлнара Өмүрбекова", phone="+996 700 000 111"),
        title="Жаңы күн",
    )
    award = workflow.approve(application, staff, Decimal("85000"), version=application.version)
    award.plan_tranche(staff, datetime.date(2026, 6, 1), Decimal("50000"))
    return application


# --- Decision letter -----------------------------------------------------------------------------------------


def test_the_letter_font_has_the_kyrgyz_letters():
    letters.register_fonts()
    from reportlab.pdfbase import pdfmetrics

    face = pdfmetrics.getFont("DejaVuSans").face
    assert all(ord(letter) in face.charToGlyph for letter in "ңөүҢӨҮ")


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_staff_download_the_decision_letter(client_for, staff, approved, language):
    response = client_for(staff).get(url("grants:decision-letter", approved.pk, language))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f"decision-{approved.pk}-{language}.pdf" in response["Content-Disposition"]
    pdf = response.content
    assert pdf.startswith(b"%PDF") and b"DejaVuSans" in pdf


def test_the_two_languages_are_two_letters(approved):
    assert letters.TEXT["ky"]["approved"] != letters.TEXT["ru"]["approved"]
    assert "ө" in letters.TEXT["ky"]["project"] and "ү" in letters.TEXT["ky"]["closing"]
    assert letters.decision_letter(approved, "ky") != letters.decision_letter(approved, "ru")
    assert letters.som(Decimal("85000"), "ru") == "85\u00a0000\u00a0сом"


def test_a_rejected_application_gets_a_letter_with_the_reason(client_for, staff, make_application):
    application = make_application(status="in_review")
    workflow.transition(application, "rejected", staff, "Бюджет негизсиз", version=application.version)
    assert client_for(staff).get(url("grants:decision-letter", application.pk, "ru")).status_code == 200


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("admin", 200),
        ("la_kyshtut", 403),
        ("la_kerben", 404),
        ("viewer", 404),
        ("reviewer", 404),
        ("applicant", 404),
    ],
)
def test_letter_access(client_for, users, approved, role, status):
    assert client_for(users[role]).get(url("grants:decision-letter", approved.pk, "ky")).status_code == status


def test_no_letter_before_a_decision_or_in_another_language(client_for, staff, approved, make_application):
    undecided = make_application(status="in_review")
    client = client_for(staff)
    assert client.get(url("grants:decision-letter", undecided.pk, "ky")).status_code == 404
    assert client.get(url("grants:decision-letter", approved.pk, "en")).status_code == 404


# --- Timeline --------------------------------------------------------------------------------------------------


def test_grants_on_the_organization_timeline(client_for, users, approved):
    timeline = reverse("stakeholders:organization-timeline", args=[approved.organization_id])
    with translation.override("en"):
        page = client_for(users["staff"]).get(timeline).content.decode()
    assert "Small-grant application: Жаңы күн" in page and "Small grant awarded: 85\u00a0000 som" in page
    # A local authority of the site reads its site's awards; the viewer sees the organization but not the grant.
    assert "Жаңы күн" in client_for(users["la_kyshtut"]).get(timeline).content.decode()
    assert "Жаңы күн" not in client_for(users["viewer"]).get(timeline).content.decode()


# --- Exports ---------------------------------------------------------------------------------------------------


def test_staff_export_applications_without_names(client_for, staff, approved):
    response = client_for(staff).get(url("grants:application-export", "csv"))
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response.status_code == 200
    assert "Жаңы күн" in content and "85000" in content
    assert "Гүлнара" not in content and "+996 700 000 111" not in content
    log = ExportLog.objects.get()
    assert (log.export, log.personal_data, log.user) == ("grant-applications", False, staff)


def test_applicants_export_is_for_admins_and_logged(client_for, users, approved):
    for role in ("staff", "la_kyshtut", "viewer", "reviewer"):
        assert client_for(users[role]).get(url("grants:applicant-export", "xlsx")).status_code == 403
    response = client_for(users["admin"]).get(url("grants:applicant-export", "csv") + "?status=approved")
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Гүлнара Өмүрбекова" in content and "+996 700 000 111" in content
    log = ExportLog.objects.get(export="grant-applicants")
    assert log.personal_data and log.user == users["admin"] and log.filters == {"status": ["approved"]}
    assert log.rows == 1


def test_local_authority_exports_its_sites_awards_only(client_for, users, approved, make_application):
    make_application(status="draft", title="Долбоор-долбоор")
    response = client_for(users["la_kyshtut"]).get(url("grants:application-export", "csv"))
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Жаңы күн" in content and "Долбоор-долбоор" not in content
    empty = client_for(users["la_kerben"]).get(url("grants:application-export", "csv"))
    assert "Жаңы күн" not in b"".join(empty.streaming_content).decode("utf-8-sig")


def test_the_export_command_writes_the_applicants_and_logs_it(approved, tmp_path):
    from django.core.management import call_command

    out = tmp_path / "applicants.csv"
    call_command("export", "grant-applicants", "--format", "csv", "--out", str(out))
    content = out.read_text(encoding="utf-8-sig")
    assert "Гүлнара Өмүрбекова" in content and "85000" in content
    log = ExportLog.objects.get(export="grant-applicants")
    assert log.personal_data and log.channel != "web"
