"""Journeys of the foundation: the public opens the map and sees the three pilot sites, switches language,
keeps a usable map without tiles and on a phone; an admin places a site's centre by clicking the map."""

import pytest
from playwright.sync_api import expect

from mapping_portal.models import PilotSite
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def open_map(page, language="ky"):
    page.goto(f"/{language}/map/")
    page.wait_for_selector("#sites-map[data-ready=true]")
    return page


def test_the_public_sees_the_three_pilot_sites_on_the_map(page, sites):
    open_map(page, "ky")
    labels = page.locator(".leaflet-tooltip.site-label")
    expect(labels).to_have_count(3)
    assert set(labels.all_inner_texts()) == {"Актурпак айыл аймагы", "Кыштут айыл аймагы", "Кербен шаары"}
    # Kerben's point is exact; the two ayil aimaks are drawn as areas, never as pins.
    expect(page.locator("path.site-exact")).to_have_count(1)
    expect(page.locator("path.site-approximate")).to_have_count(2)


def test_a_site_popup_says_how_precise_its_place_is(page, sites):
    open_map(page, "en")
    page.get_by_role("button", name="Kyshtut ayil aimak").click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("Kyshtut ayil aimak")
    expect(popup).to_contain_text("approximate location")
    expect(popup).to_contain_text("Batken District")


def test_switching_language_keeps_the_map_page(page, sites):
    open_map(page, "ky")
    page.click("button[name=language][value=ru]")
    page.wait_for_url("**/ru/map/")
    page.wait_for_selector("#sites-map[data-ready=true]")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator(".leaflet-tooltip.site-label", has_text="Кыштутский айыльный аймак")).to_be_visible()


@pytest.mark.parametrize("tiles_online", [False])
def test_without_tiles_the_sites_still_show_on_a_plain_background(page, sites, tiles_online):
    open_map(page, "en")
    expect(page.locator(".leaflet-tooltip.site-label")).to_have_count(3)
    expect(page.locator(".tiles-offline-note")).to_be_visible()


def test_on_a_phone_the_map_fits_the_screen(page, sites):
    page.set_viewport_size({"width": 375, "height": 740})
    open_map(page, "ky")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    expect(page.locator("#sites-map")).to_be_visible()
    expect(page.locator(".navbar-toggler")).to_be_visible()


def test_admin_places_a_site_centre_by_clicking_the_map(page, users, sign_in):
    sign_in("admin", PASSWORD)
    page.goto("/en/sites/kyshtut/")
    page.get_by_role("link", name="Set the centre on the map").click()
    page.wait_for_selector("#point-picker[data-ready=true]")
    page.locator("#point-picker").click(position={"x": 300, "y": 200})
    latitude = float(page.input_value("#id_centre_lat"))
    longitude = float(page.input_value("#id_centre_lon"))
    assert latitude and longitude
    page.fill("#id_centre_note", "read off the survey map")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/en/sites/kyshtut/")
    expect(page.locator(".alert-success")).to_be_visible()
    site = PilotSite.objects.get(slug="kyshtut")
    assert (round(site.centre_lat, 6), round(site.centre_lon, 6)) == (latitude, longitude)
    assert site.centre_precision == "exact"
