"""Journey of the network view: a local authority sees its site's organizations and their ties, and opens one."""

import pytest
from playwright.sync_api import expect

from stakeholders.models import OrganizationRelationship
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_a_local_authority_explores_its_sites_network(page, users, make_organization, sign_in):
    council = make_organization(name_ky="Аялдар кеңеши")
    okmotu = make_organization(name_ky="Айыл өкмөтү")
    OrganizationRelationship.objects.create(source=okmotu, target=council, kind="funds")
    sign_in("la_kyshtut", PASSWORD)
    page.goto("/en/stakeholders/network/")
    page.wait_for_selector("#network[data-ready=true]")
    expect(page.locator("[data-testid=network-size]")).to_contain_text("2 organizations, 1 relationships.")
    labels = page.evaluate("document.getElementById('network').portalGraph.nodes().map(n => n.data('label')).sort()")
    assert labels == ["Айыл өкмөтү", "Аялдар кеңеши"]
    position = page.evaluate(
        "(() => { const n = document.getElementById('network').portalGraph.$('node[label = \"Айыл өкмөтү\"]');"
        " return n.renderedPosition(); })()"
    )
    box = page.locator("#network").bounding_box()
    page.mouse.click(box["x"] + position["x"], box["y"] + position["y"])
    expect(page.locator("h1")).to_contain_text("Айыл өкмөтү")
