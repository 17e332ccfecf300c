"""The small grants on the map: /api/grants.geojson shows the awarded grants at their organization's point — to
admins and staff (their sites) and local authorities (their sites' awards) only; viewers read aggregates
elsewhere, reviewers and the public get nothing; an application that is not approved never appears."""

from decimal import Decimal

import pytest

from grants import workflow
from tests.conftest import ROLES_BUT_AKTURPAK
from tests.helpers import count_queries, url

API = "/api/grants.geojson"


def awarded(make_application, staff, amount=40000, reviewer=None, **fields):
    application = make_application(status="in_review", lines=[(1, 80000)], **fields)
    if reviewer is not None:
        workflow.assign_reviewer(application, reviewer, staff)
    workflow.approve(application, staff, Decimal(amount), version=application.version)
    return application


@pytest.fixture
def grants(users, make_call, make_application, make_organization):
    """Awards at Kyshtut and Kerben with an organization's point; an award without an organization and one whose
    organization has no point (both left out); an application in review, with a point, that is not awarded."""
    staff = users["staff"]
    call = make_call(sites=("kyshtut", "kerben"), title_en="Youth initiatives")
    kyshtut = awarded(
        make_application,
        staff,
        call=call,
        site="kyshtut",
        title="Спорт аянтчасы",
        reviewer=users["reviewer"],
        organization=make_organization(site="kyshtut", lat=42.61, lon=73.21),
    )
    kerben = awarded(
        make_application,
        staff,
        amount=35000,
        call=call,
        site="kerben",
        title="Тигүү цехи",
        organization=make_organization(site="kerben", lat=41.49, lon=71.76),
    )
    awarded(make_application, staff, call=call, site="kyshtut", title="Демилге тобу жок")
    awarded(
        make_application,
        staff,
        call=call,
        site="kyshtut",
        title="Чекити жок",
        organization=make_organization(site="kyshtut", lat=None, lon=None),
    )
    in_review = make_application(
        call=call,
        site="kyshtut",
        status="in_review",
        title="Каралууда",
        organization=make_organization(site="kyshtut", lat=42.6, lon=73.2),
    )
    return {"kyshtut": kyshtut, "kerben": kerben, "in_review": in_review}


def features(client, query=""):
    response = client.get(API + query)
    assert response.status_code == 200 and response["Content-Type"] == "application/geo+json"
    return response.json()["features"]


# role → the awards shown one by one
SHOWN = {
    "admin": {"kyshtut", "kerben"},
    "staff": {"kyshtut", "kerben"},
    "la_kyshtut": {"kyshtut"},
    "la_kerben": {"kerben"},
    "reviewer": set(),  # even an approved application assigned to them
    "viewer": set(),  # aggregates only, on the calls' pages
    "applicant": set(),  # their own applications only, never others' awards
    "anonymous": set(),
}


@pytest.mark.parametrize("role", ROLES_BUT_AKTURPAK)
def test_the_grants_layer_by_role(client_for, users, grants, role):
    shown = {f["properties"]["id"] for f in features(client_for(users[role]))}
    assert shown == {grants[name].pk for name in SHOWN[role]}


@pytest.mark.parametrize("role", ROLES_BUT_AKTURPAK)
def test_an_application_not_approved_never_appears(client_for, users, grants, role):
    body = client_for(users[role]).get(API).content.decode()
    assert "Каралууда" not in body and f'"id": {grants["in_review"].pk},' not in body


def test_a_feature_is_the_organizations_point_with_the_award(client_for, staff, grants):
    (feature,) = features(client_for(staff), "?site=kerben")
    application = grants["kerben"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [71.76, 41.49]}
    properties = feature["properties"]
    assert properties["id"] == application.pk and properties["title"] == "Тигүү цехи"
    assert properties["call"]["en"] == "Youth initiatives" and properties["call_id"] == application.call_id
    assert Decimal(properties["amount"]) == Decimal("35000") and properties["site"] == "kerben"
    assert properties["site_names"]["en"]
    assert properties["url"].endswith(f"/grants/applications/{application.pk}/")


def test_the_layer_carries_no_names_or_contacts_of_people(client_for, staff, grants):
    body = client_for(staff).get(API).content.decode()
    lead = grants["kyshtut"].lead_applicant
    assert lead.full_name not in body and lead.phone not in body


def test_a_local_authority_opens_the_link_of_its_sites_award_only(client_for, la_kyshtut, la_kerben, grants):
    (feature,) = features(client_for(la_kyshtut))
    link = feature["properties"]["url"]
    assert client_for(la_kyshtut).get(link).status_code == 200
    assert client_for(la_kerben).get(link).status_code == 404


def test_the_layer_takes_the_application_lists_filters(client_for, staff, grants):
    assert {f["properties"]["site"] for f in features(client_for(staff), "?site=kyshtut")} == {"kyshtut"}
    assert features(client_for(staff), "?q=цех")[0]["properties"]["title"] == "Тигүү цехи"
    assert len(features(client_for(staff), "?site=nowhere&call=junk")) == 2  # bad values are ignored, never a 500


def test_the_grants_layer_has_a_constant_number_of_queries(client_for, staff, make_call, make_application, grants):
    client = client_for(staff)

    few = count_queries(client, API)
    call = make_call(sites=("kyshtut",), envelope=1_000_000)
    for n in range(10):
        awarded(make_application, staff, call=call, organization=grants["kyshtut"].organization, title=f"Grant {n}")
    # session, user, the user's sites, the awards with their call, site and organization point; the session
    # saved again (savepoint, update, release)
    assert count_queries(client, API) == few == 7
    assert len(features(client)) == 12


@pytest.mark.parametrize("role", ROLES_BUT_AKTURPAK)
def test_the_map_page_offers_the_grants_layer_to_those_who_see_it(client_for, users, sites, role):
    page = client_for(users[role]).get(url("map")).content.decode()
    assert ('data-grants-url="/api/grants.geojson"' in page) is bool(SHOWN[role])
    assert ("js/grants_map.js" in page) is bool(SHOWN[role])
