"""Journeys of the map: the public opens it and sees the three pilot sites, switches language, keeps a usable map
without tiles and on a phone; a filter set on the map stays in the address and opens the same selection as a list,
and back; popups say what an organization is; a site's name never lies over a marker; an admin places a site's
centre by clicking the map."""

import re

import pytest
from playwright.sync_api import expect

from mapping_portal.models import PilotSite, Settlement
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


# --- The organizations: filters in the address, the same selection as a list, popups, labels ----------------------


def organizations_ready(page):
    page.wait_for_selector("#sites-map[data-organizations-ready=true]")


def open_one_marker(page):
    """Click clusters until an organization's own marker shows, then open its popup."""
    find = """(selector) => {
      const box = document.getElementById('sites-map').getBoundingClientRect();
      for (const element of document.querySelectorAll(selector)) {
        const r = element.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
        if (x > box.left + 20 && x < box.right - 20 && y > box.top + 20 && y < box.bottom - 20) return [x, y];
      }
      return null;
    }"""
    page.locator("#sites-map").scroll_into_view_if_needed()
    for _ in range(8):
        point = page.evaluate(find, ".organization-marker")
        if point:
            break
        page.mouse.click(*page.evaluate(find, ".marker-cluster"))
        page.wait_for_timeout(600)
    page.mouse.click(*point)
    return page.locator(".leaflet-popup-content")


@pytest.fixture
def mapped(make_organization):
    """Two women's organizations (one in a known village) and a youth centre, all consented, and one that is not."""
    charbak = Settlement.objects.get(name_en="Charbak")
    return {
        "women": make_organization(
            name_ky="Чарбак аялдар кеңеши",
            type_code="womens-organization",
            settlement=charbak,
            public_listing_consent=True,
        ),
        "women_kerben": make_organization(
            name_ky="Кербен аялдар уюму", type_code="womens-organization", site="kerben", public_listing_consent=True
        ),
        "youth": make_organization(
            name_ky="Таян жаштар борбору", type_code="youth-organization", public_listing_consent=True
        ),
        "private": make_organization(name_ky="Жабык уюм", type_code="womens-organization"),
    }


def test_a_filter_set_on_the_map_stays_in_the_address_and_opens_the_same_list_and_back(page, users, mapped, sign_in):
    sign_in("staff", PASSWORD)
    page.goto("/en/map/")
    organizations_ready(page)
    expect(page.locator("[data-organization-count]")).to_have_text("4")
    page.select_option("#id_type", "womens-organization")
    page.wait_for_url(re.compile(r"/en/map/\?type=womens-organization$"))
    organizations_ready(page)
    expect(page.locator("[data-organization-count]")).to_have_text("3")
    page.select_option("#id_site", "kyshtut")
    page.wait_for_url(re.compile(r"/en/map/\?site=kyshtut&type=womens-organization$"))
    organizations_ready(page)
    expect(page.locator("[data-organization-count]")).to_have_text("2")

    page.get_by_role("link", name="Show as a list").click()
    page.wait_for_url(re.compile(r"/en/stakeholders/\?site=kyshtut&type=womens-organization$"))
    expect(page.locator("table tbody tr")).to_have_count(2)
    expect(page.locator("table tbody")).to_contain_text("Чарбак аялдар кеңеши")
    expect(page.locator("table tbody")).to_contain_text("Жабык уюм")

    page.go_back()  # the browser's back button returns to the same selection
    organizations_ready(page)
    expect(page.locator("#id_site")).to_have_value("kyshtut")
    expect(page.locator("[data-organization-count]")).to_have_text("2")
    page.go_forward()
    page.get_by_role("link", name="Show on the map").click()  # and the list's own link
    page.wait_for_url(re.compile(r"/en/map/\?site=kyshtut&type=womens-organization$"))
    organizations_ready(page)
    expect(page.locator("#id_type")).to_have_value("womens-organization")
    expect(page.locator("[data-organization-count]")).to_have_text("2")


def test_a_shared_link_opens_the_same_selection_for_the_public(page, mapped):
    page.goto("/ky/map/?type=womens-organization&needs_validation=true&site=atlantis")
    organizations_ready(page)
    # The public's two consented women's organizations; the filters it may not use, and the values not understood,
    # leave the address (and the page says what it ignored).
    expect(page.locator("[data-organization-count]")).to_have_text("2")
    expect(page).to_have_url(re.compile(r"/ky/map/\?type=womens-organization$"))
    expect(page.locator(".alert-warning")).to_be_visible()
    expect(page.locator("#id_needs_validation")).to_have_count(0)
    # "Show as a list": the public browses the consented organizations.
    expect(page.locator("a[data-keeps-filters]")).to_have_attribute(
        "href", "/ky/stakeholders/?type=womens-organization"
    )


def test_a_popup_gives_type_site_settlement_and_a_link_to_the_profile(page, users, mapped, sign_in):
    sign_in("staff", PASSWORD)
    page.goto("/en/map/?site=kyshtut&type=womens-organization&consent=true")
    organizations_ready(page)
    expect(page.locator("[data-organization-count]")).to_have_text("1")
    popup = open_one_marker(page)
    expect(popup).to_contain_text("Чарбак аялдар кеңеши")
    expect(popup).to_contain_text("Women's organization or council")
    expect(popup).to_contain_text("Kyshtut ayil aimak")
    expect(popup).to_contain_text("Charbak")
    popup.get_by_role("link", name="Open the profile").click()
    page.wait_for_url(f"**/en/stakeholders/{mapped['women'].pk}/")
    expect(page.locator("h1")).to_contain_text("Чарбак аялдар кеңеши")


def test_the_publics_popup_shows_public_fields_in_its_language(page, mapped):
    page.goto("/ru/map/?site=kyshtut&type=womens-organization")
    organizations_ready(page)
    expect(page.locator("[data-organization-count]")).to_have_text("1")  # not the unconsented one
    popup = open_one_marker(page)
    expect(popup).to_contain_text("Чарбак аялдар кеңеши")
    expect(popup).to_contain_text("Женская организация или женсовет")
    expect(popup).to_contain_text("Кыштутский айыльный аймак")
    # The public opens a consented organization's profile (public fields only), as from the public list.
    link = popup.locator("a")
    expect(link).to_have_count(1)
    expect(link).to_have_attribute("href", f"/ru/stakeholders/{mapped['women'].pk}/")


def test_a_site_label_never_lies_over_a_marker(page, registry, make_organization):
    """An organization placed exactly where Kerben's name is drawn: the marker is on top, and takes the click."""
    open_map(page, "en")
    # Where the label is, as a place on the map (the view is the same on every load: it fits the sites).
    spot = page.evaluate("""() => {
      const element = document.getElementById('sites-map'), map = element.portalMap;
      const label = [...document.querySelectorAll('.site-label')].find(l => l.textContent === 'Kerben town');
      const box = element.getBoundingClientRect(), r = label.getBoundingClientRect();
      const ll = map.containerPointToLatLng([r.left + r.width / 2 - box.left, r.top + r.height / 2 - box.top]);
      return [ll.lat, ll.lng];
    }""")
    make_organization(
        name_ky="Белги астындагы уюм", site="kerben", lat=spot[0], lon=spot[1], public_listing_consent=True
    )
    open_map(page, "en")
    organizations_ready(page)
    # What is painted on top at the marker's centre? The labels take no clicks (so elementFromPoint would look
    # through them): make them hit-testable for the check.
    on_top = page.evaluate("""() => {
      document.querySelectorAll('.site-label').forEach(l => {
        l.style.pointerEvents = 'auto';
        l.parentNode.style.pointerEvents = 'auto';
      });
      const marker = document.querySelector('.organization-marker');
      const label = [...document.querySelectorAll('.site-label')].find(l => l.textContent === 'Kerben town');
      const m = marker.getBoundingClientRect(), l = label.getBoundingClientRect();
      const overlaps = m.left < l.right && l.left < m.right && m.top < l.bottom && l.top < m.bottom;
      const hit = document.elementFromPoint(m.left + m.width / 2, m.top + m.height / 2);
      return {overlaps, marker: marker.contains(hit), hit: hit.className,
              markerBox: [m.left, m.top, m.right, m.bottom], labelBox: [l.left, l.top, l.right, l.bottom]};
    }""")
    assert on_top["overlaps"], f"the test placed the organization under the label: {on_top}"
    assert on_top["marker"], f"a label lies over the marker: {on_top['hit']}"
    page.locator(".organization-marker").click()
    expect(page.locator(".leaflet-popup-content")).to_contain_text("Белги астындагы уюм")


@pytest.mark.parametrize("tiles_online", [False])
def test_on_a_phone_the_filters_fold_and_every_control_is_reachable(page, mapped, tiles_online):
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto("/ky/map/")
    organizations_ready(page)
    expect(page.locator("#id_type")).to_be_hidden()  # folded: the map is on the first screen
    expect(page.locator("#sites-map")).to_be_in_viewport()
    page.get_by_role("button", name="Чыпкалар").click()
    expect(page.locator("#id_type")).to_be_visible()
    page.select_option("#id_type", "youth-organization")
    page.get_by_role("button", name="Чыпкаларды колдонуу").click()
    expect(page.locator("#id_type")).to_be_hidden()  # applied: folded again, the map in view
    expect(page.locator("[data-active-filter-count]")).to_have_text("1")
    expect(page.locator("[data-organization-count]")).to_have_text("1")
    expect(page).to_have_url(re.compile(r"\?type=youth-organization$"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_role("button", name="Чыпкалар").click()
    expect(page.locator("#map-filters")).to_have_class(re.compile(r"\bshow\b"))  # opened (not still unfolding)
    unreachable = page.evaluate("""() => [...document.querySelectorAll('main :is(input, select, button, a[href])')]
      .filter(el => el.checkVisibility() && !el.closest('.leaflet-control-attribution'))
      .filter(el => {
        el.scrollIntoView({block: 'center', behavior: 'instant'});
        const r = el.getBoundingClientRect();
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return !(hit && (el.contains(hit) || [...(el.labels || [])].some(l => l.contains(hit))));
      }).map(el => el.outerHTML.slice(0, 80))""")
    assert unreachable == []
