"""Journey of the results against targets: an admin sets a target for people trained at one site, sees the
actual figure move once a training is recorded there, and downloads the donor report."""

import datetime

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def people_trained(page):
    return page.locator("[data-testid=indicator-people_trained]")


def test_admin_sets_a_target_sees_the_figure_move_and_downloads_the_report(
    page, users, registry, make_event, make_person, attend, sign_in, workers
):
    workers("worker")  # the donor report is made in the background
    sign_in("admin", PASSWORD)
    page.goto("/en/reports/")
    people_trained(page).get_by_role("link", name="Targets and baseline").click()
    form = page.get_by_test_id("target-form")
    form.get_by_label("Period").select_option("2026")
    form.get_by_label("Pilot site").select_option(label="Kyshtut ayil aimak")
    form.get_by_label("Target").fill("10")
    form.get_by_role("button", name="Save the target").click()
    expect(page.locator(".alert-success")).to_contain_text("The target was saved.")
    expect(page.get_by_test_id("targets")).to_contain_text("Kyshtut")

    page.goto("/en/reports/")
    panel = page.get_by_role("search", name="Filters")
    panel.get_by_label("Period").select_option("2026")
    panel.get_by_label("Pilot site").select_option(label="Kyshtut ayil aimak")
    panel.get_by_role("button", name="Apply filters").click()
    figure = people_trained(page)
    expect(figure.get_by_test_id("target")).to_have_text("10")
    expect(figure.get_by_test_id("actual")).to_have_text("0")

    # A three-day training is recorded at Kyshtut: five people attend every day.
    training = make_event(site="kyshtut", start=datetime.date(2026, 5, 12), days=3, kind="training")
    for _number in range(5):
        attend(training, make_person(site="kyshtut"))
    page.reload()
    expect(figure.get_by_test_id("actual")).to_have_text("5")
    expect(figure.get_by_test_id("progress")).to_contain_text("50 %")

    # Asked for, the report is made by the worker; its page follows it and offers the file when it is ready.
    page.get_by_role("button", name="Donor report (PDF)").click()
    expect(page.get_by_role("heading", name="Donor report, PDF")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_test_id("job-download").click(timeout=60_000)
    assert download.value.suggested_filename.endswith(".pdf")
    assert download.value.path().read_bytes()[:5] == b"%PDF-"
