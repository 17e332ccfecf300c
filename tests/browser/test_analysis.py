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
    drawn = page.evaluate(
        "(() => { const c = Chart.getChart(document.getElementById('analysis-grid'));"
        " return [c.$quadrantNames.map(n => n.text), c.$pointNames.map(n => n.lines.join(' '))]; })()"
    )
    assert drawn[0] == ["Keep satisfied", "Manage closely", "Monitor", "Keep informed"]
    assert sorted(drawn[1]) == ["Айыл өкмөтү", "Аксакалдар соту"]
    expect(page.locator("[data-quadrant=manage-closely]")).to_contain_text("Айыл өкмөтү")
    page.locator("[data-quadrant=keep-satisfied]").get_by_role("link", name="Аксакалдар соту").click()
    expect(page.locator("h1")).to_contain_text("Аксакалдар соту")


GRID = "Chart.getChart(document.getElementById('analysis-grid'))"


def test_the_grid_draws_quadrants_and_names_in_the_page_language_on_a_phone(page, users, make_organization, sign_in):
    for name in ("Кыштут мектеби", "«Тынчтык» коомдук фонду", "Кыштут аялдар кеңеши"):
        make_organization(name_ky=name, influence=5, interest=4, stance="supportive")  # three on one spot
    make_organization(name_ky="Кыштут айыл өкмөтү", influence=1, interest=1)
    page.set_viewport_size({"width": 375, "height": 812})
    sign_in("staff", PASSWORD, language="ru")
    page.goto("/ru/stakeholders/analysis/?site=kyshtut")
    page.wait_for_selector("#analysis-grid[data-ready=true]")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    scales = page.evaluate(
        f"(() => {{ const c = {GRID}; return [c.scales.x.ticks.map(t => t.value), c.scales.y.ticks.map(t => t.value),"
        " c.options.scales.x.title.text, c.options.scales.y.title.text]; })()"
    )
    assert scales == [[1, 2, 3, 4, 5], [1, 2, 3, 4, 5], "заинтересованность (1–5)", "влияние (1–5)"]
    quadrant_words = " ".join(page.evaluate(f"{GRID}.$quadrantNames.map(n => n.text)"))
    for name in ("Тесно", "взаимодействовать", "Держать", "Наблюдать"):
        assert name in quadrant_words
    # The three on one spot keep three points apart from each other, each with its own name.
    spots = page.evaluate(f"(() => {{ const c = {GRID}; return c.getDatasetMeta(0).data.map(e => [e.x, e.y]); }})()")
    assert len(spots) == 3
    for a in range(3):
        for b in range(a + 1, 3):
            assert ((spots[a][0] - spots[b][0]) ** 2 + (spots[a][1] - spots[b][1]) ** 2) ** 0.5 >= 10
    names = page.evaluate(f"(() => {{ const c = {GRID}; return {{area: c.chartArea, names: c.$pointNames}}; }})()")
    assert sorted(" ".join(n["lines"]) for n in names["names"]) == [
        "«Тынчтык» коомдук фонду",
        "Кыштут айыл өкмөтү",
        "Кыштут аялдар кеңеши",
        "Кыштут мектеби",
    ]
    area, boxes = names["area"], [n["box"] for n in names["names"]]
    for box in boxes:  # no name cut by the edge or lying over the axes' numbers
        assert area["left"] <= box["left"] and box["right"] <= area["right"]
        assert area["top"] <= box["top"] and box["bottom"] <= area["bottom"]
    for a in range(len(boxes)):
        for b in range(a + 1, len(boxes)):
            one, other = boxes[a], boxes[b]
            apart = (
                one["right"] <= other["left"]
                or other["right"] <= one["left"]
                or one["bottom"] <= other["top"]
                or other["bottom"] <= one["top"]
            )
            assert apart, (one, other)


def test_a_site_without_analysis_shows_how_to_record_it(page, users, make_organization, sign_in):
    make_organization(name_ky="Бааланбаган уюм")
    sign_in("staff", PASSWORD)
    page.goto("/en/stakeholders/analysis/?site=kyshtut")
    expect(page.locator("[data-testid=analysis-empty]")).to_contain_text("under “Stakeholder analysis”")
    expect(page.locator("#analysis-grid")).to_have_count(0)


def test_a_crowded_site_leaves_names_out_rather_than_drawing_them_over_each_other(
    page, users, make_organization, sign_in
):
    """Twenty-seven organizations (the demo's Ak-Turpak): every point drawn, no two names overlapping, none over the
    edge; the names left out are said under the grid, and every organization is still in the quarters' lists."""
    for n in range(27):
        make_organization(
            name_ky=f"Кыштут айылынын аксакалдар соту № {n + 1}",
            influence=1 + n % 5,
            interest=1 + (n * 3) % 5,
            stance="supportive",
        )
    page.set_viewport_size({"width": 375, "height": 812})
    sign_in("staff", PASSWORD, language="ky")
    page.goto("/ky/stakeholders/analysis/?site=kyshtut")
    page.wait_for_selector("#analysis-grid[data-ready=true]")
    drawn = page.evaluate(
        f"(() => {{ const c = {GRID}; return {{area: c.chartArea, names: c.$pointNames, out: c.$namesLeftOut,"
        " points: c.data.datasets.reduce((n, d) => n + d.data.length, 0)}; })()"
    )
    assert drawn["points"] == 27
    assert drawn["out"] > 0 and len(drawn["names"]) + drawn["out"] == 27
    boxes = [n["box"] for n in drawn["names"]]
    for box in boxes:
        assert drawn["area"]["left"] <= box["left"] and box["right"] <= drawn["area"]["right"]
    for a in range(len(boxes)):
        for b in range(a + 1, len(boxes)):
            one, other = boxes[a], boxes[b]
            assert (
                one["right"] <= other["left"]
                or other["right"] <= one["left"]
                or one["bottom"] <= other["top"]
                or other["bottom"] <= one["top"]
            ), (one, other)
    expect(page.locator("#analysis-names-left-out")).to_be_visible()
    expect(page.locator("[data-quadrant] li")).to_have_count(27)
