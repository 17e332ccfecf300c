"""Grants on a person's profile: admins and staff see the applications the person leads or is in the team of
(through the stakeholders.profiles hook, without stakeholders importing grants), in a constant number of
queries."""

from decimal import Decimal

import pytest
from django.utils import translation

from grants import profiles, workflow
from mapping_portal import hooks
from stakeholders.profiles import PersonSection
from tests.helpers import count_queries, url


@pytest.fixture
def aida(make_person):
    return make_person(full_name="Аида Бекова")


def test_staff_see_the_applications_a_person_leads_or_is_in_the_team_of(
    client_for, staff, aida, make_person, make_application
):
    led = make_application(status="in_review", lead_applicant=aida, title="Спорт аянтчасы", lines=[(1, 80000)])
    workflow.approve(led, staff, Decimal("45000"), version=led.version)
    in_team = make_application(title="Тигүү цехи")
    in_team.team.add(aida)
    make_application(title="Башка долбоор")  # someone else's

    with translation.override("en"):
        page = client_for(staff).get(url("stakeholders:person-detail", aida.pk)).content.decode()
    assert "Small-grant applications" in page
    assert (
        f'href="/en/grants/applications/{led.pk}/"' in page and f'href="/en/grants/applications/{in_team.pk}/"' in page
    )
    assert "Башка долбоор" not in page
    assert "lead applicant" in page and "team member" in page and "awarded 45\u00a0000\u00a0som" in page


def test_a_person_without_applications_has_an_empty_grants_section(client_for, admin, aida):
    with translation.override("en"):
        page = client_for(admin).get(url("stakeholders:person-detail", aida.pk)).content.decode()
    assert "Small-grant applications" in page and "None recorded." in page


@pytest.mark.parametrize("role", ["la_kyshtut", "reviewer", "viewer", "anonymous"])
def test_the_grants_section_is_for_admins_and_staff_only(users, aida, make_application, role):
    make_application(lead_applicant=aida)
    assert profiles.applications(users[role], aida) is None


def test_staff_bound_to_a_site_see_that_sites_applications_only(registry, aida, make_call, make_application):
    from tests.conftest import make_user

    make_application(lead_applicant=aida, site="kyshtut", title="Кыштутта")
    make_application(call=make_call(sites=("kerben",)), site="kerben", lead_applicant=aida, title="Кербенде")
    kerben_staff = make_user("kerben-staff", "staff", ["kerben"])
    section = profiles.applications(kerben_staff, aida)
    assert [item.title for item in section.items] == ["Кербенде"]


def test_a_provider_with_nothing_to_show_adds_no_section(staff, aida):
    def nothing(user, person):
        return None

    def greeting(user, person):
        return PersonSection("Greeting", [])

    hooks.person_sections.register(nothing)
    hooks.person_sections.register(greeting)
    try:
        assert [section.title for section in hooks.person_sections.answers(staff, aida)][-1] == "Greeting"
        assert len(hooks.person_sections.answers(staff, aida)) == 2  # grants' own, then the greeting
    finally:
        hooks.person_sections.unregister(nothing)
        hooks.person_sections.unregister(greeting)


def test_person_profile_query_count_is_the_same_for_1_and_10_applications(
    client_for, staff, aida, make_call, make_application
):
    call = make_call(envelope=10_000_000)
    client = client_for(staff)
    profile = url("stakeholders:person-detail", aida.pk)

    first = make_application(call=call, status="in_review", lead_applicant=aida, lines=[(1, 80000)])
    workflow.approve(first, staff, Decimal("40000"), version=first.version)
    few = count_queries(client, profile)
    for n in range(9):
        application = make_application(call=call, status="in_review", lines=[(1, 80000)])
        application.team.add(aida)
        if n % 2:
            workflow.approve(application, staff, Decimal("40000"), version=application.version)
    many = count_queries(client, profile)
    assert many == few
    assert client.get(profile).content.decode().count("/grants/applications/") == 10
