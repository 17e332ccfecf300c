"""Journey of the stakeholder analysis: staff sees the site's organizations on the power–interest grid."""

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_staff_sees_the_power_interest_grid_of_a_site(page, users, make_organization, sign_in):
    make_organization(name_ky="Айыл өкмөтү", influence=5, interest=4, stance="supportive")
    make_organization(name_ky="Аксакалдар соту", influence=4, interest=2, stance="neutral")
    sign_in("staff", PASSWORD)
    page.goto("/en/stakeholders/")
    page.get_by_role("link", name="Power–interest grid").click()
    page.select_option("select[name=site]", "kyshtut")
    page.get_by_role("button", name="Show").click()
    page.wait_for_selector("#analysis-grid[data-ready=true]")
    plotted = page.evaluate(
        "Chart.getChart(document.getElementById('analysis-grid')).data.datasets"
        ".flatMap(d => d.data.map(p => [p.name, p.x, p.y]))"
    )
    assert sorted(plotted) == [["Айыл өкмөтү", 4, 5], ["Аксакалдар соту", 2, 4]]
    expect(page.locator("[data-quadrant=manage-closely]")).to_contain_text("Айыл өкмөтү")
    page.locator("[data-quadrant=keep-satisfied]").get_by_role("link", name="Аксакалдар соту").click()
    expect(page.locator("h1")).to_contain_text("Аксакалдар соту")
