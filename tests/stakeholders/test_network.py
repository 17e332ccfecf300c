"""Relationships between organizations and the network of a site, filterable by thematic direction."""

import pytest

from stakeholders.models import OrganizationRelationship
from tests.helpers import count_queries, url


@pytest.fixture
def web(make_organization):
    council = make_organization(name_ky="Аялдар кеңеши", areas=["inclusive-participation"])
    okmotu = make_organization(name_ky="Айыл өкмөтү", areas=["peace-security"])
    youth = make_organization(name_ky="Жаштар борбору", areas=["inclusive-participation"])
    kerben = make_organization(name_ky="Кербен уюму", site="kerben")
    OrganizationRelationship.objects.create(source=okmotu, target=council, kind="funds")
    OrganizationRelationship.objects.create(source=youth, target=council, kind="partner")
    OrganizationRelationship.objects.create(source=council, target=kerben, kind="coordinates_with")
    return {"council": council, "okmotu": okmotu, "youth": youth, "kerben": kerben}


def graph(response):
    elements = response.context["elements"]
    nodes = sorted(e["data"]["label"] for e in elements if "source" not in e["data"])
    edges = sorted(e["data"]["kind"] for e in elements if "source" in e["data"])
    return nodes, edges


def test_the_network_of_a_site_shows_its_organizations_and_ties(client_for, staff, web):
    nodes, edges = graph(client_for(staff).get(url("stakeholders:network") + "?site=kyshtut"))
    assert nodes == ["Айыл өкмөтү", "Аялдар кеңеши", "Жаштар борбору"]
    assert edges == ["funds", "partner"]  # the tie to Kerben lies outside this site's network


def test_the_network_filters_by_thematic_direction(client_for, staff, web):
    nodes, edges = graph(
        client_for(staff).get(url("stakeholders:network") + "?site=kyshtut&thematic_area=inclusive-participation")
    )
    assert (nodes, edges) == (["Аялдар кеңеши", "Жаштар борбору"], ["partner"])


@pytest.mark.parametrize(
    ("role", "status"),
    [("admin", 200), ("staff", 200), ("la_kyshtut", 200), ("viewer", 200), ("reviewer", 403), ("anonymous", 302)],
)
def test_the_network_by_role(client_for, users, web, role, status):
    assert client_for(users[role]).get(url("stakeholders:network")).status_code == status


def test_a_local_authority_sees_only_ties_within_its_scope(client_for, la_kyshtut, web):
    page = client_for(la_kyshtut).get(url("stakeholders:organization-detail", web["council"].pk)).content.decode()
    assert "Айыл өкмөтү" in page and "Кербен уюму" not in page


def test_staff_record_and_remove_a_relationship(client_for, staff, web):
    client = client_for(staff)
    client.post(
        url("stakeholders:relationship-add", web["youth"].pk), {"kind": "member_of", "target": web["okmotu"].pk}
    )
    assert OrganizationRelationship.objects.filter(source=web["youth"], target=web["okmotu"], kind="member_of").exists()
    response = client.post(
        url("stakeholders:relationship-add", web["youth"].pk),
        {"kind": "member_of", "target": web["okmotu"].pk},
        follow=True,
    )
    assert "This relationship is already recorded." in response.content.decode()
    response = client.post(
        url("stakeholders:relationship-add", web["youth"].pk),
        {"kind": "partner", "target": web["youth"].pk},
        follow=True,
    )
    assert "cannot be related to itself" in response.content.decode()
    tie = OrganizationRelationship.objects.get(source=web["youth"], kind="member_of")
    client.post(url("stakeholders:relationship-remove", web["youth"].pk, tie.pk))
    assert not OrganizationRelationship.objects.filter(pk=tie.pk).exists()


@pytest.mark.parametrize("role", ["la_kyshtut", "viewer"])
def test_only_editors_record_relationships(client_for, users, web, role):
    response = client_for(users[role]).post(
        url("stakeholders:relationship-add", web["youth"].pk), {"kind": "member_of", "target": web["okmotu"].pk}
    )
    assert response.status_code == 403
    assert OrganizationRelationship.objects.count() == 3


def test_the_database_refuses_a_tie_to_itself(web):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        OrganizationRelationship.objects.create(source=web["youth"], target=web["youth"], kind="partner")


def test_network_and_profile_query_counts_are_constant(client_for, staff, web, make_organization):
    client = client_for(staff)
    network, profile = url("stakeholders:network"), url("stakeholders:organization-detail", web["council"].pk)
    few = (count_queries(client, network), count_queries(client, profile))
    for number in range(10):
        other = make_organization(name_ky=f"Уюм {number}")
        OrganizationRelationship.objects.create(source=other, target=web["council"], kind="partner")
    assert (count_queries(client, network), count_queries(client, profile)) == few


def test_the_legend_shows_every_kind_of_tie_and_the_types_present(client_for, staff, web, make_organization):
    school = make_organization(name_ky="Мектеп", type_code="school")
    OrganizationRelationship.objects.create(source=school, target=web["youth"], kind="partner")
    make_organization(name_ky="Байланышсыз уюм", type_code="media")  # no tie: not drawn, not in the legend
    response = client_for(staff).get(url("stakeholders:network") + "?site=kyshtut")
    kinds = [kind["kind"] for kind in response.context["kinds"]]
    assert kinds == ["partner", "member_of", "funds", "coordinates_with"]
    assert [t.code for t in response.context["types"]] == ["cso", "school"]
    page = response.content.decode()
    assert 'data-testid="network-legend"' in page
    assert all(f'data-kind="{kind}"' in page for kind in kinds)
    assert 'data-type="school"' in page and 'data-type="media"' not in page
    assert "Funding" in page and "An arrow points from the organization that funds" in page


def test_ties_are_named_by_kind_and_listed_under_the_graph(client_for, staff, web):
    response = client_for(staff).get(url("stakeholders:network") + "?site=kyshtut")
    labels = sorted(str(e["data"]["label"]) for e in response.context["elements"] if "source" in e["data"])
    assert labels == ["funding", "partnership"]
    ties = [(source.name, str(kind), target.name) for source, kind, target in response.context["ties"]]
    assert ties == [("Айыл өкмөтү", "funding", "Аялдар кеңеши"), ("Жаштар борбору", "partnership", "Аялдар кеңеши")]
    assert 'data-testid="network-ties"' in response.content.decode()


def test_a_site_without_ties_says_so_and_where_staff_record_them(client_for, staff, web):
    page = client_for(staff).get(url("stakeholders:network") + "?site=akturpak").content.decode()
    assert 'data-testid="network-empty"' in page
    assert "No relationships between organizations of this site have been recorded yet." in page
    assert "open the organization, and under “Relationships” choose the kind" in page
    assert f'href="{url("stakeholders:organization-list")}?site=akturpak"' in page
    assert 'id="network"' not in page and "cytoscape" not in page


def test_a_local_authority_without_ties_is_told_who_records_them(client_for, la_kyshtut):
    page = client_for(la_kyshtut).get(url("stakeholders:network")).content.decode()
    assert "Project staff record relationships on the organizations' profiles" in page
    assert "choose the kind of relationship" not in page


def test_a_direction_without_ties_offers_every_direction(client_for, staff, web):
    page = (
        client_for(staff)
        .get(url("stakeholders:network") + "?site=kyshtut&thematic_area=peace-security")
        .content.decode()
    )
    assert "No relationships between organizations of this direction." in page
    assert 'href="?site=kyshtut"' in page
