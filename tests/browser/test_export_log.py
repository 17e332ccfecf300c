"""An admin exports the open grant calls, then finds that export in the export log, filtered by their own name."""

from playwright.sync_api import expect

from mapping_portal.models import ExportLog
from tests.conftest import PASSWORD
from tests.grants.conftest import make_call  # noqa: F401  (the fixture)


def test_admin_downloads_an_export_and_finds_it_in_the_log(page, users, make_call, sign_in):  # noqa: F811
    make_call(title_ky="Ачык конкурс", status="open")
    make_call(title_ky="Чечилген конкурс", status="decided")
    ExportLog.objects.create(user=users["staff"], export="events", format="xlsx", rows=7)
    sign_in("admin", PASSWORD)

    page.goto("/en/grants/?status=open")
    expect(page.get_by_test_id("calls")).to_contain_text("Ачык конкурс")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV", exact=True).click()
    assert download.value.suggested_filename.startswith("grant-calls-")
    with open(download.value.path(), encoding="utf-8-sig") as exported:
        content = exported.read()
    assert "Ачык конкурс" in content and "Чечилген конкурс" not in content

    page.get_by_role("button", name="Administration").click()
    page.get_by_role("link", name="Export log").click()
    expect(page.get_by_test_id("export-log-entry")).to_have_count(2)
    page.select_option("#id_user", "admin")
    page.get_by_role("button", name="Apply filters").click()
    entries = page.get_by_test_id("export-log-entry")
    expect(entries).to_have_count(1)
    expect(entries).to_contain_text("grant-calls")
    expect(entries).to_contain_text("status: open")
    expect(entries).to_contain_text("admin")
    expect(entries.get_by_test_id("export-log-rows")).to_have_text("1")  # one call exported
