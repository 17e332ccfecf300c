"""Memberships added and removed from the organization's page: the same form and rules as from the person's page;
members listed only to those who may see personal data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from stakeholders.models import Membership
from tests.conftest import make_user


def url(name, *args):
    with translation.override("en"):
        return reverse(f"stakeholders:{name}", args=args)


def add(client, organization, **data):
    data = {f"member-{name}": value for name, value in data.items()}
    return client.post(url("organization-member-add", organization.pk), data, follow=True)


def page_messages(response):
    return [str(message) for message in response.context["messages"]]


@pytest.mark.parametrize("role", ["admin", "staff"])
def test_admins_and_staff_add_a_member_from_the_organization_page(
    client_for, users, role, make_person, make_organization
):
    organization, person = make_organization(), make_person()
    response = add(client_for(users[role]), organization, person=person.pk, role="leader", since="2019", until="2024")
    membership = Membership.objects.get()
    assert (membership.person, membership.organization, membership.role) == (person, organization, "leader")
    assert (membership.since, membership.until) == (2019, 2024)
    assert response.redirect_chain[-1][0] == url("organization-detail", organization.pk) + "#members"
    assert "The membership was added." in page_messages(response)
    assert "(2019–2024)" in response.content.decode()


# What each other role gets: the local authority sees the organization of its site but may not edit it (403), as
# the viewer; reviewer, applicant and another site's authority do not see it (404); the public is sent to sign in.
FORBIDDEN = {"la_kyshtut": 403, "la_kerben": 404, "viewer": 403, "reviewer": 404, "applicant": 404, "anonymous": 302}


def test_other_roles_cannot_add_or_remove_members(client_for, users, make_person, make_organization):
    organization, person = make_organization(), make_person()
    membership = Membership.objects.create(person=person, organization=organization, role="member")
    for role, status in FORBIDDEN.items():
        client = client_for(users[role])
        added = client.post(
            url("organization-member-add", organization.pk), {"member-person": person.pk, "member-role": "leader"}
        )
        removed = client.post(url("organization-member-remove", organization.pk, membership.pk))
        assert (added.status_code, removed.status_code) == (status, status), role
        if status == 302:
            assert "/accounts/login/" in added["Location"]
    assert list(Membership.objects.values_list("role", flat=True)) == ["member"]


def test_local_authority_is_refused_with_403_on_its_own_sites_organization(
    client_for, la_kyshtut, make_person, make_organization
):
    organization = make_organization(site="kyshtut")
    response = client_for(la_kyshtut).post(
        url("organization-member-add", organization.pk), {"member-person": make_person().pk, "member-role": "member"}
    )
    assert response.status_code == 403
    assert not Membership.objects.exists()


def test_staff_of_another_site_gets_404(client_for, make_person, make_organization):
    officer = make_user("officer-kerben", "staff", ["kerben"])
    organization, person = make_organization(site="kyshtut"), make_person(site="kerben")
    membership = Membership.objects.create(person=make_person(site="kyshtut"), organization=organization)
    client = client_for(officer)
    added = client.post(url("organization-member-add", organization.pk), {"member-person": person.pk})
    assert added.status_code == 404
    assert client.post(url("organization-member-remove", organization.pk, membership.pk)).status_code == 404
    assert client.get(url("organization-detail", organization.pk)).status_code == 404
    assert Membership.objects.count() == 1


BAD_INPUT = [
    ({"person": "999999", "role": "member"}, "Person: Choose a person of the registry of your sites."),
    ({"person": "abc", "role": "member"}, "Person: Choose a person of the registry of your sites."),
    ({"role": "member"}, "Person: This field is required."),
    ({"person": "{person}", "role": "chair"}, "Role: Select a valid choice."),
    (
        {"person": "{person}", "role": "member", "since": "2022", "until": "2020"},
        "Until (year): The year it ended cannot be before the year it began.",
    ),
    ({"person": "{person}", "role": "member", "since": "1800"}, "Since (year): Enter a year from 1950 to"),
    ({"person": "{person}", "role": "member", "until": "soon"}, "Until (year): Enter a whole number."),
]


def test_bad_member_input_gets_a_message_and_saves_nothing(client_for, staff, make_person, make_organization):
    organization, person = make_organization(), make_person()
    client = client_for(staff)
    for data, message in BAD_INPUT:
        data = {key: value.format(person=person.pk) for key, value in data.items()}
        response = add(client, organization, **data)
        assert response.status_code == 200
        assert any(text.startswith(message) for text in page_messages(response)), (data, page_messages(response))
    assert not Membership.objects.exists()


def test_a_person_outside_the_users_sites_is_refused_with_a_message(client_for, make_person, make_organization):
    officer = make_user("officer-kyshtut", "staff", ["kyshtut"])
    organization, stranger = make_organization(site="kyshtut"), make_person(site="kerben")
    response = add(client_for(officer), organization, person=stranger.pk, role="member")
    assert "Person: Choose a person of the registry of your sites." in page_messages(response)
    assert not Membership.objects.exists()


def test_the_same_role_twice_is_refused_from_either_page(client_for, staff, make_person, make_organization):
    organization, person = make_organization(), make_person()
    Membership.objects.create(person=person, organization=organization, role="leader")
    client = client_for(staff)
    response = add(client, organization, person=person.pk, role="leader")
    assert "This person already has this role in this organization." in page_messages(response)
    response = client.post(
        url("membership-add", person.pk), {"organization": organization.pk, "role": "leader"}, follow=True
    )
    assert "This person already has this role in this organization." in page_messages(response)
    add(client, organization, person=person.pk, role="founder")
    assert sorted(Membership.objects.values_list("role", flat=True)) == ["founder", "leader"]


def test_the_persons_page_checks_the_years_with_the_same_form(client_for, staff, make_person, make_organization):
    organization, person = make_organization(), make_person()
    response = client_for(staff).post(
        url("membership-add", person.pk),
        {"organization": organization.pk, "role": "member", "since": "2021", "until": "2019"},
        follow=True,
    )
    assert "Until (year): The year it ended cannot be before the year it began." in page_messages(response)
    assert not Membership.objects.exists()


def test_a_member_is_removed_from_the_organization_page(client_for, staff, make_person, make_organization):
    organization, other = make_organization(), make_organization()
    membership = Membership.objects.create(person=make_person(), organization=organization)
    elsewhere = Membership.objects.create(person=make_person(), organization=other)
    client = client_for(staff)
    # A membership of another organization is not this page's to remove.
    assert client.post(url("organization-member-remove", organization.pk, elsewhere.pk)).status_code == 404
    response = client.post(url("organization-member-remove", organization.pk, membership.pk), follow=True)
    assert "The membership was removed." in page_messages(response)
    assert list(Membership.objects.all()) == [elsewhere]


def test_a_member_of_another_site_is_neither_listed_nor_removable_by_a_site_officer(
    client_for, make_person, make_organization
):
    officer = make_user("officer-kyshtut", "staff", ["kyshtut"])
    organization = make_organization(site="kyshtut")
    mine = Membership.objects.create(person=make_person(full_name="Айгүл Ormonova"), organization=organization)
    theirs = Membership.objects.create(
        person=make_person(site="kerben", full_name="Бакыт Сыдыков"), organization=organization
    )
    client = client_for(officer)
    page = client.get(url("organization-detail", organization.pk)).content.decode()
    assert "Айгүл Ormonova" in page and "Бакыт Сыдыков" not in page
    assert client.post(url("organization-member-remove", organization.pk, theirs.pk)).status_code == 404
    assert set(Membership.objects.all()) == {mine, theirs}


def test_members_are_listed_only_to_those_who_may_see_personal_data(client_for, users, make_person, make_organization):
    organization = make_organization(public_listing_consent=True)
    Membership.objects.create(person=make_person(full_name="Жылдыз Токтосунова"), organization=organization)
    for role in ["admin", "staff", "la_kyshtut", "viewer", "anonymous"]:
        response = client_for(users[role]).get(url("organization-detail", organization.pk))
        assert response.status_code == 200, role  # a consented organization: all these see its profile
        page = response.content.decode()
        may = role in ("admin", "staff")
        assert ("Жылдыз Токтосунова" in page) is may, role
        assert ('data-testid="member-add"' in page) is may, role
        assert ("pick/people/" in page) is may, role


def organization_page_queries(client, organization):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url("organization-detail", organization.pk)).status_code == 200
    return len(queries)


def test_organization_page_query_count_is_constant_in_its_members(client_for, staff, make_person, make_organization):
    client = client_for(staff)
    one, ten = make_organization(), make_organization()
    Membership.objects.create(person=make_person(), organization=one, since=2020, until=2022)
    for index in range(10):
        Membership.objects.create(person=make_person(), organization=ten, role="member", since=2010 + index)
    organization_page_queries(client, one)  # warm the session and the reference caches
    assert organization_page_queries(client, one) == organization_page_queries(client, ten)
