"""People: consent before anything is kept, ages derived from the birth year, memberships, bad input."""

import pytest

from stakeholders.models import Membership, Person
from tests.helpers import count_queries, url


def person_data(registry, **changes):
    data = {
        "full_name": "Гүлнара Мамытова",
        "full_name_latin": "Gulnara Mamytova",
        "sex": "female",
        "birth_year": "1990",
        "phone": "+996 700 123 456",
        "site": registry["kyshtut"].pk,
        "consent_date": "12.03.2026",
        "consent_purpose": "Катышуучулардын тизмеси жана байланыш",
        "wg_walking": "a_lot",
        "vulnerable_groups": ["single_parent"],
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_staff_records_a_person_with_consent(client_for, staff, registry):
    response = client_for(staff).post(url("stakeholders:person-create"), person_data(registry))
    person = Person.objects.get()
    assert response["Location"] == url("stakeholders:person-detail", person.pk)
    assert person.consent_date.isoformat() == "2026-03-12"
    assert person.consent_recorded_by == staff
    assert person.has_disability and person.vulnerable_groups == ["single_parent"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"consent_date": ""}, "consent_date", "Record when the person gave consent"),
        ({"consent_purpose": ""}, "consent_purpose", "Say what the person consented to."),
        ({"consent_date": "31.02.2026"}, "consent_date", "Enter a valid date."),
        ({"birth_year": "2090"}, "birth_year", "cannot be in the future"),
        ({"birth_year": "eighty"}, "birth_year", "Enter a whole number."),
        ({"sex": "unknown"}, "sex", "Select a valid choice"),
        ({"full_name": ""}, "full_name", "This field is required."),
        ({"vulnerable_groups": ["survivor"]}, "vulnerable_groups", "Select a valid choice"),
    ],
)
def test_bad_person_input_gets_a_message_and_saves_nothing(client_for, staff, registry, changes, field, message):
    response = client_for(staff).post(url("stakeholders:person-create"), person_data(registry, **changes))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Person.objects.exists()


def test_a_settlement_of_another_site_is_refused(client_for, staff, registry):
    data = person_data(registry, settlement=registry["kerben"].settlements.first().pk)
    response = client_for(staff).post(url("stakeholders:person-create"), data)
    assert "This settlement is not in the chosen pilot site." in response.context["form"].errors["settlement"]


def test_youth_is_derived_from_the_birth_year(make_person):
    from django.utils import timezone

    year = timezone.localdate().year
    assert make_person(birth_year=year - 20).is_youth is True
    assert make_person(birth_year=year - 36).is_youth is False
    assert make_person(birth_year=year - 14).is_youth is True
    assert make_person(birth_year=None).is_youth is None


def test_memberships_are_added_once_and_removed(client_for, staff, make_person, make_organization):
    person, organization = make_person(), make_organization()
    client = client_for(staff)
    client.post(
        url("stakeholders:membership-add", person.pk),
        {"organization": organization.pk, "role": "leader", "since": "2020"},
    )
    response = client.post(
        url("stakeholders:membership-add", person.pk), {"organization": organization.pk, "role": "leader"}, follow=True
    )
    assert "already has this role" in response.content.decode()
    membership = Membership.objects.get()
    assert (membership.person, membership.organization, membership.role, membership.since) == (
        person,
        organization,
        "leader",
        2020,
    )
    client.post(url("stakeholders:membership-remove", person.pk, membership.pk))
    assert not Membership.objects.exists()
    assert membership.history.count() == 2  # created, deleted


def test_a_membership_cannot_point_outside_the_users_scope(client_for, make_person, make_organization):
    from tests.conftest import make_user

    officer = make_user("officer-kyshtut", "staff", ["kyshtut"])
    person, elsewhere = make_person(), make_organization(site="kerben")
    client_for(officer).post(
        url("stakeholders:membership-add", person.pk), {"organization": elsewhere.pk, "role": "member"}
    )
    assert not Membership.objects.exists()


def test_local_authorities_cannot_add_people_or_memberships(
    client_for, la_kyshtut, registry, make_person, make_organization
):
    client = client_for(la_kyshtut)
    assert client.post(url("stakeholders:person-create"), person_data(registry)).status_code == 403
    person = make_person()
    response = client.post(
        url("stakeholders:membership-add", person.pk), {"organization": make_organization().pk, "role": "member"}
    )
    assert response.status_code == 404
    assert Person.objects.count() == 1 and not Membership.objects.exists()


def test_people_list_query_count_is_constant(client_for, staff, make_person, make_organization):
    organization = make_organization()
    client = client_for(staff)
    for _ in range(5):
        Membership.objects.create(person=make_person(), organization=organization)
    few = count_queries(client, url("stakeholders:person-list"))
    for _ in range(45):
        Membership.objects.create(person=make_person(), organization=organization)
    assert count_queries(client, url("stakeholders:person-list")) == few


def test_person_profile_query_count_is_constant(client_for, staff, make_person, make_organization):
    person = make_person()
    client = client_for(staff)
    Membership.objects.create(person=person, organization=make_organization())
    few = count_queries(client, url("stakeholders:person-detail", person.pk))
    for _ in range(10):
        Membership.objects.create(person=person, organization=make_organization())
    assert count_queries(client, url("stakeholders:person-detail", person.pk)) == few
