"""Journey of a big download: a staff member exports more organizations than a request may take, follows the
job's page while a real worker makes the file, downloads it, and finds it again under "My downloads"."""

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_staff_gets_a_big_export_from_the_background(page, users, make_organization, sign_in, settings, workers):
    settings.JOB_EXPORT_ROWS = {"csv": 3, "xlsx": 3}
    for number in range(6):
        make_organization(site="kerben", name_ky=f"Уюм {number}")
    workers("worker")
    sign_in("staff", PASSWORD)
    page.goto("/ky/stakeholders/?site=kerben")
    page.get_by_role("link", name="XLSX", exact=True).click()
    # The job's page: waiting or under way, then (reloaded by itself) the file.
    expect(page.get_by_role("heading", name="organizations.xlsx")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_test_id("job-download").click(timeout=60_000)
    assert download.value.suggested_filename.startswith("organizations-")
    assert download.value.path().read_bytes()[:2] == b"PK"

    page.get_by_test_id("my-downloads").click()
    rows = page.get_by_test_id("job-row")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("organizations.xlsx")
    expect(rows.get_by_test_id("job-status")).to_have_text("Даяр")
