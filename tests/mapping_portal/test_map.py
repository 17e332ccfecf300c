"""The map page and its organizations layer: the organization list's FilterSet (the filters a role may use), the
filter kept in the page's links, popups in the page's language with a profile link only for those who may open it,
bad filter values reported and ignored, constant query counts."""

import json
import re
from html import unescape

import pytest
from django.urls import reverse

from mapping_portal.models import PilotSite, Settlement
from stakeholders.filters import OrganizationFilterSet
from tests.conftest import ROLES_BUT_AKTURPAK
from tests.helpers import count_queries, url

LAYER = "/api/stakeholders.geojson"
STATUS_FILTERS = {"consent", "needs_validation", "active"}
# Every filter of the list but the sort order (nothing to sort on a map).
ALL_MAP_FILTERS = set(OrganizationFilterSet.base_filters) - {"order"}


def map_url(language="en", query=""):
    return url("map", language=language) + (f"?{query}" if query else "")


def filter_names(page: str) -> set[str]:
    """The fields of the page's filter form."""
    form = re.search(r'<form id="map-filters".*?</form>', page, re.S).group(0)
    return set(re.findall(r'<(?:input|select)[^>]* name="([^"]+)"', form))


def page_data(page: str, element_id: str):
    return json.loads(re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', page).group(1))


def layer_names(client, query=""):
    return sorted(f["properties"]["name"] for f in client.get(f"{LAYER}?{query}").json()["features"])


@pytest.fixture
def kyshtut_organizations(make_organization):
    """Four organizations of Kyshtut that differ in every filter of the list, and one of Kerben."""
    from stakeholders.models import TargetGroup

    def make(**fields):
        return make_organization(**({"needs_validation": False, "public_listing_consent": True} | fields))

    village = Settlement.objects.get(site__slug="kyshtut", name_en="Charbak")
    women = make(
        name_ky="Аялдар кеңеши",
        type_code="womens-organization",
        women_led=True,
        areas=["peace-security"],
        settlement=village,
    )
    women.target_groups.set(TargetGroup.objects.filter(code="women"))
    make(name_ky="Жаштар борбору", type_code="youth-organization", youth_led=True)
    make(name_ky="Текшерилбеген уюм", needs_validation=True)
    make(name_ky="Жабылган уюм", is_active=False, public_listing_consent=False)
    make(name_ky="Кербен уюму", site="kerben")


# --- The filter form: the list's FilterSet -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES_BUT_AKTURPAK)
def test_the_map_offers_the_lists_filters_a_role_may_use_but_the_sort_order(client_for, users, registry, role):
    page = client_for(users[role]).get(map_url()).content.decode()
    expected = ALL_MAP_FILTERS if role not in {"anonymous", "applicant"} else ALL_MAP_FILTERS - STATUS_FILTERS
    assert filter_names(page) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=Zhashtar", ["Жаштар борбору"]),
        ("site=kerben", ["Кербен уюму"]),
        ("type=womens-organization", ["Аялдар кеңеши"]),
        ("thematic_area=peace-security", ["Аялдар кеңеши"]),
        ("target_group=women", ["Аялдар кеңеши"]),
        ("women_led=true", ["Аялдар кеңеши"]),
        ("youth_led=true", ["Жаштар борбору"]),
        ("consent=false", ["Жабылган уюм"]),
        ("needs_validation=true", ["Текшерилбеген уюм"]),
        ("active=false", ["Жабылган уюм"]),
        ("site=kyshtut&youth_led=false&active=true", ["Аялдар кеңеши", "Текшерилбеген уюм"]),
    ],
)
def test_every_filter_of_the_list_narrows_the_map_layer(client_for, staff, kyshtut_organizations, query, expected):
    assert layer_names(client_for(staff), query) == expected


def test_the_public_map_filters_public_fields_only(client, kyshtut_organizations):
    everything = layer_names(client)
    assert everything == ["Аялдар кеңеши", "Жаштар борбору", "Кербен уюму", "Текшерилбеген уюм"]
    # Which consented organizations need validation is the project's own bookkeeping: the filter is not there.
    assert layer_names(client, "needs_validation=true") == everything
    assert layer_names(client, "needs_validation=false") == everything
    assert layer_names(client, "women_led=true&site=kyshtut") == ["Аялдар кеңеши"]


@pytest.mark.parametrize(
    "query",
    [
        "site=atlantis",
        "women_led=maybe",
        "type=no-such-type&thematic_area=%00",
        "q=%00",
        "target_group=" + "x" * 3000,
        "settlement=abc&page=-1",
    ],
)
def test_bad_filter_values_are_reported_on_the_map_and_ignored_by_the_layer(client_for, staff, registry, query):
    client = client_for(staff)
    response = client.get(map_url(query=query))
    assert response.status_code == 200
    understood = not response.context["filter_form"].errors
    assert ("Some filter values were not understood and are ignored" in response.content.decode()) is not understood
    layer = client.get(f"{LAYER}?{query}")
    assert layer.status_code == 200
    assert layer.json()["type"] == "FeatureCollection"


def test_a_bad_value_does_not_empty_the_layer(client_for, staff, kyshtut_organizations):
    client = client_for(staff)
    assert layer_names(client, "site=atlantis&women_led=true") == layer_names(client, "women_led=true")


# --- The filter in the address, and the same selection as a list ---------------------------------------------------


def test_a_shared_link_opens_the_same_selection(client_for, staff, kyshtut_organizations):
    response = client_for(staff).get(map_url("ky", "site=kerben&women_led=true&q=&order=-name"))
    page = response.content.decode()
    form = response.context["filter_form"]
    assert (form["site"].value(), form["women_led"].value()) == ("kerben", "true")
    assert 'data-focus="kerben"' in page  # the map opens on the chosen site
    # The same selection as a list (the empty and the map-less values dropped); the badge counts two filters.
    link = re.search(r'<a class="[^"]*" href="([^"]*)"\s+data-keeps-filters', page).group(1)
    assert unescape(link) == "/ky/stakeholders/?site=kerben&women_led=true"
    assert re.search(r"data-active-filter-count>2<", page)


def test_the_list_link_lists_what_the_map_shows(client_for, staff, kyshtut_organizations):
    client = client_for(staff)
    query = "site=kyshtut&youth_led=false&active=true"
    page = client.get(map_url("en", query)).content.decode()
    link = unescape(re.search(r'href="([^"]*)"\s+data-keeps-filters', page).group(1))
    listed = sorted(organization.name for organization in client.get(link).context["page"])
    assert listed == layer_names(client, query)


@pytest.mark.parametrize("role", ROLES_BUT_AKTURPAK)
def test_the_list_link_is_there_only_where_the_list_opens(client_for, users, registry, role):
    client = client_for(users[role])
    page = client.get(map_url()).content.decode()
    list_opens = client.get(reverse("stakeholders:organization-list")).status_code == 200
    assert ("data-keeps-filters" in page) is list_opens
    assert role != "anonymous" or list_opens  # the public browses the consented organizations


# --- Popups: what the layer and the page give each role ------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES_BUT_AKTURPAK)
def test_the_layer_gives_every_role_public_fields_only(client_for, users, kyshtut_organizations, role):
    features = client_for(users[role]).get(LAYER).json()["features"]
    for feature in features:
        assert set(feature["properties"]) == {"id", "name", "type", "site", "settlement"}
    by_name = {f["properties"]["name"]: f["properties"] for f in features}
    if "Аялдар кеңеши" in by_name:
        charbak = Settlement.objects.get(name_en="Charbak")
        assert by_name["Аялдар кеңеши"] | {"id": 0} == {
            "id": 0,
            "name": "Аялдар кеңеши",
            "type": "womens-organization",
            "site": "kyshtut",
            "settlement": charbak.pk,
        }


@pytest.mark.parametrize("role", ROLES_BUT_AKTURPAK)
def test_the_popup_links_to_the_profile_only_for_those_who_may_open_it(client_for, users, kyshtut_organizations, role):
    client = client_for(users[role])
    page = client.get(map_url()).content.decode()
    template = re.search(r'data-organization-url="([^"]+)"', page)
    features = client.get(LAYER).json()["features"]
    # Everyone who sees organizations here may open their profiles: the public its consented ones (public fields),
    # the project's roles their sites'. The reviewer here reviews no application (no organization); an
    # applicant's account sees its own applications only: no registry, no link.
    assert (template is not None) is (role != "applicant")
    assert bool(features) is (role not in {"reviewer", "applicant"})
    for feature in features:
        url = template.group(1).replace("/0/", f"/{feature['properties']['id']}/")
        assert client.get(url).status_code == 200, feature["properties"]["name"]


@pytest.mark.parametrize(
    ("language", "type_name", "site_name", "village", "label"),
    [
        ("ky", "Аялдар уюму же аялдар кеңеши", "Кыштут айыл аймагы", "Чарбак", "Түрү"),
        ("ru", "Женская организация или женсовет", "Кыштутский айыльный аймак", "Чарбак", "Тип"),
        ("en", "Women's organization or council", "Kyshtut ayil aimak", "Charbak", "Type"),
    ],
)
def test_the_popups_speak_the_pages_language(client, registry, language, type_name, site_name, village, label):
    names = page_data(client.get(map_url(language)).content.decode(), "organization-names")
    charbak = Settlement.objects.get(name_en="Charbak")
    assert names["types"]["womens-organization"] == type_name
    assert names["sites"]["kyshtut"] == site_name
    assert names["settlements"][str(charbak.pk)] == village
    assert names["labels"]["type"] == label
    assert set(names["labels"]) == {"type", "site", "settlement", "profile"}


# --- Query counts --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "expected"), [("anonymous", 11), ("staff", 18)])
def test_map_page_query_count(client_for, users, make_organization, role, expected):
    client = client_for(users[role])
    address = map_url(query="site=kyshtut&type=cso&thematic_area=peace-security&target_group=women")
    # The sites with their settlements (2), the organization types (the legend and the popups' names), the chosen
    # site, type, direction and target group looked up while the filter form is checked (4), the four selects'
    # options (4). Signed in, also: the session, the user, the user's sites (scope), the menu's sites and the
    # idle-timeout session save (savepoint, update, release). Never a query per organization or settlement.
    first = count_queries(client, address)
    for number in range(20):
        make_organization(name_ky=f"Уюм {number}", public_listing_consent=True)
    kerben = PilotSite.objects.get(slug="kerben")
    Settlement.objects.bulk_create(Settlement(site=kerben, name_ru=f"Село {n}") for n in range(20))
    assert count_queries(client, address) == first == expected
