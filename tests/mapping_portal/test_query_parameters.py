"""Issue #21, item 3: the pages that read GET parameters without a FilterSet read them through a form.

`?site=%00` on the network, analysis and duplicates pages was a 500 (the raw value went into `.filter()`), and so
were digits too many for Python's int or PostgreSQL's integer. A value a page cannot read is now said (the
filter-errors partial) and ignored; the fuzz of every parameter is tests/mapping_portal/test_fuzz_queries.py.
"""

import pytest
from django.urls import reverse

from mapping_portal.models import PilotSite

SITE_PAGES = ["stakeholders:network", "stakeholders:stakeholder-analysis", "stakeholders:duplicate-list"]


@pytest.mark.parametrize("value", ["\x00", "1\x00", "x" * 10_000, "no-such-site"])
@pytest.mark.parametrize("page", SITE_PAGES)
def test_a_site_the_page_cannot_read_is_said_and_the_first_site_shown(page, value, client_for, staff):
    response = client_for(staff).get(reverse(page), {"site": value})
    assert response.status_code == 200
    assert "site" in response.context["query_form"].errors
    assert response.context["site"] == PilotSite.objects.first()
    assert "filter-errors" in response.content.decode()


@pytest.mark.parametrize("page", SITE_PAGES)
def test_a_site_the_page_reads_is_shown_without_a_message(page, client_for, staff, sites):
    response = client_for(staff).get(reverse(page), {"site": "kerben"})
    assert response.status_code == 200
    assert response.context["site"] == sites["kerben"]
    assert "filter-errors" not in response.content.decode()


def test_a_thematic_area_with_a_nul_byte_is_ignored_on_the_network(client_for, staff):
    response = client_for(staff).get(reverse("stakeholders:network"), {"thematic_area": "\x00", "site": "kyshtut"})
    assert response.status_code == 200
    assert response.context["area"] is None
    assert "thematic_area" in response.context["query_form"].errors


def test_duplicates_of_an_unknown_kind_show_organizations(client_for, staff):
    response = client_for(staff).get(reverse("stakeholders:duplicate-list"), {"kind": ["\x00", "people\x00"]})
    assert response.status_code == 200
    assert response.context["kind"] == "organizations"


@pytest.mark.parametrize("value", ["\x00", "9" * 10_000, str(10**30), "²", "-1"])
def test_a_new_plan_or_event_ignores_a_site_or_platform_it_cannot_read(value, client_for, staff, registry):
    client = client_for(staff)
    assert client.get(reverse("plans:plan-create"), {"site": value}).status_code == 200
    assert client.get(reverse("dialogues:event-create"), {"platform": value}).status_code == 200


@pytest.mark.parametrize("value", ["\x00", "9" * 10_000, str(10**30), "²", "١٢"])
@pytest.mark.parametrize("page", ["stakeholders:pick-organizations", "stakeholders:pick-people"])
def test_the_record_pickers_answer_an_unreadable_site_with_no_match(page, value, client_for, staff, make_organization):
    make_organization(name_ky="Айыл өкмөтү")
    response = client_for(staff).get(reverse(page), {"q": "Айыл", "site": value})
    assert response.status_code == 200
    assert "Айыл өкмөтү" not in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"name_ky": "\x00Айыл", "site": "\x00", "similar_exclude": "9" * 10_000},
        {"full_name": "Асан\x00", "birth_year": "²²²²", "site": str(10**30), "similar_exclude": "-1"},
    ],
)
def test_the_similar_name_hints_ignore_values_they_cannot_read(params, client_for, staff, registry):
    client = client_for(staff)
    assert client.get(reverse("stakeholders:organization-similar"), params).status_code == 200
    assert client.get(reverse("stakeholders:person-similar"), params).status_code == 200
