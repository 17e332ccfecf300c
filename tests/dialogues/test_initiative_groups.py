"""Initiative groups: organizations of type "initiative group", with members, focus areas, the problems
they work on and their meetings; how many the project formed (target: three)."""

import pytest

from dialogues.models import InitiativeGroup
from tests.helpers import count_queries, url


@pytest.fixture
def group(make_organization, make_person, make_event):
    from stakeholders.models import Membership

    organization = make_organization(
        name_ky="«Ынтымак» демилгелүү тобу", type_code="initiative-group", areas=["peace-security"]
    )
    Membership.objects.create(
        person=make_person(full_name="Гүлнара Мамытова"), organization=organization, role="leader"
    )
    Membership.objects.create(person=make_person(full_name="Нурлан Жумабаев"), organization=organization)
    meeting = make_event(title="Топтун жолугушуусу", kind="initiative_group_meeting")
    meeting.organizers.add(organization)
    make_organization(name_ky="Башка уюм")
    return organization


def test_the_page_lists_initiative_groups_with_members_and_meetings(client_for, staff, group):
    response = client_for(staff).get(url("dialogues:initiative-groups"))
    groups = response.context["groups"]
    assert [organization.name for organization, _members in groups] == ["«Ынтымак» демилгелүү тобу"]
    organization, members = groups[0]
    assert sorted(m.person.full_name for m in members) == ["Гүлнара Мамытова", "Нурлан Жумабаев"]
    assert [event.title for event in organization.meetings] == ["Топтун жолугушуусу"]
    assert response.context["formed"] == 0


def test_staff_record_that_the_project_formed_the_group(client_for, staff, group):
    client = client_for(staff)
    response = client.post(
        url("dialogues:initiative-group-edit", group.pk),
        {"formed_by_project": "on", "formed_on": "15.02.2026", "problems": "Сугат суусун бөлүштүрүү"},
    )
    assert response.status_code == 302
    assert InitiativeGroup.objects.get(organization=group).problems == "Сугат суусун бөлүштүрүү"
    page = client.get(url("dialogues:initiative-groups"))
    assert page.context["formed"] == 1
    assert "Сугат суусун бөлүштүрүү" in page.content.decode()


def test_a_local_authority_sees_the_number_of_members_not_their_names(client_for, la_kyshtut, group):
    page = client_for(la_kyshtut).get(url("dialogues:initiative-groups")).content.decode()
    assert "«Ынтымак» демилгелүү тобу" in page
    assert "Гүлнара Мамытова" not in page


def test_another_sites_local_authority_sees_no_group(client_for, la_kerben, group):
    assert client_for(la_kerben).get(url("dialogues:initiative-groups")).context["groups"] == []


@pytest.mark.parametrize(("role", "status"), [("viewer", 403), ("reviewer", 403), ("anonymous", 302)])
def test_roles_without_events_cannot_open_the_page(client_for, users, group, role, status):
    assert client_for(users[role]).get(url("dialogues:initiative-groups")).status_code == status


def test_an_organization_of_another_type_has_no_initiative_group_page(client_for, staff, make_organization, registry):
    assert client_for(staff).get(url("dialogues:initiative-group-edit", make_organization().pk)).status_code == 404


def test_a_local_authority_cannot_edit_a_group(client_for, la_kyshtut, group):
    assert (
        client_for(la_kyshtut).post(url("dialogues:initiative-group-edit", group.pk), {"problems": "x"}).status_code
        == 403
    )


def test_the_page_query_count_does_not_grow_with_the_groups(
    client_for, staff, make_organization, make_person, make_event
):
    from stakeholders.models import Membership

    client = client_for(staff)

    def add_group(number):
        organization = make_organization(
            name_ky=f"Топ {number}", type_code="initiative-group", areas=["peace-security"]
        )
        Membership.objects.create(person=make_person(), organization=organization)
        InitiativeGroup.objects.create(organization=organization, problems="Суу")
        make_event(kind="initiative_group_meeting").organizers.add(organization)

    add_group(0)
    few = count_queries(client, url("dialogues:initiative-groups"))
    for number in range(1, 6):
        add_group(number)
    assert count_queries(client, url("dialogues:initiative-groups")) == few


def test_the_groups_come_25_a_page_and_the_formed_count_covers_every_page(client_for, staff, make_organization):
    for number in range(26):
        organization = make_organization(name_ky=f"Топ {number:02}", type_code="initiative-group")
        InitiativeGroup.objects.create(organization=organization, formed_by_project=number in (0, 25))
    client = client_for(staff)
    first = client.get(url("dialogues:initiative-groups"))
    assert len(first.context["groups"]) == 25 and first.context["formed"] == 2
    assert first.context["page"].paginator.count == 26
    second = client.get(url("dialogues:initiative-groups") + "?page=2")
    assert [organization.name for organization, _members in second.context["groups"]] == ["Топ 25"]
    assert second.context["formed"] == 2
    assert client.get(url("dialogues:initiative-groups") + "?page=x").status_code == 200
