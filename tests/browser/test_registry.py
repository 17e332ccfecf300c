"""Journey of the registry: staff adds an organization by clicking the map, finds it by a Latin spelling
of its Cyrillic name, and sees it on the map; the public map shows only consented organizations."""

import pytest
from playwright.sync_api import expect

from stakeholders.models import Organization
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_staff_adds_an_organization_finds_it_by_latin_spelling_and_sees_it_on_the_map(page, users, registry, sign_in):
    sign_in("staff", PASSWORD)
    page.goto("/en/stakeholders/")
    page.get_by_role("link", name="New organization").click()
    page.fill("#id_name_ky", "Чарбак жаштар борбору")
    page.fill("#id_name_ru", "Молодёжный центр Чарбак")
    page.select_option("#id_type", label="Youth organization or centre")
    page.select_option("#id_site", label="Kyshtut ayil aimak")
    # The settlement list narrows to Kyshtut's villages.
    expect(page.locator("#id_settlement option:not([hidden])")).to_have_count(7)  # six villages and the blank
    page.select_option("#id_settlement", label="Charbak")
    page.wait_for_selector("#point-picker[data-ready=true]")
    page.locator("#point-picker").click(position={"x": 320, "y": 180})
    assert page.input_value("#id_lat") and page.input_value("#id_lon")
    page.get_by_label("Youth-led").check()
    page.get_by_label("consents to public listing").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("h1")).to_contain_text("Чарбак жаштар борбору")

    organization = Organization.objects.get(name_ky="Чарбак жаштар борбору")
    assert organization.settlement.name_en == "Charbak" and organization.lat is not None

    page.goto("/en/stakeholders/")
    page.fill("#id_q", "Charbak jashtar")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("table tbody tr")).to_have_count(1)
    expect(page.locator("table tbody")).to_contain_text("Чарбак жаштар борбору")

    page.goto("/en/map/")
    page.wait_for_selector("#sites-map[data-organizations-ready=true]")
    expect(page.locator("[data-organization-count]")).to_have_text("1")
    page.locator(".organization-marker, .marker-cluster").first.click()
    page.wait_for_timeout(400)
    if page.locator(".leaflet-popup-content").count() == 0:  # a cluster: zoom in and open the marker
        page.locator(".organization-marker").first.click()
    expect(page.locator(".leaflet-popup-content")).to_contain_text("Чарбак жаштар борбору")
    expect(page.locator(".leaflet-popup-content")).to_contain_text("Charbak")
    expect(page.locator(".leaflet-popup-content a")).to_have_text("Open the profile")


def test_the_public_map_shows_only_consented_organizations(page, registry, make_organization):
    make_organization(name_ky="Ачык уюм", public_listing_consent=True)
    make_organization(name_ky="Жабык уюм")
    make_organization(name_ky="Сезимтал уюм", public_listing_consent=True, areas=["gbv-prevention"])
    page.goto("/ky/map/")
    page.wait_for_selector("#sites-map[data-organizations-ready=true]")
    expect(page.locator("[data-organization-count]")).to_have_text("1")
    page.select_option("#id_site", "kerben")
    page.wait_for_selector("#sites-map[data-organizations-ready=true]")
    expect(page.locator("[data-organization-count]")).to_have_text("0")


def test_typing_a_known_name_in_another_spelling_offers_the_existing_organization(
    page, users, make_organization, sign_in
):
    make_organization(name_ky="«Мээрим» коомдук фонду", site="kyshtut")
    sign_in("staff", PASSWORD)
    page.goto("/en/stakeholders/new/")
    page.select_option("#id_site", label="Kyshtut ayil aimak")
    page.fill("#id_name_ru", "Общественный фонд Меерим")
    hint = page.locator("[data-testid=similar]")
    expect(hint).to_be_visible()
    expect(hint).to_contain_text("«Мээрим» коомдук фонду")


def test_staff_adds_a_member_from_the_organization_page_and_removes_it(
    page, users, sign_in, make_organization, make_person
):
    from stakeholders.models import Membership

    organization = make_organization(name_ky="Кербен шаардык мэриясы", site="kerben")
    person = make_person(full_name="Мамытова Гүлнара", site="kerben")
    sign_in("staff", PASSWORD)
    page.goto(f"/en/stakeholders/{organization.pk}/")
    members = page.locator("#members")
    expect(members).to_contain_text("No members recorded.")
    picker = page.locator("[data-record-picker]").filter(has=page.locator("#id_member-person"))
    page.fill("#id_member-person", "gulnara mamytova")
    picker.get_by_role("button", name="Мамытова Гүлнара").click()
    expect(picker.locator("[data-picker-chosen]")).to_contain_text("Мамытова Гүлнара")
    page.select_option("#id_member-role", label="leader")
    page.fill("#id_member-since", "2021")
    page.fill("#id_member-until", "2020")
    members.get_by_role("button", name="Add").click()
    expect(page.locator(".alert-danger")).to_contain_text("cannot be before the year it began")
    assert not Membership.objects.exists()
    # The message shows while the page is still loading: type only once its scripts (htmx) have started.
    page.wait_for_load_state("load")

    page.fill("#id_member-person", "Mamytova")
    picker.get_by_role("button", name="Мамытова Гүлнара").click()
    page.select_option("#id_member-role", label="leader")
    page.fill("#id_member-since", "2021")
    members.get_by_role("button", name="Add").click()
    expect(page.locator(".alert-success")).to_contain_text("The membership was added.")
    expect(members.get_by_role("link", name="Мамытова Гүлнара")).to_be_visible()
    expect(members).to_contain_text("leader (since 2021)")
    membership = Membership.objects.get()
    assert (membership.person, membership.role, membership.since) == (person, "leader", 2021)

    members.get_by_role("button", name="Remove").click()
    expect(page.locator(".alert-success")).to_contain_text("The membership was removed.")
    expect(members).to_contain_text("No members recorded.")
    assert not Membership.objects.exists()
