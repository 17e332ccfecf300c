"""Lists of the registry: search across scripts, Kyrgyz alphabet order, filters, pages, constant query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.helpers import count_queries, url


def list_url(**query):
    return url("stakeholders:organization-list") + (
        "?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""
    )


def names_on(response):
    return [organization.name for organization in response.context["page"]]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("Kyshtut", "Кыштут аялдар кеңеши"),
        ("kyshtut ayaldar", "Кыштут аялдар кеңеши"),
        ("Tokmok", None),
        ("Кыштут", "Кыштут аялдар кеңеши"),
        ("Meerim", "«Мээрим» коомдук фонду"),
        ("мээрим", "«Мээрим» коомдук фонду"),
        ("Меерим", "«Мээрим» коомдук фонду"),
        ("Zhash-Tilek", "Жаш-Тилек жаштар демилгеси"),
        ("Женсовет", "Кыштут аялдар кеңеши"),
    ],
)
def test_search_finds_names_in_kyrgyz_russian_and_latin_spelling(client_for, staff, make_organization, query, found):
    make_organization(name_ky="Кыштут аялдар кеңеши", name_ru="Женсовет Кыштута")
    make_organization(name_ky="«Мээрим» коомдук фонду", site="akturpak")
    make_organization(name_ky="Жаш-Тилек жаштар демилгеси", site="akturpak")
    make_organization(name_ky="Кербен шаардык мэриясы", site="kerben")
    names = names_on(client_for(staff).get(list_url(q=query)))
    if found is None:
        assert names == []  # a name that is not there finds nothing, rather than everything
    else:
        assert found in names
        assert "Кербен шаардык мэриясы" not in names


def test_names_sort_in_kyrgyz_alphabet_order(client_for, staff, make_organization):
    for name in ["Үмүт", "Уулу", "Өрнөк", "Оазис", "Ңа", "Нур", "Яблоко", "Ынтымак"]:
        make_organization(name_ky=name)
    names = names_on(client_for(staff).get(list_url()))
    assert names == ["Нур", "Ңа", "Оазис", "Өрнөк", "Уулу", "Үмүт", "Ынтымак", "Яблоко"]
    assert names_on(client_for(staff).get(list_url(order="-name")))[0] == "Яблоко"


def test_filters_narrow_the_list(client_for, staff, make_organization):
    make_organization(name_ky="Аялдар", type_code="womens-organization", women_led=True, areas=["gbv-prevention"])
    make_organization(name_ky="Жаштар", type_code="youth-organization", youth_led=True, site="kerben")
    make_organization(name_ky="Мектеп", type_code="school", needs_validation=False)
    client = client_for(staff)
    assert names_on(client.get(list_url(site="kerben"))) == ["Жаштар"]
    assert names_on(client.get(list_url(type="womens-organization"))) == ["Аялдар"]
    assert names_on(client.get(list_url(thematic_area="gbv-prevention"))) == ["Аялдар"]
    assert names_on(client.get(list_url(women_led="true"))) == ["Аялдар"]
    assert names_on(client.get(list_url(youth_led="true"))) == ["Жаштар"]
    assert names_on(client.get(list_url(needs_validation="false"))) == ["Мектеп"]


@pytest.mark.parametrize(
    "query",
    [
        {"site": "atlantis"},
        {"type": "spaceship"},
        {"women_led": "perhaps"},
        {"order": "DROP TABLE"},
        {"thematic_area": "'; --"},
        {"q": "x" * 500},
    ],
)
def test_unknown_filter_values_are_explained_not_an_error(client_for, staff, make_organization, query):
    make_organization(name_ky="Бир уюм")
    response = client_for(staff).get(list_url(**query))
    assert response.status_code == 200
    if "q" not in query:
        assert "were not understood and are ignored" in response.content.decode()
        assert names_on(response) == ["Бир уюм"]


@pytest.mark.parametrize("page", ["999", "-1", "abc", "0"])
def test_a_page_out_of_range_shows_a_real_page(client_for, staff, make_organization, page):
    for number in range(30):
        make_organization(name_ky=f"Уюм {number:02d}")
    response = client_for(staff).get(list_url(page=page))
    assert response.status_code == 200
    assert len(names_on(response)) in (25, 5)


@pytest.mark.parametrize("role", ["anonymous", "staff", "la_kyshtut", "viewer"])
def test_list_query_count_is_the_same_for_5_and_50_organizations(client_for, users, make_organization, role):
    client = client_for(users[role])
    for number in range(5):
        make_organization(name_ky=f"Уюм {number}", public_listing_consent=True, areas=["peace-security"])
    small = count_queries(client, list_url())
    for number in range(45):
        make_organization(
            name_ky=f"Уюм {number + 5}", public_listing_consent=True, areas=["peace-security", "state-policy"]
        )
    assert count_queries(client, list_url()) == small


def test_list_query_count_for_staff(client_for, staff, make_organization):
    make_organization(public_listing_consent=True, areas=["peace-security"])
    # session, user, the user's sites (scope), count, page of organizations (with type, site,
    # settlement), their thematic areas, the filter panel's four choice lists, the menu's sites,
    # the session save (savepoint, update, release).
    assert count_queries(client_for(staff), list_url()) == 14


@pytest.mark.parametrize("role", ["anonymous", "staff", "la_kyshtut"])
def test_profile_query_count_is_the_same_for_few_and_many_members(
    client_for, users, make_organization, make_person, role
):
    from stakeholders.models import Membership

    organization = make_organization(public_listing_consent=True, areas=["peace-security"])
    profile = url("stakeholders:organization-detail", organization.pk)
    client = client_for(users[role])
    Membership.objects.create(person=make_person(), organization=organization)
    few = count_queries(client, profile)
    for _ in range(20):
        Membership.objects.create(person=make_person(), organization=organization, role="volunteer")
    assert count_queries(client, profile) == few


def test_map_layer_query_count_is_the_same_for_5_and_50(client, make_organization):
    for number in range(5):
        make_organization(name_ky=f"Уюм {number}", public_listing_consent=True)
    with CaptureQueriesContext(connection) as small:
        assert len(client.get("/api/stakeholders.geojson").json()["features"]) == 5
    for number in range(45):
        make_organization(name_ky=f"Уюм {number + 5}", public_listing_consent=True)
    with CaptureQueriesContext(connection) as large:
        assert len(client.get("/api/stakeholders.geojson").json()["features"]) == 50
    assert len(small) == len(large) == 1


def test_map_layer_takes_the_lists_filters(client_for, staff, make_organization):
    make_organization(name_ky="Кыштут уюму")
    make_organization(name_ky="Кербен уюму", site="kerben")
    features = client_for(staff).get("/api/stakeholders.geojson?site=kerben&q=Kerben").json()["features"]
    assert [f["properties"]["name"] for f in features] == ["Кербен уюму"]
    response = client_for(staff).get("/api/stakeholders.geojson?site=atlantis")
    assert response.status_code == 200


def test_the_untouched_filter_panel_lists_everything(client_for, staff, make_organization):
    make_organization(name_ky="Бир", women_led=False, youth_led=False, needs_validation=False)
    make_organization(name_ky="Эки", women_led=True)
    # What the browser sends when "Apply filters" is pressed without choosing anything.
    query = (
        "q=&site=&type=&thematic_area=&target_group=&women_led=&youth_led=&consent=&needs_validation=&active=&order="
    )
    assert names_on(client_for(staff).get(list_url() + "?" + query)) == ["Бир", "Эки"]


def test_the_export_links_carry_the_lists_filters(client_for, staff, make_organization):
    make_organization()
    page = client_for(staff).get(list_url(site="kerben", page="2")).content.decode()
    assert "/en/stakeholders/export.csv?site=kerben" in page and "/en/stakeholders/export.xlsx?site=kerben" in page


@pytest.mark.parametrize("role", ["staff", "anonymous"])
def test_the_list_links_to_the_same_selection_on_the_map(client_for, users, make_organization, role):
    make_organization()
    page = client_for(users[role]).get(list_url(site="kerben", women_led="true", page="2")).content.decode()
    assert 'href="/en/map/?site=kerben&amp;women_led=true"' in page  # the page number stays with the list
    assert 'href="/en/map/"' in client_for(users[role]).get(list_url()).content.decode()


@pytest.mark.parametrize(("role", "offered"), [("anonymous", False), ("viewer", True), ("staff", True)])
def test_the_public_list_offers_no_filter_on_a_records_status(client_for, users, make_organization, role, offered):
    """Consent, validation and active state are the project's bookkeeping: the public list neither offers them nor
    applies them (a filter on "needs validation" would tell which consented organizations are unverified)."""
    make_organization(public_listing_consent=True, needs_validation=True, name_ky="Текшериле элек")
    make_organization(public_listing_consent=True, needs_validation=False, name_ky="Текшерилген")
    client = client_for(users[role])
    page = client.get(list_url()).content.decode()
    assert ('name="needs_validation"' in page) is offered and ('name="consent"' in page) is offered
    filtered = names_on(client.get(list_url(needs_validation="true")))
    assert ("Текшерилген" not in filtered) is offered
