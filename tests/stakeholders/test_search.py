"""The registry's name search, word by word: every typed word (in any script, any order) must be part of the name
or close to a word of it, so a word may be left out; the lists and the record pickers search alike."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from mapping_portal.text import match_words
from stakeholders.models import AssessmentTemplate, CapacityAssessment


def url(name, **query):
    with translation.override("en"):
        address = reverse(f"stakeholders:{name}")
    return address + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def listed(client, query):
    return [organization.name for organization in client.get(url("organization-list", q=query)).context["page"]]


MAYOR = "Кербен шаардык мэриясы"


@pytest.fixture
def names(make_organization):
    make_organization(name_ky=MAYOR, name_ru="Мэрия города Кербен", site="kerben")
    make_organization(name_ky="Кербен шаардык кеңеши", site="kerben")
    make_organization(name_ky="Өнүгүү аялдар кеңеши", name_ru="Женсовет «Онугуу»")
    make_organization(name_ky="Кыштут айыл өкмөтү")
    make_organization(name_ky="«Ырыс» жаштар борбору", site="akturpak")


# Each list of cases runs in one test (one database set-up): the cast and the names are the same for all.
FOUND = [
    ("Kerben meriyasy", [MAYOR]),  # Latin for Cyrillic, the middle word left out
    ("Кербен мэриясы", [MAYOR]),
    ("meriyasy Kerben", [MAYOR]),  # any order
    ("мэрия Кербен", [MAYOR]),  # the Russian name
    ("Kerben meriasy", [MAYOR]),  # a letter missing: trigram-close
    ("kerben shaardyk", ["Кербен шаардык кеңеши", MAYOR]),
    ("kerbenshaardyk", ["Кербен шаардык кеңеши", MAYOR]),  # the phrase typed without its space, as before
    ("onuguu kenesh", ["Өнүгүү аялдар кеңеши"]),  # ө ү ң typed as o u n
    ("Önügüü ayaldar", ["Өнүгүү аялдар кеңеши"]),
    ("Kyshtut okmotu", ["Кыштут айыл өкмөтү"]),
    ("Yrys borboru", ["«Ырыс» жаштар борбору"]),
    ("Kerben", ["Кербен шаардык кеңеши", MAYOR]),
]
NOT_FOUND = [
    "Kerben bazary",  # one known word and one unrelated: no match
    "Tokmok meriyasy",
    "Tokmok",  # a single unrelated word
    "Мээрим",
    "zzz kerben",
]


def test_every_typed_word_finds_the_name(client_for, staff, names):
    client = client_for(staff)
    for query, expected in FOUND:
        assert listed(client, query) == expected, query


def test_a_word_not_in_the_name_matches_nothing(client_for, staff, names):
    client = client_for(staff)
    for query in NOT_FOUND:
        assert listed(client, query) == [], query


def test_one_letter_words_and_punctuation_are_not_searched_for():
    assert match_words("Kerben - meriyasy, и Kerben") == ["kerben", "meriiasy"]
    assert match_words("«Ырыс»") == ["yrys"]
    assert match_words("  ") == []


def test_people_are_found_by_their_names_in_any_order(client_for, staff, make_person):
    make_person(full_name="Мамытова Гүлнара Асановна")
    make_person(full_name="Мамытов Бакыт")
    found = client_for(staff).get(url("person-list", q="Gulnara Mamytova")).context["page"]
    assert [person.full_name for person in found] == ["Мамытова Гүлнара Асановна"]


def test_the_assessment_list_searches_its_organizations_the_same_way(client_for, staff, names):
    from stakeholders.models import Organization

    mayor = Organization.objects.get(name_ky=MAYOR)
    council = Organization.objects.get(name_ky="Кербен шаардык кеңеши")
    template = AssessmentTemplate.objects.create(code="search-test", name_en="Test template", name_ky="Сыноо үлгүсү")
    for organization in (mayor, council):
        CapacityAssessment.objects.create(
            organization=organization, template=template, date="2026-03-01", kind="baseline"
        )
    found = client_for(staff).get(url("assessment-list", q="Kerben meriyasy")).context["page"]
    assert [assessment.organization for assessment in found] == [mayor]


def test_the_organization_picker_searches_word_by_word(client_for, staff, names):
    from stakeholders.models import Organization

    mayor = Organization.objects.get(name_ky=MAYOR)
    council = Organization.objects.get(name_ky="Кербен шаардык кеңеши")
    client = client_for(staff)
    html = client.get(url("pick-organizations", q="Kerben meriyasy")).content.decode()
    assert f'data-pick-value="{mayor.pk}"' in html
    assert f'data-pick-value="{council.pk}"' not in html
    assert "data-pick-value" not in client.get(url("pick-organizations", q="Tokmok meriyasy")).content.decode()


def test_the_person_picker_searches_word_by_word(client_for, staff, make_person):
    gulnara = make_person(full_name="Мамытова Гүлнара Асановна")
    html = client_for(staff).get(url("pick-people", q="gulnara mamytova")).content.decode()
    assert f'data-pick-value="{gulnara.pk}"' in html


def test_a_searched_list_keeps_its_query_count(client_for, staff, names, make_organization):
    client = client_for(staff)
    client.get(url("organization-list"))

    def queries(**query):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url("organization-list", **query)).status_code == 200
        return len(captured)

    plain = queries()
    assert queries(q="Kerben meriyasy") == plain
    assert queries(q="meriyasy shaardyk Kerben") == plain
