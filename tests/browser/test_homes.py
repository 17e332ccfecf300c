"""The staff journey from the home: sign in, read the work queue, click a count, land on the list filtered to those
records; and a local authority's home puts the plan waiting for its review first, with the button to review it."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.dialogues.conftest import make_plan  # noqa: F401  (fixture)
from tests.grants.conftest import make_application, make_call  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


def test_staff_click_a_count_of_the_home_and_see_those_records(page, users, sign_in, make_application, make_call):  # noqa: F811
    call = make_call(closes_on=timezone.localdate() + datetime.timedelta(days=10))
    to_screen = [make_application(call=call, status="submitted", title=f"To screen {n}") for n in range(2)]
    make_application(call=call, status="in_review", title="Already in review")

    sign_in("staff", PASSWORD)
    page.goto("/en/")
    figure = page.locator("[data-section=grants] [data-figure]", has_text="Applications submitted, to screen")
    expect(figure.locator(".home-figure-value")).to_have_text("2")
    figure.click()
    page.wait_for_load_state()
    assert "status=submitted" in page.url
    for application in to_screen:
        expect(page.get_by_role("link", name=application.title)).to_be_visible()
    expect(page.get_by_text("Already in review")).to_have_count(0)


def test_a_local_authority_opens_the_plan_waiting_for_its_review_from_its_home(page, users, sign_in, make_plan):  # noqa: F811
    plan = make_plan(site="kyshtut", status="submitted", submitted_at=timezone.now(), title="Кыштуттун планы")
    make_plan(site="kerben", status="submitted", submitted_at=timezone.now(), title="Кербендин планы")

    sign_in("la_kyshtut", PASSWORD)
    page.goto("/ky/")
    first = page.locator("section.home-section").first
    expect(first).to_contain_text("Кыштуттун планы")
    expect(page.get_by_text("Кербендин планы")).to_have_count(0)
    first.locator("a.btn").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/ky/plans/{plan.pk}/")
