"""One "same record" rule (stakeholders.duplicates) on its three paths: the forms' hint while a name is typed, the
import's flags on new rows, and the duplicates page's pairs. Names alike in the same site, live records only
(active, not merged), and people born at most a year apart — the same answer on every path."""

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from mapping_portal import access
from stakeholders import importing
from stakeholders.duplicates import refresh_candidates
from stakeholders.models import DuplicateCandidate, Organization, Person
from tests.stakeholders.test_import import analysed, csv_bytes, private_media  # noqa: F401 (autouse)

TYPED_ORGANIZATION = "Kyshtut ayaldar kenesh 2"
TYPED_PERSON, TYPED_YEAR = "Асанова Айгуль", 1991


def hint(client, name, **query):
    with translation.override("en"):
        url = reverse(name)
    response = client.get(url, query)
    assert response.status_code == 200
    return {record.pk for record in response.context["matches"]}


def paired_with(kind, record):
    """The records the duplicates page pairs with `record`, once the site's records are compared."""
    while refresh_candidates(kind, record.site):
        pass
    pairs = DuplicateCandidate.objects.filter(kind=kind).filter(Q(first_id=record.pk) | Q(second_id=record.pk))
    return {pk for pair in pairs for pk in (pair.first_id, pair.second_id)} - {record.pk}


@pytest.fixture
def organizations(make_organization):
    """One live look-alike; the same name deactivated, and in another site: neither is the same record."""
    deactivated = make_organization(name_ky="Кыштут аялдар кеңеши")
    Organization.objects.filter(pk=deactivated.pk).update(is_active=False)
    return {
        "live": make_organization(name_ky="Кыштут аялдар кеңеши"),
        "deactivated": deactivated,
        "elsewhere": make_organization(name_ky="Кыштут аялдар кеңеши", site="kerben"),
    }


def test_organizations_the_hint_the_import_and_the_pairs_agree(organizations, make_organization, staff, client_for):
    expected = {organizations["live"].pk}
    site = organizations["live"].site
    assert hint(client_for(staff), "stakeholders:organization-similar", name_ky=TYPED_ORGANIZATION, site=site.pk) == (
        expected
    )
    row = analysed(csv_bytes([["name_ky", "type", "site"], [TYPED_ORGANIZATION, "cso", "kyshtut"]]), staff).rows.get()
    assert row.action == "create" and {match["id"] for match in row.matches} == expected
    newcomer = make_organization(name_ky=TYPED_ORGANIZATION)
    assert paired_with("organization", newcomer) == expected


@pytest.fixture
def people(make_person):
    """Born a year apart, born when unknown: alike. Two years apart, or deactivated: not."""
    deactivated = make_person(full_name="Асанова Айгүл", birth_year=1992)
    Person.objects.filter(pk=deactivated.pk).update(is_active=False)
    return {
        "year_apart": make_person(full_name="Асанова Айгүл", birth_year=1990),
        "year_unknown": make_person(full_name="Асанова Айгүл", birth_year=None),
        "two_years_apart": make_person(full_name="Асанова Айгүл", birth_year=1993),
        "deactivated": deactivated,
        "elsewhere": make_person(full_name="Асанова Айгүл", birth_year=1991, site="kerben"),
    }


def test_people_the_hint_the_import_and_the_pairs_agree(people, make_person, staff, client_for):
    expected = {people["year_apart"].pk, people["year_unknown"].pk}
    site = people["year_apart"].site
    assert (
        hint(
            client_for(staff),
            "stakeholders:person-similar",
            full_name=TYPED_PERSON,
            birth_year=TYPED_YEAR,
            site=site.pk,
        )
        == expected
    )
    rows = [
        ["full_name", "sex", "birth_year", "site", "consent_date", "consent_purpose"],
        [TYPED_PERSON, "female", str(TYPED_YEAR), "kyshtut", "01.02.2026", "Тизме"],
    ]
    row = analysed(csv_bytes(rows), staff, kind="people").rows.get()
    assert row.action == "create" and {match["id"] for match in row.matches} == expected
    newcomer = make_person(full_name=TYPED_PERSON, birth_year=TYPED_YEAR)
    assert paired_with("person", newcomer) == expected


def test_the_import_asks_for_look_alikes_once_per_step_not_once_per_row(staff, make_organization, monkeypatch):
    make_organization(name_ky="Кыштут аялдар кеңеши")
    monkeypatch.setattr(importing.limits, "CHUNK_ROWS", 2)
    content = csv_bytes(
        [["name_ky", "type", "site"]] + [[f"Kyshtut ayaldar kenesh {number}", "cso", "kyshtut"] for number in range(5)]
    )
    with CaptureQueriesContext(connection) as captured:
        batch = analysed(content, staff)
    assert batch.duplicate_count == 5
    assert sum("word_similarity" in query["sql"] for query in captured.captured_queries) == 3  # 2 + 2 + 1 rows


def test_the_command_without_a_user_acts_with_an_administrators_scope(sites):
    assert access.site_scope_ids(access.SYSTEM) is None
    assert access.can_import_records(access.SYSTEM) and access.can_view_personal_data(access.SYSTEM)
