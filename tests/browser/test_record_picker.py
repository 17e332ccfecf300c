"""Journey of the record picker: staff choose an event's organizer from a large registry by typing a Latin
spelling of its Kyrgyz name, change their mind about a second one, and save; the page never lists the registry.
A centre's host is one organization: choosing another replaces it."""

import pytest
from playwright.sync_api import expect

from dialogues.models import Event
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_picking_an_organizer_by_a_latin_spelling(page, users, registry, make_organization, sign_in):
    tayan = make_organization(name_ky="Таян жаштар борбору")
    meerim = make_organization(name_ky="Мээрим коомдук фонду")
    for index in range(30):
        make_organization(name_ky=f"Башка уюм {index}")
    sign_in("staff", PASSWORD)
    page.goto("/en/dialogues/new/")
    expect(page.locator("body")).not_to_contain_text("Башка уюм")
    page.fill("#id_title", "Жаштар менен диалог")
    page.select_option("#id_kind", "dialogue_meeting")
    page.select_option("#id_status", "planned")
    page.select_option("#id_site", str(registry["kyshtut"].pk))
    page.fill("#id_start_date", "10.03.2026")
    page.fill("#id_end_date", "10.03.2026")

    organizers = page.locator("[data-record-picker]").filter(has=page.locator("#id_organizers"))
    page.fill("#id_organizers", "Tayan")
    organizers.get_by_role("button", name="Таян жаштар борбору").click()
    page.fill("#id_organizers", "meerim")
    organizers.get_by_role("button", name="Мээрим коомдук фонду").click()
    chosen = organizers.locator("[data-picker-chosen]")
    expect(chosen).to_contain_text("Таян жаштар борбору")
    expect(chosen).to_contain_text("Мээрим коомдук фонду")
    expect(page.locator("#id_organizers")).to_have_value("")
    chosen.get_by_label("Мээрим коомдук фонду").uncheck()  # changed their mind

    page.get_by_role("button", name="Save").click()
    expect(page.locator(".alert-success")).to_be_visible()
    event = Event.objects.get()
    assert list(event.organizers.all()) == [tayan]
    assert meerim not in event.organizers.all()

    # Where one record is allowed (a centre's host), choosing another replaces the first.
    page.goto("/en/dialogues/centres/new/")
    host = page.locator("[data-record-picker]").filter(has=page.locator("#id_host_organization"))
    page.fill("#id_host_organization", "tayan")
    host.get_by_role("button", name="Таян жаштар борбору").click()
    page.fill("#id_host_organization", "Мээрим")
    host.get_by_role("button", name="Мээрим коомдук фонду").click()
    expect(host.locator("[data-picker-chosen] input:checked")).to_have_count(1)
    expect(host.locator("[data-picker-chosen]")).to_have_text("Мээрим коомдук фонду")
