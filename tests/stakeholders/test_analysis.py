"""Stakeholder analysis: influence and interest 1–5 and a stance → the power–interest grid of a site,
seen by project staff and administrators only."""

import json
import re

import pytest

from tests.helpers import count_queries, url
from tests.stakeholders.test_organization_form import form_data

GRID = "stakeholders:stakeholder-analysis"


@pytest.mark.parametrize(
    ("influence", "interest", "quadrant"),
    [(5, 5, "manage-closely"), (4, 2, "keep-satisfied"), (1, 4, "keep-informed"), (3, 3, "monitor"), (None, 3, None)],
)
def test_the_quadrant_follows_influence_and_interest(make_organization, influence, interest, quadrant):
    assert make_organization(influence=influence, interest=interest).analysis_quadrant == quadrant


def test_the_grid_lists_each_quadrant_and_plots_every_scored_organization(client_for, staff, make_organization):
    make_organization(name_ky="Айыл өкмөтү", influence=5, interest=4, stance="supportive")
    make_organization(name_ky="Аксакалдар соту", influence=4, interest=2, stance="neutral")
    make_organization(name_ky="Жаштар тобу", influence=2, interest=5)
    make_organization(name_ky="Бааланбаган уюм")
    make_organization(name_ky="Кербен уюму", site="kerben", influence=5, interest=5)
    response = client_for(staff).get(url(GRID) + "?site=kyshtut")
    quadrants = {code: [o.name for o in members] for code, _name, _meaning, members in response.context["quadrants"]}
    assert quadrants == {
        "manage-closely": ["Айыл өкмөтү"],
        "keep-satisfied": ["Аксакалдар соту"],
        "keep-informed": ["Жаштар тобу"],
        "monitor": [],
    }
    points = sorted((p["name"], p["x"], p["y"], p["stance"]) for p in response.context["points"])
    assert points == [
        ("Айыл өкмөтү", 4, 5, "supportive"),
        ("Аксакалдар соту", 2, 4, "neutral"),
        ("Жаштар тобу", 5, 2, "unknown"),
    ]


@pytest.mark.parametrize(
    ("role", "status"),
    [("admin", 200), ("staff", 200), ("la_kyshtut", 403), ("viewer", 403), ("reviewer", 403), ("anonymous", 302)],
)
def test_the_grid_is_for_staff_and_admins(client_for, users, registry, role, status):
    assert client_for(users[role]).get(url(GRID)).status_code == status


def test_a_local_authority_does_not_see_the_analysis_on_a_profile(client_for, la_kyshtut, staff, make_organization):
    organization = make_organization(influence=5, interest=1, stance="resistant")
    assert (
        "influence 5/5"
        not in client_for(la_kyshtut).get(url("stakeholders:organization-detail", organization.pk)).content.decode()
    )
    assert (
        "influence 5/5"
        in client_for(staff).get(url("stakeholders:organization-detail", organization.pk)).content.decode()
    )


@pytest.mark.parametrize("bad", [{"influence": "6"}, {"interest": "0"}, {"stance": "hostile"}])
def test_analysis_values_out_of_range_are_refused(client_for, staff, registry, bad):
    from stakeholders.models import Organization

    response = client_for(staff).post(url("stakeholders:organization-create"), form_data(registry, **bad))
    assert response.status_code == 200
    assert set(bad) <= set(response.context["form"].errors)
    assert not Organization.objects.exists()


def test_the_grid_query_count_is_constant(client_for, staff, make_organization):
    client = client_for(staff)
    make_organization(influence=3, interest=3)
    few = count_queries(client, url(GRID))
    for number in range(20):
        make_organization(influence=number % 5 + 1, interest=(number * 2) % 5 + 1)
    assert count_queries(client, url(GRID)) == few


@pytest.mark.parametrize(
    ("language", "manage_closely", "monitor"),
    [
        ("en", "Manage closely", "Monitor"),
        ("ru", "Тесно взаимодействовать", "Наблюдать"),
        ("ky", "Тыгыз иштешүү", "Көз салып туруу"),
    ],
)
def test_quadrant_names_follow_the_language_of_the_page(
    client_for, staff, make_organization, language, manage_closely, monitor
):
    # QUADRANTS is built once, at import: with gettext (not gettext_lazy) it stayed in one language for every page.
    make_organization(influence=5, interest=5)
    response = client_for(staff).get(url(GRID, language=language) + "?site=kyshtut")
    names = {code: str(name) for code, name, _meaning, _members in response.context["quadrants"]}
    assert (names["manage-closely"], names["monitor"]) == (manage_closely, monitor)
    assert response.context["grid_text"]["quadrants"] == names  # the words drawn on the chart
    drawn = json.loads(re.search(r'id="analysis-labels"[^>]*>(.*?)</script>', response.content.decode()).group(1))
    assert drawn["quadrants"]["manage-closely"] == manage_closely


def test_the_chart_gets_the_line_where_high_begins_and_translated_axis_titles(client_for, staff, make_organization):
    make_organization(influence=4, interest=3)
    text = client_for(staff).get(url(GRID, language="ru") + "?site=kyshtut").context["grid_text"]
    assert text["boundary"] == 3.5  # between 3 (low) and 4 (high), as analysis_quadrant decides
    assert (text["interest"], text["influence"]) == ("заинтересованность (1–5)", "влияние (1–5)")


def test_a_site_without_analysis_says_where_it_is_recorded(client_for, staff, make_organization):
    make_organization(name_ky="Бааланбаган уюм")
    page = client_for(staff).get(url(GRID) + "?site=kyshtut").content.decode()
    assert "No organization of this site has its influence and interest recorded yet." in page
    assert "Stakeholder analysis" in page
    assert f'href="{url("stakeholders:organization-list")}?site=kyshtut"' in page
    assert 'id="analysis-grid"' not in page and "analysis_grid.js" not in page
