"""Journey of the network view: a local authority sees its site's organizations and their ties, and opens one."""

import pytest
from playwright.sync_api import expect

from stakeholders.models import OrganizationRelationship
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

GRAPH = "document.getElementById('network').portalGraph"


def test_a_local_authority_explores_its_sites_network(page, users, make_organization, sign_in):
    council = make_organization(name_ky="Аялдар кеңеши")
    okmotu = make_organization(name_ky="Айыл өкмөтү", type_code="local-self-government")
    OrganizationRelationship.objects.create(source=okmotu, target=council, kind="funds")
    sign_in("la_kyshtut", PASSWORD)
    page.goto("/en/stakeholders/network/")
    page.wait_for_selector("#network[data-ready=true]")
    expect(page.locator("[data-testid=network-size]")).to_contain_text("2 organizations, 1 relationships.")
    labels = page.evaluate(f"{GRAPH}.nodes().map(n => n.data('label')).sort()")
    assert labels == ["Айыл өкмөтү", "Аялдар кеңеши"]
    legend = page.locator("[data-testid=network-legend]")
    expect(legend).to_contain_text("Funding")
    expect(legend.locator("[data-type]")).to_have_count(2)
    # A tie's name shows only while one of its organizations (or the line) is pointed at: no label over a label.
    assert page.evaluate(f"{GRAPH}.edges('.show-label').length") == 0
    position = page.evaluate(
        f"(() => {{ const n = {GRAPH}.$('node[label = \"Айыл өкмөтү\"]'); return n.renderedPosition(); }})()"
    )
    box = page.locator("#network").bounding_box()
    page.mouse.move(box["x"] + position["x"], box["y"] + position["y"])
    assert page.evaluate(f"{GRAPH}.edges('.show-label').map(e => e.data('label'))") == ["funding"]
    page.mouse.click(box["x"] + position["x"], box["y"] + position["y"])
    expect(page.locator("h1")).to_contain_text("Айыл өкмөтү")


def test_on_a_phone_the_network_fits_the_screen_and_names_read_at_twelve_pixels(
    page, users, make_organization, sign_in
):
    names = [
        "Кыштут айыл өкмөтү",
        "Кыштут аялдар кеңеши",
        "Таян жаштар борбору",
        "Кыштут айылынын аксакалдар соту",
        "Коомдук профилактикалык борбор",
        "«Ынтымак» демилгелүү тобу",
        "Кыштут жергиликтүү кеңеши",
        "«Тынчтык» коомдук фонду",
    ]
    organizations = [make_organization(name_ky=name) for name in names]
    hub = organizations[0]
    for n, other in enumerate(organizations[1:]):
        OrganizationRelationship.objects.create(
            source=hub, target=other, kind=["funds", "partner", "coordinates_with"][n % 3]
        )
    OrganizationRelationship.objects.create(source=organizations[5], target=organizations[1], kind="member_of")
    page.set_viewport_size({"width": 375, "height": 812})
    sign_in("staff", PASSWORD, language="ky")
    page.goto("/ky/stakeholders/network/?site=kyshtut")
    page.wait_for_selector("#network[data-ready=true]")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.locator("#network").bounding_box()["width"] <= 375
    assert float(page.locator("#network").get_attribute("data-label-size")) >= 12
    inside = page.evaluate(
        f"""(() => {{ const g = {GRAPH}; return g.nodes().filter(n => {{
              const b = n.renderedBoundingBox({{includeLabels: true}});
              return b.x1 < 0 || b.y1 < 0 || b.x2 > g.width() || b.y2 > g.height();
            }}).map(n => n.data('label')); }})()"""
    )
    assert inside == []  # every name whole inside the box
    # The page scrolls past the graph: no panning or pinching trapped inside it.
    assert page.evaluate(f"[{GRAPH}.userPanningEnabled(), {GRAPH}.userZoomingEnabled()]") == [False, False]


def test_a_site_without_ties_says_how_to_add_one(page, users, make_organization, sign_in):
    make_organization(name_ky="Жалгыз уюм")
    sign_in("staff", PASSWORD)
    page.goto("/en/stakeholders/network/?site=kyshtut")
    empty = page.locator("[data-testid=network-empty]")
    expect(empty).to_contain_text("No relationships between organizations of this site have been recorded yet.")
    expect(empty).to_contain_text("under “Relationships” choose the kind of relationship")
    expect(page.locator("#network")).to_have_count(0)
    empty.get_by_role("link", name="Organizations of Kyshtut").click()
    expect(page.get_by_role("link", name="Жалгыз уюм")).to_be_visible()
