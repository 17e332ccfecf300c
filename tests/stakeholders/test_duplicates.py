"""Duplicate hints while a name is typed: the same organization in Kyrgyz, Russian or Latin spelling,
with or without its legal form, in the same site."""

import pytest

from stakeholders.duplicates import name_key, similar_organizations
from stakeholders.models import Organization
from tests.helpers import count_queries, url

# (an existing name, what a field officer types) — must be offered
SAME = [
    ("«Мээрим» коомдук фонду", "Meerim"),
    ("«Мээрим» коомдук фонду", "ОФ Мээрим"),
    ("«Мээрим» коомдук фонду", "Общественный фонд «Меерим»"),
    ("Кыштут аялдар кеңеши", "Kyshtut ayaldar kenesh"),
    ("Кыштут аялдар кеңеши", "кыштут аялдар кенеши"),
    ("Жаш-Тилек жаштар демилгеси", "Zhash Tilek"),
    ("Ак-Дөбө дыйкандар ассоциациясы", "Акдобо дыйкандар"),
]
# (an existing name, a different organization's name) — must not be offered
DIFFERENT = [
    ("«Мээрим» коомдук фонду", "«Ынтымак» коомдук фонду"),
    ("Кыштут аялдар кеңеши", "Кербен жаштар борбору"),
    ("Жаш-Тилек жаштар демилгеси", "Таян мектеби"),
]


@pytest.mark.parametrize(("existing", "typed"), SAME)
def test_variants_of_one_name_are_offered(make_organization, existing, typed):
    organization = make_organization(name_ky=existing)
    assert organization in similar_organizations(Organization.objects.all(), [typed])


@pytest.mark.parametrize(("existing", "typed"), DIFFERENT)
def test_other_organizations_are_not_offered(make_organization, existing, typed):
    make_organization(name_ky=existing)
    assert similar_organizations(Organization.objects.all(), [typed]) == []


def test_legal_form_words_do_not_count():
    assert name_key("ОФ «Мээрим»") == name_key("«Мээрим» коомдук фонду") == name_key("Общественный фонд Мээрим")


def hint(client, **query):
    return client.get(url("stakeholders:organization-similar"), query)


def test_the_hint_looks_in_the_chosen_site_only(client_for, staff, make_organization, registry):
    make_organization(name_ky="Кыштут аялдар кеңеши")
    make_organization(name_ky="Кыштут аялдар кеңеши", site="kerben")
    response = hint(client_for(staff), name_ky="Kyshtut ayaldar", site=registry["kyshtut"].pk)
    assert [o.site.slug for o in response.context["matches"]] == ["kyshtut"]
    assert "Did you mean one of these?" in response.content.decode()


def test_the_hint_leaves_out_the_record_being_edited(client_for, staff, make_organization):
    organization = make_organization(name_ky="Кыштут аялдар кеңеши")
    response = hint(client_for(staff), name_ky="Кыштут аялдар кеңеши", similar_exclude=organization.pk)
    assert response.context["matches"] == []


@pytest.mark.parametrize(("role", "status"), [("staff", 200), ("la_kyshtut", 403), ("viewer", 403), ("anonymous", 302)])
def test_the_hint_is_for_those_who_enter_records(client_for, users, registry, role, status):
    assert hint(client_for(users[role]), name_ky="Мээрим").status_code == status


@pytest.mark.parametrize("query", [{"site": "abc"}, {"site": "999999"}, {"similar_exclude": "x"}, {"name_ky": "a"}])
def test_odd_parameters_get_an_empty_hint_not_an_error(client_for, staff, registry, query):
    assert hint(client_for(staff), **({"name_ky": "Мээрим"} | query)).status_code == 200


def test_the_hint_query_count_is_constant(client_for, staff, make_organization):
    client = client_for(staff)
    make_organization(name_ky="Мээрим 1")
    few = count_queries(client, url("stakeholders:organization-similar"), {"name_ky": "Мээрим"})
    for number in range(10):
        make_organization(name_ky=f"Мээрим {number + 2}")
    assert count_queries(client, url("stakeholders:organization-similar"), {"name_ky": "Мээрим"}) == few
