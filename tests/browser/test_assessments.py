"""Journey of capacity assessments: staff fills a baseline and an endline, and the radar chart changes."""

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.stakeholders.test_assessments import make_template

pytestmark = pytest.mark.browser


def fill_assessment(page, organization_pk, kind, date, level):
    page.goto(f"/en/stakeholders/{organization_pk}/assessments/new/")
    page.fill("#id_date", date)
    page.select_option("#id_kind", kind)
    page.select_option("#id_method", "facilitated")
    page.fill("#id_assessor", "Асел Бекмурзаева")
    page.get_by_role("button", name="Start the assessment").click()
    page.wait_for_url("**/edit/")
    for group in page.locator("[role=radiogroup]").all():
        group.locator(f"input[value='{level}']").check()
    page.get_by_role("button", name="Save and finalize").click()
    expect(page.locator("[data-testid=status]")).to_have_text("final")


def radar_data(page):
    page.wait_for_selector("#capacity-radar[data-ready=true]")
    return page.evaluate("Chart.getChart(document.getElementById('capacity-radar')).data.datasets.map(d => d.data)")


def test_staff_fills_a_baseline_and_an_endline_and_sees_the_radar_chart_change(page, users, make_organization, sign_in):
    make_template(shape=(("a", 2), ("b", 2), ("c", 1)))
    organization = make_organization(name_ky="Таян жаштар борбору")
    sign_in("staff", PASSWORD)

    fill_assessment(page, organization.pk, "baseline", "01.03.2026", 1)
    page.goto(f"/en/stakeholders/{organization.pk}/capacity/")
    assert radar_data(page) == [[1, 1, 1]]

    fill_assessment(page, organization.pk, "endline", "01.10.2026", 3)
    page.goto(f"/en/stakeholders/{organization.pk}/capacity/")
    assert radar_data(page) == [[1, 1, 1], [3, 3, 3]]
    expect(page.locator("table").first).to_contain_text("+2")
