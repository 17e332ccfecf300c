"""Who sees what of the registry (DESIGN.md §4, §6): role × record → status, through the one policy."""

import pytest
from django.urls import reverse

from tests.conftest import ROLES_BUT_AKTURPAK


@pytest.fixture
def records(make_organization, make_person):
    """A consented and an unconsented organization in Kyshtut, a consented sensitive one without and
    with sensitive consent, and a person in Kyshtut."""
    from stakeholders.models import Membership

    records = {
        "public": make_organization(name_ky="Ачык уюм", public_listing_consent=True),
        "private": make_organization(name_ky="Жабык уюм"),
        "sensitive": make_organization(name_ky="Сезимтал уюм", public_listing_consent=True, areas=["gbv-prevention"]),
        "sensitive_ok": make_organization(
            name_ky="Макул сезимтал уюм",
            public_listing_consent=True,
            consent_covers_sensitive=True,
            areas=["gbv-prevention"],
        ),
        "person": make_person(full_name="Айгүл Токтосунова"),
    }
    Membership.objects.create(person=records["person"], organization=records["public"], role="leader")
    return records


# role → which Kyshtut organizations it can open
ORGANIZATION_DETAIL = {
    "admin": {"public", "private", "sensitive", "sensitive_ok"},
    "staff": {"public", "private", "sensitive", "sensitive_ok"},
    "la_kyshtut": {"public", "private", "sensitive", "sensitive_ok"},
    "la_kerben": set(),
    "reviewer": set(),
    "viewer": {"public", "private", "sensitive", "sensitive_ok"},
    "applicant": set(),  # their own applications only, not the registry
    "anonymous": {"public", "sensitive_ok"},
}


@pytest.mark.parametrize("role", ROLES_BUT_AKTURPAK)
@pytest.mark.parametrize("record", ["public", "private", "sensitive", "sensitive_ok"])
def test_organization_profile_by_role(client_for, users, records, role, record):
    response = client_for(users[role]).get(reverse("stakeholders:organization-detail", args=[records[record].pk]))
    assert response.status_code == (200 if record in ORGANIZATION_DETAIL[role] else 404)


@pytest.mark.parametrize("role", ROLES_BUT_AKTURPAK)
def test_organization_list_shows_the_same_scope(client_for, users, records, role):
    page = client_for(users[role]).get(reverse("stakeholders:organization-list")).content.decode()
    shown = {name for name in ["public", "private", "sensitive", "sensitive_ok"] if records[name].name_ky in page}
    assert shown == ORGANIZATION_DETAIL[role]


@pytest.mark.parametrize("role", ROLES_BUT_AKTURPAK)
def test_map_layer_shows_the_same_scope(client, client_for, users, records, role):
    features = client_for(users[role]).get("/api/stakeholders.geojson").json()["features"]
    shown = {
        name for name in ORGANIZATION_DETAIL[role] if any(f["properties"]["id"] == records[name].pk for f in features)
    }
    assert shown == ORGANIZATION_DETAIL[role]
    assert len(features) == len(ORGANIZATION_DETAIL[role])


def test_the_public_gets_only_public_fields(client, records):
    organization = records["public"]
    organization.phone, organization.funding_sources, organization.address = (
        "+996 312 000 111",
        "Фонд Х",
        "Борбор көчө 1",
    )
    organization.save()
    page = client.get(reverse("stakeholders:organization-detail", args=[organization.pk])).content.decode()
    for hidden in ["+996 312 000 111", "Фонд Х", "Борбор көчө 1", "Айгүл Токтосунова"]:
        assert hidden not in page
    feature = client.get("/api/stakeholders.geojson").json()["features"][0]
    assert set(feature["properties"]) == {"id", "name", "type", "site", "settlement"}


@pytest.mark.parametrize(
    ("role", "sees_funding"), [("admin", True), ("staff", True), ("la_kyshtut", False), ("viewer", False)]
)
def test_funding_sources_are_for_staff_and_admins(client_for, users, records, role, sees_funding):
    records["private"].funding_sources = "Жеке демөөрчү"
    records["private"].save()
    page = client_for(users[role]).get(reverse("stakeholders:organization-detail", args=[records["private"].pk]))
    assert ("Жеке демөөрчү" in page.content.decode()) is sees_funding


@pytest.mark.parametrize(
    ("role", "sees_names"), [("admin", True), ("staff", True), ("la_kyshtut", False), ("viewer", False)]
)
def test_member_names_only_for_staff_and_admins_others_get_counts(client_for, users, records, role, sees_names):
    page = client_for(users[role]).get(reverse("stakeholders:organization-detail", args=[records["public"].pk]))
    text = page.content.decode()
    assert ("Айгүл Токтосунова" in text) is sees_names


# role → status of the people pages (personal data: admins and staff only)
PEOPLE = {
    "admin": 200,
    "staff": 200,
    "la_kyshtut": 403,
    "la_kerben": 403,
    "reviewer": 403,
    "viewer": 403,
    "applicant": 403,
    "anonymous": 302,
}


@pytest.mark.parametrize("role", ROLES_BUT_AKTURPAK)
def test_people_list_by_role(client_for, users, records, role):
    assert client_for(users[role]).get(reverse("stakeholders:person-list")).status_code == PEOPLE[role]


@pytest.mark.parametrize("role", ROLES_BUT_AKTURPAK)
def test_person_profile_by_role(client_for, users, records, role):
    status = client_for(users[role]).get(reverse("stakeholders:person-detail", args=[records["person"].pk])).status_code
    assert status == {200: 200, 403: 404, 302: 302}[PEOPLE[role]]


def test_staff_bound_to_another_site_gets_404_for_this_sites_records(client_for, records):
    from tests.conftest import make_user

    kerben_officer = make_user("officer-kerben", "staff", ["kerben"])
    client = client_for(kerben_officer)
    assert client.get(reverse("stakeholders:organization-detail", args=[records["private"].pk])).status_code == 404
    assert client.get(reverse("stakeholders:person-detail", args=[records["person"].pk])).status_code == 404
    assert client.get(reverse("stakeholders:organization-edit", args=[records["private"].pk])).status_code == 404


# role → status of creating and editing an organization
EDIT = {
    "admin": 200,
    "staff": 200,
    "la_kyshtut": 403,
    "la_kerben": 404,
    "reviewer": 404,
    "viewer": 403,
    "applicant": 404,
    "anonymous": 302,
}


@pytest.mark.parametrize("role", ROLES_BUT_AKTURPAK)
def test_organization_edit_page_by_role(client_for, users, records, role):
    assert (
        client_for(users[role]).get(reverse("stakeholders:organization-edit", args=[records["private"].pk])).status_code
        == EDIT[role]
    )


@pytest.mark.parametrize("role", ROLES_BUT_AKTURPAK)
def test_organization_create_page_by_role(client_for, users, records, role):
    expected = {"admin": 200, "staff": 200, "anonymous": 302}.get(role, 403)
    assert client_for(users[role]).get(reverse("stakeholders:organization-create")).status_code == expected


@pytest.mark.parametrize("role", ROLES_BUT_AKTURPAK)
def test_deactivating_by_role(client_for, users, records, role):
    url = reverse("stakeholders:organization-set-active", args=[records["private"].pk])
    response = client_for(users[role]).post(url, {"active": "false"})
    records["private"].refresh_from_db()
    assert records["private"].is_active is (EDIT[role] != 200)
    assert response.status_code == (302 if EDIT[role] in (200, 302) else EDIT[role])


# role → status of exports (organizations: no personal data; people: admins only)
ORGANIZATION_EXPORT = {
    "admin": 200,
    "staff": 200,
    "la_kyshtut": 200,
    "la_kerben": 200,
    "reviewer": 403,
    "viewer": 403,
    "applicant": 403,
    "anonymous": 403,
}
PEOPLE_EXPORT = {
    "admin": 200,
    "staff": 403,
    "la_kyshtut": 403,
    "la_kerben": 403,
    "reviewer": 403,
    "viewer": 403,
    "applicant": 403,
    "anonymous": 302,
}


@pytest.mark.parametrize("role", ROLES_BUT_AKTURPAK)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_by_role(client_for, users, records, role, fmt):
    client = client_for(users[role])
    assert client.get(reverse("stakeholders:organization-export", args=[fmt])).status_code == ORGANIZATION_EXPORT[role]
    assert client.get(reverse("stakeholders:person-export", args=[fmt])).status_code == PEOPLE_EXPORT[role]


def test_a_local_authority_exports_only_its_own_site(client_for, users, records, make_organization):
    make_organization(site="kerben", name_ky="Кербендеги уюм")
    response = client_for(users["la_kyshtut"]).get(reverse("stakeholders:organization-export", args=["csv"]))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Жабык уюм" in body and "Кербендеги уюм" not in body


def test_a_local_authority_sees_counts_of_its_sites_people_not_names(client_for, users, records):
    response = client_for(users["la_kyshtut"]).get("/en/sites/kyshtut/")
    figures = {figure.label: figure.value for figure in response.context["figures"]}
    registry_figures = {"Organizations": 4, "of them listed publicly": 3, "People in the registry": 1}
    assert {label: figures[label] for label in registry_figures} == registry_figures
    assert "Айгүл Токтосунова" not in response.content.decode()
