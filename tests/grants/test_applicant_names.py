"""Who reads the names of an application's people (DESIGN.md §4): admins and staff, the reviewer it is assigned to
and the applicant's own account see the lead applicant and the team by name; local authorities read their site's
awards — project, organization, settlement, amounts, progress — with the people as a count only, on every page,
export, timeline and map layer they can open."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from grants import workflow
from grants.models import ApplicantAccount, GrantReport
from mapping_portal.access import can_view_applicant_names
from tests.helpers import url

LEAD, MEMBER, NOTED = "Гүлнара Өмүрбекова", "Бакыт Жумабаев", "Нурлан Асанов"


def text(response) -> str:
    if response.streaming:
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    if body.startswith(b"PK"):  # an XLSX: every cell's value
        sheet = load_workbook(io.BytesIO(body), read_only=True).active
        return " ".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None)
    return body.decode("utf-8-sig")


@pytest.fixture
def awarded(users, make_application, make_organization, make_person):
    """An approved application of Kyshtut with a named lead applicant, a team member, a team named in words, an
    organization on the map, its award, a tranche paid, and a reviewer who scored it."""
    staff = users["staff"]
    application = make_application(
        status="screening",
        lines=[(1, 90000)],
        organization=make_organization(name_ky="Өзгөрүү жаштар борбору", lat=39.9, lon=70.6),
        lead_applicant=make_person(full_name=LEAD, phone="+996 700 000 111"),
        title="Жаңы күн",
        team_note=f"{NOTED}, мугалим",
    )
    application.team.set([make_person(full_name=MEMBER)])
    workflow.assign_reviewer(application, users["reviewer"], staff)
    application = workflow.transition(application, "in_review", staff, version=application.version)
    award = workflow.approve(application, staff, Decimal("85000"), version=application.version)
    tranche = award.plan_tranche(staff, datetime.date(2026, 6, 1), Decimal("50000"))
    tranche.record_payment(staff, datetime.date(2026, 6, 2), Decimal("50000"), version=tranche.version)
    GrantReport.objects.create(
        award=award, period_end=datetime.date(2026, 8, 31), text="Клуб ачылды.", created_by=staff
    )
    return application


def test_the_predicate_per_role(users):
    allowed = {role for role, user in users.items() if can_view_applicant_names(user)}
    assert allowed == {"admin", "staff", "reviewer", "applicant"}


@pytest.mark.parametrize("role", ["admin", "staff"])
def test_the_project_staff_read_the_names(client_for, users, awarded, role):
    page = text(client_for(users[role]).get(url("grants:application-detail", awarded.pk)))
    assert LEAD in page and MEMBER in page and NOTED in page


def test_the_assigned_reviewer_reads_the_names(client_for, users, awarded):
    client = client_for(users["reviewer"])
    page = text(client.get(url("grants:application-detail", awarded.pk)))
    assert LEAD in page and MEMBER in page
    review = awarded.reviews.get()
    assert LEAD in text(client.get(url("grants:review-detail", review.pk)))


def test_the_applicants_own_account_reads_the_names(client_for, users, awarded):
    ApplicantAccount.objects.create(user=users["applicant"], person=awarded.lead_applicant)
    page = text(client_for(users["applicant"]).get(url("grants:application-detail", awarded.pk)))
    assert LEAD in page and MEMBER in page


def test_a_local_authority_reads_the_award_with_the_people_as_a_count(client_for, users, awarded):
    client = client_for(users["la_kyshtut"])
    with translation.override("en"):
        response = client.get(url("grants:application-detail", awarded.pk))
    page = text(response)
    assert response.status_code == 200
    assert "Жаңы күн" in page and "Өзгөрүү жаштар борбору" in page and 'data-testid="award"' in page
    assert 'data-testid="team-count">2 ' in page  # the lead applicant and one team member
    assert "50\u00a0000" in page  # the progress: paid
    for name in (LEAD, MEMBER, NOTED):
        assert name not in page


@pytest.mark.parametrize(
    "where",
    [
        ("grants", "application-list", ()),
        ("grants", "application-export", ("csv",)),
        ("grants", "application-export", ("xlsx",)),
        ("grants", "call-detail", "call"),
        ("grants", "report-detail", "report"),
        ("stakeholders", "organization-detail", "organization"),
        ("stakeholders", "organization-timeline", "organization"),
    ],
    ids=lambda where: f"{where[1]}{'.' + where[2][0] if where[2] and isinstance(where[2], tuple) else ''}",
)
def test_no_name_on_any_other_grants_page_a_local_authority_opens(client_for, users, awarded, where):
    namespace, name, args = where
    if args == "call":
        args = (awarded.call_id,)
    elif args == "report":
        args = (GrantReport.objects.get().pk,)
    elif args == "organization":
        args = (awarded.organization_id,)
    response = client_for(users["la_kyshtut"]).get(url(f"{namespace}:{name}", *args))
    assert response.status_code == 200
    content = text(response)
    assert content.strip()
    for person in (LEAD, MEMBER, NOTED):
        assert person not in content


def test_no_name_on_the_map_layer_for_a_local_authority(client_for, users, awarded):
    response = client_for(users["la_kyshtut"]).get(reverse("grants-geojson"))
    features = response.json()["features"]
    assert [feature["properties"]["title"] for feature in features] == ["Жаңы күн"]
    for person in (LEAD, MEMBER, NOTED):
        assert person not in response.content.decode()


def test_the_names_stay_out_of_reach_of_a_local_authority(client_for, users, awarded):
    """The pages that name people answer as they do for anyone outside them (the letter, the applicants' export,
    the person's pages)."""
    client = client_for(users["la_kyshtut"])
    assert client.get(url("grants:decision-letter", awarded.pk, "ky")).status_code == 403
    assert client.get(url("grants:applicant-export", "csv")).status_code == 403
    assert client.get(url("stakeholders:person-detail", awarded.lead_applicant_id)).status_code in {403, 404}
    assert client.get(url("stakeholders:person-timeline", awarded.lead_applicant_id)).status_code in {403, 404}
