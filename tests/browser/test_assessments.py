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
    expect(page.locator("[data-testid=domain-scores]")).to_contain_text("+2")
    fit = page.evaluate(RADAR_FIT)
    assert (fit["labels"], fit["numbered"], fit["cut"]) == ([["Domain A"], ["Domain B"], ["Domain C"]], "false", 0)
    assert fit["smallest"] >= 12


RADAR_FIT = """(() => {
  const canvas = document.getElementById('capacity-radar');
  const chart = Chart.getChart(canvas);
  const scale = chart.scales.r;
  const box = canvas.parentElement.getBoundingClientRect();
  const sizes = scale._pointLabels.map(
    (_, i) => scale.options.pointLabels.setContext(scale.getPointLabelContext(i)).font.size);
  const cut = scale._pointLabelItems.filter(item => item.left < 0 || item.right > chart.width || item.top < 0 ||
                                                   item.bottom > chart.chartArea.bottom + 2);
  return {labels: scale._pointLabels, smallest: Math.min(...sizes), cut: cut.length, numbered: canvas.dataset.numbered,
          fills: Math.abs(chart.width - box.width) < 1 && Math.abs(chart.height - box.height) < 1,
          radius: scale.drawingArea, side: Math.min(chart.width, chart.height)};
})()"""


def test_the_radar_fits_its_box_with_names_of_twelve_pixels_or_more_never_cut(page, users, make_organization, sign_in):
    from stakeholders.models import AssessmentIndicator, AssessmentTemplate
    from stakeholders.seed import load_capacity_template
    from tests.stakeholders.test_assessments import assess

    load_capacity_template()  # the real template: ten domains with long Kyrgyz names
    template = AssessmentTemplate.objects.get()
    organization = make_organization(name_ky="Таян жаштар борбору")
    codes = AssessmentIndicator.objects.filter(domain__template=template).values_list("code", flat=True)
    baseline = {code: 1 + n % 4 for n, code in enumerate(codes)}
    endline = {code: min(4, score + 1) for code, score in baseline.items()}
    assess(organization, template, "baseline", "2026-03-01", baseline, final=True, user=users["staff"])
    assess(organization, template, "endline", "2026-10-01", endline, final=True, user=users["staff"])
    sign_in("staff", PASSWORD, language="ky")
    for width, height in ((1280, 800), (375, 812)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"/ky/stakeholders/{organization.pk}/capacity/")
        page.wait_for_selector("#capacity-radar[data-ready=true]")
        fit = page.evaluate(RADAR_FIT)
        assert fit["smallest"] >= 12, (width, fit)
        assert fit["cut"] == 0, (width, fit)
        assert fit["fills"], (width, fit)  # the canvas is as large as its box: no chart lost in an empty box
        assert fit["radius"] >= 0.2 * fit["side"], (width, fit)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert page.locator("[data-testid=domain-scores] tbody tr").count() == 10
    # On a desk the names are written out, wrapped onto lines; on a phone the axes are numbered like the table's rows.
    assert fit["numbered"] == "true" and fit["labels"] == [str(n) for n in range(1, 11)]
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"/ky/stakeholders/{organization.pk}/capacity/")
    page.wait_for_selector("#capacity-radar[data-ready=true]")
    fit = page.evaluate(RADAR_FIT)
    assert fit["numbered"] == "false"
    assert ["Ишмердүүлүктүн", "натыйжалуулугун", "башкаруу жана", "үйрөнүү"] in fit["labels"]
