"""Home, map and site pages: they render for every role, and their query counts do not grow with the data."""

import pytest
from django.urls import reverse

from mapping_portal.models import Settlement
from tests.helpers import count_queries


def add_settlements(site, count):
    Settlement.objects.bulk_create(Settlement(site=site, name_ru=f"Село {n}", lat=41.4, lon=71.7) for n in range(count))


@pytest.mark.parametrize("role", ["anonymous", "staff", "la_kerben"])
@pytest.mark.parametrize("url_name", ["home", "map"])
def test_public_pages_query_count_is_constant(client_for, users, sites, role, url_name):
    client = client_for(users[role])
    url = reverse(url_name)
    first = count_queries(client, url)
    add_settlements(sites["kerben"], 30)
    assert count_queries(client, url) == first


def test_home_query_count_for_the_public(client, sites):
    # 1: sites with their settlement counts, 2: thematic areas.
    assert count_queries(client, reverse("home")) == 2


def test_site_page_query_count(client_for, users, sites):
    client = client_for(users["la_kerben"])
    url = reverse("site-detail", args=["kerben"])
    # session, user, the user's sites (scope), the site, its settlements, the registry's two
    # counts (organizations, people), the dialogues' two (events and trainings held; people reached and
    # trained, from the reach summary), the plans' one (plans followed, actions done and delayed), the menu's
    # sites, and the idle-timeout session save (savepoint, update, release).
    first = count_queries(client, url)
    add_settlements(sites["kerben"], 30)
    assert count_queries(client, url) == first == 14


def test_site_page_shows_the_site_and_its_settlements(client_for, users, sites):
    page = client_for(users["staff"]).get("/ru/sites/kyshtut/").content.decode()
    assert "Кыштутский айыльный аймак" in page
    for village in ["Таян", "Газ", "Кыштут", "Сай", "Согмент", "Чарбак"]:
        assert village in page
    assert "41705214835000" in page


def test_not_found_page_is_the_portals_own(client, sites):
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
