"""Journey of an applicant's team with an account: the applicant signs in, opens a call that takes applications
online, writes a draft with two budget lines, submits it; staff then find it submitted."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from grants.models import ApplicantAccount, GrantApplication
from tests.conftest import PASSWORD
from tests.grants.conftest import make_call  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser


def test_applicant_submits_online_and_staff_see_it(page, users, make_person, make_call, sign_in):  # noqa: F811
    today = timezone.localdate()
    person = make_person(full_name="Айгерим Токтосунова", site="kyshtut")
    ApplicantAccount.objects.create(user=users["applicant"], person=person)
    call = make_call(
        title_en="Youth initiatives online",
        opens_on=today - datetime.timedelta(days=5),
        closes_on=today + datetime.timedelta(days=30),
        max_per_grant=100_000,
        accepts_online_applications=True,
    )

    sign_in("applicant", PASSWORD)
    page.goto("/en/")
    expect(page.get_by_role("link", name="Map", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Organizations")).to_have_count(0)  # no registry in the menu
    page.get_by_role("link", name="Grants").first.click()
    page.get_by_role("link", name="Youth initiatives online").click()
    expect(page.get_by_test_id("call-dashboard")).to_have_count(0)  # others' awards are not theirs to see
    page.get_by_test_id("apply-kyshtut").click()
    expect(page.get_by_test_id("lead-applicant")).to_contain_text("Айгерим Токтосунова")
    page.fill("#id_title", "Жаштар борборун оңдоо")
    page.fill("#id_team_note", "Бакыт Асанов, Кыштут, бухгалтер")
    page.fill("#id_young_women", "20")
    page.fill("#id_lines-0-item", "Боёк")
    page.fill("#id_lines-0-unit", "кг")
    page.fill("#id_lines-0-quantity", "10")
    page.fill("#id_lines-0-unit_cost", "450")
    page.fill("#id_lines-1-item", "Эмерек")
    page.fill("#id_lines-1-unit", "даана")
    page.fill("#id_lines-1-quantity", "4")
    page.fill("#id_lines-1-unit_cost", "12 500")
    expect(page.get_by_test_id("budget-total")).to_have_text("54\u00a0500")  # 4 500 + 50 000, while typing
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("requested")).to_contain_text("54")
    expect(page.get_by_test_id("status")).to_have_text("draft")
    application = GrantApplication.objects.get()
    assert application.lead_applicant == person and application.budget_lines.count() == 2

    page.get_by_test_id("move-submitted").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.get_by_test_id("status")).to_have_text("submitted")
    expect(page.get_by_role("link", name="Edit")).to_have_count(0)

    page.get_by_role("button", name="Sign out").click()
    sign_in("staff", PASSWORD)
    page.goto(f"/en/grants/applications/?call={call.pk}")
    page.get_by_role("link", name="Жаштар борборун оңдоо").click()
    expect(page.get_by_test_id("status")).to_have_text("submitted")
    expect(page.get_by_test_id("lead-applicant")).to_contain_text("Айгерим Токтосунова")
    expect(page.get_by_test_id("move-screening")).to_be_visible()
