"""Languages: /ky/ /ru/ /en/ prefixes, Kyrgyz by default, <html lang>, the switcher, reference data in three names."""

import pytest
from django.urls import reverse

from mapping_portal.models import PilotSite, ThematicArea


@pytest.mark.django_db
def test_the_root_redirects_to_kyrgyz_by_default(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/ky/"


@pytest.mark.django_db
def test_the_root_follows_the_browsers_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9")
    assert response["Location"] == "/ru/"


@pytest.mark.parametrize(
    ("language", "sign_in", "map_word"),
    [("ky", "Кирүү", "Карта"), ("ru", "Войти", "Карта"), ("en", "Sign in", "Map")],
)
def test_each_prefix_serves_its_language(client, sites, language, sign_in, map_word):
    page = client.get(f"/{language}/map/").content.decode()
    assert f'<html lang="{language}">' in page
    assert sign_in in page
    assert map_word in page


def test_reference_data_is_named_in_the_page_language(client, sites):
    assert "Кыштут айыл аймагы" in client.get("/ky/map/").content.decode()
    assert "Кыштутский айыльный аймак" in client.get("/ru/map/").content.decode()
    assert "Kyshtut ayil aimak" in client.get("/en/map/").content.decode()


def test_every_site_and_thematic_area_has_all_three_names(sites):
    for item in [*PilotSite.objects.all(), *ThematicArea.objects.all()]:
        assert item.name_ky and item.name_ru and item.name_en, item


def test_the_switcher_keeps_the_page_and_remembers_the_choice(client, sites):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/ky/map/"})
    assert response.status_code == 302
    assert response["Location"] == "/en/map/"
    assert response.cookies["portal_language"].value == "en"
    assert client.get("/")["Location"] == "/en/"


def test_the_switcher_works_whatever_the_browsers_language(client, sites):
    response = client.post(
        reverse("set_language"), {"language": "ru", "next": "/ky/map/"}, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"
    )
    assert response["Location"] == "/ru/map/"


def test_the_switcher_refuses_a_foreign_next_url(client, sites):
    response = client.post(reverse("set_language"), {"language": "ru", "next": "https://example.org/"})
    assert response["Location"] == "/"


def test_an_unknown_language_prefix_is_not_found(client, sites):
    assert client.get("/de/map/").status_code == 404


def test_dates_are_written_day_month_year(sites):
    from datetime import date

    from django.utils import formats, translation

    for language in ["ky", "ru", "en"]:
        with translation.override(language):
            assert formats.date_format(date(2026, 3, 8)) == "08.03.2026"
