"""Journey of the audit: an admin renames an organization, opens the recent changes from the home and sees the old
name struck through and the new one; filters the list to organizations."""

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_admin_renames_an_organization_and_sees_old_and_new_in_recent_changes(page, users, make_organization, sign_in):
    organization = make_organization(name_ky="Таш-Булак жаштар кеңеши")
    sign_in("admin", PASSWORD)
    page.goto(f"/en/stakeholders/{organization.pk}/edit/")
    page.fill("#id_name_ky", "Таш-Булак жаштар борбору")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".alert-success")).to_be_visible()

    page.goto("/en/")
    page.get_by_role("link", name="All recent changes, field by field").click()
    newest = page.get_by_test_id("change").first
    expect(newest.get_by_role("link", name="Таш-Булак жаштар борбору")).to_be_visible()
    expect(newest).to_contain_text("admin")
    diff = newest.get_by_test_id("history-diff").filter(has_text="name in Kyrgyz")
    expect(diff.locator("del")).to_have_text("Таш-Булак жаштар кеңеши")
    expect(diff.locator("ins")).to_have_text("Таш-Булак жаштар борбору")

    page.select_option("#id_kind", label="People")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("Таш-Булак жаштар борбору")).to_have_count(0)
    page.select_option("#id_kind", label="Organizations")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_test_id("change").first).to_contain_text("Таш-Булак жаштар борбору")
