"""Journey of an import: staff uploads a spreadsheet, watches it being checked, sees the rows with errors
and the possible duplicates, cannot import while errors remain, uploads the corrected file and imports it."""

import pytest
from playwright.sync_api import expect

from stakeholders.models import Organization
from tests.conftest import PASSWORD
from tests.stakeholders.test_import import csv_bytes, private_media  # noqa: F401 (autouse)

pytestmark = pytest.mark.browser

HEADER = ["name_ky", "name_ru", "type", "site", "year_founded"]


def upload(page, rows, name):
    page.goto("/en/stakeholders/imports/new/")
    page.select_option("#id_kind", "organizations")
    page.set_input_files("#id_file", files=[{"name": name, "mimeType": "text/csv", "buffer": csv_bytes(rows)}])
    page.get_by_role("button", name="Upload and check").click()
    # The progress part polls (htmx) until the check is done, then the page shows the preview.
    page.wait_for_selector("[data-testid=import-summary]")


def test_staff_previews_an_import_with_errors_and_duplicates_then_imports_the_corrected_file(
    page, users, make_organization, sign_in
):
    existing = make_organization(name_ky="Кыштут аялдар кеңеши")
    sign_in("staff", PASSWORD)
    page.goto("/en/stakeholders/")
    page.get_by_role("link", name="Import", exact=True).click()
    expect(page.locator("h1")).to_have_text("Imports")

    rows = [
        HEADER,
        ["Жаш-Тилек", "", "youth-organization", "kyshtut", "2015"],
        ["Kyshtut ayaldar kenesh jamaaty", "", "womens-organization", "kyshtut", ""],
        ["Мектеп", "", "spaceship", "kyshtut", "1850"],
    ]
    upload(page, rows, "survey.csv")
    expect(page.locator("[data-count=errors]")).to_have_text("1")
    expect(page.locator("[data-testid=row-error]").first).to_contain_text("C “type”")
    expect(page.locator("[data-testid=commit-blocked]")).to_be_visible()
    expect(page.get_by_role("button", name="Import", exact=True)).to_be_disabled()
    page.get_by_role("link", name="Possible duplicates").click()
    match = page.locator("[data-testid=row-match]")
    expect(match).to_contain_text("Кыштут аялдар кеңеши")
    expect(match.locator("a")).to_have_attribute("href", f"/en/stakeholders/{existing.pk}/")
    assert Organization.objects.count() == 1

    rows[3] = ["Мектеп", "", "school", "kyshtut", "1985"]
    upload(page, rows, "survey-corrected.csv")
    expect(page.locator("[data-count=new]")).to_have_text("3")
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("Imported: 3 new, 0 updated.")
    assert Organization.objects.count() == 4
    page.get_by_role("link", name="Жаш-Тилек").click()
    expect(page.locator("h1")).to_contain_text("Жаш-Тилек")
