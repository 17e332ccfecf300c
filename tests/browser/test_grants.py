"""Journeys of the small grants: staff open a call, enter a paper application with its budget, take it through
screening and review to approval, plan the first tranche and record its payment; a reviewer declares, scores
with a running weighted total and submits."""

import pytest
from playwright.sync_api import expect

from grants.models import GrantApplication, GrantCall
from tests.conftest import PASSWORD
from tests.grants.conftest import make_application, make_call  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


def test_from_call_to_first_tranche(page, users, registry, make_person, sign_in):
    make_person(full_name="Айзада Сулайманова")
    sign_in("staff", PASSWORD)
    page.goto("/en/grants/")
    page.get_by_role("link", name="New grant call").click()
    page.fill("#id_title_ky", "Жаштардын демилгелери 2026")
    page.get_by_label("Kyshtut ayil aimak").first.check()
    page.get_by_label("social project").check()
    page.fill("#id_opens_on", "01.04.2026")
    page.fill("#id_closes_on", "31.12.2026")
    page.fill("#id_envelope", "500 000")
    page.fill("#id_max_per_grant", "100 000")
    page.select_option("#id_status", "open")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.get_by_test_id("envelope")).to_contain_text("500")
    call = GrantCall.objects.get()
    assert call.criteria.count() == 6

    page.get_by_role("link", name="New application: Kyshtut ayil aimak").click()
    page.fill("#id_title", "Спорт аянтчасы")
    page.wait_for_load_state()  # htmx listens once the page has loaded
    page.fill("#id_lead_applicant", "Sulaymanova")  # the picker searches the site's people, in any script
    page.get_by_role("button", name="Айзада Сулайманова").click()
    expect(page.locator("[data-picker-chosen]").first).to_contain_text("Айзада Сулайманова")
    page.fill("#id_young_women", "15")
    page.fill("#id_lines-0-item", "Волейбол тору")
    page.fill("#id_lines-0-unit", "даана")
    page.fill("#id_lines-0-quantity", "4")
    page.fill("#id_lines-0-unit_cost", "12 500")
    expect(page.get_by_test_id("budget-total")).to_have_text("50\u00a0000")  # 4 × 12 500, while typing
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("requested")).to_contain_text("50")
    application = GrantApplication.objects.get()
    assert application.requested_amount == 50000

    for step in ("submitted", "screening", "in_review"):
        page.get_by_test_id(f"move-{step}").click()
        expect(page.locator(".alert-success")).to_be_visible()
    expect(page.get_by_test_id("status")).to_have_text("in review")
    page.fill("#amount-approved", "45 000")
    page.get_by_test_id("move-approved").click()
    expect(page.get_by_test_id("award-amount")).to_contain_text("45")

    page.fill("#id_planned_date", "01.06.2026")
    page.fill("#id_planned_amount", "25 000")
    page.get_by_role("button", name="Plan a tranche").click()
    expect(page.get_by_test_id("tranches")).to_contain_text("25")
    page.locator("input[name=paid_date]").fill("02.06.2026")
    page.get_by_test_id("pay-1").click()
    expect(page.get_by_test_id("award-paid")).to_contain_text("25")

    page.goto(f"/en/grants/calls/{call.pk}/")
    expect(page.get_by_test_id("awarded")).to_contain_text("45")
    expect(page.get_by_test_id("paid")).to_contain_text("25")
    expect(page.get_by_test_id("remaining")).to_contain_text("455")


def test_reviewer_declares_scores_with_a_running_total_and_submits(page, users, make_application, sign_in):  # noqa: F811
    from grants import workflow

    application = make_application(status="in_review", title="Тигүү цехи")
    workflow.assign_reviewer(application, users["reviewer"], users["staff"])
    sign_in("reviewer", PASSWORD)
    page.goto("/en/grants/reviews/")
    page.get_by_role("link", name="Тигүү цехи").click()
    page.get_by_label("I have no conflict of interest").check()
    page.get_by_label("I will keep the application").check()
    page.get_by_role("button", name="Confirm the declaration").click()
    selects = page.locator("select.review-score")
    expect(selects).to_have_count(6)
    expect(page.get_by_test_id("running-total")).to_have_text("—")
    selects.nth(0).select_option("5")  # relevance, 25 %
    expect(page.get_by_test_id("running-total")).to_have_text("25.0")
    for n in range(1, 6):
        selects.nth(n).select_option("4")
    expect(page.get_by_test_id("running-total")).to_have_text("85.0")
    page.get_by_label("yes: fund it").check()
    page.get_by_test_id("submit-review").click()
    expect(page.get_by_test_id("review-status")).to_have_text("submitted")
    expect(page.get_by_test_id("other-reviews")).to_contain_text("No other review is submitted yet.")


def test_staff_see_the_awarded_grants_on_the_map(page, users, registry, make_application, make_organization, sign_in):  # noqa: F811
    from decimal import Decimal

    from grants import workflow

    site = registry["kyshtut"]  # near the site's centre: within the map's first view
    organization = make_organization(site="kyshtut", lat=site.centre_lat - 0.05, lon=site.centre_lon)
    application = make_application(status="in_review", title="Спорт аянтчасы", organization=organization)
    workflow.approve(application, users["staff"], Decimal("40000"), version=application.version)
    make_application(status="in_review", title="Каралууда", organization=organization)  # not awarded: not shown
    sign_in("staff", PASSWORD)
    page.goto("/en/map/")
    page.wait_for_selector("#sites-map[data-grants-ready=true]")
    expect(page.locator("#sites-map")).to_have_attribute("data-grants-count", "1")
    toggle = page.get_by_label("Small grant awarded (at the organization's location)")
    toggle.uncheck()
    expect(page.locator(".grant-marker")).to_have_count(0)
    toggle.check()
    page.locator(".grant-marker").click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("40\u00a0000")
    popup.get_by_role("link", name="Спорт аянтчасы").click()
    page.wait_for_url(f"**/en/grants/applications/{application.pk}/")
