"""Merging two records of the same organization or person: every link moves to the record kept, both
histories stay, repeats are dropped only where they are pure links, and the merge is recorded."""

import pytest
from django.utils import translation

from mapping_portal.models import ThematicArea
from stakeholders import merging
from stakeholders.models import (
    CapacityAssessment,
    Membership,
    Organization,
    OrganizationMerge,
    OrganizationRelationship,
    Person,
    PersonMerge,
)
from tests.helpers import count_queries, url
from tests.stakeholders.test_assessments import assess, make_template


@pytest.fixture
def pair(make_organization):
    kept = make_organization(name_ky="«Мээрим» коомдук фонду", areas=["peace-security"], phone="")
    merged = make_organization(name_ky="ОФ Меерим", name_ru="ОФ «Мээрим»", areas=["gbv-prevention"], phone="+996 555 1")
    return kept, merged


def test_every_link_moves_to_the_record_kept(pair, make_organization, make_person, staff):
    kept, merged = pair
    other = make_organization(name_ky="Кыштут жаштар борбору")
    only_merged, both = make_person(), make_person()
    Membership.objects.create(person=only_merged, organization=merged, role="member")
    Membership.objects.create(person=both, organization=merged, role="leader")
    Membership.objects.create(person=both, organization=kept, role="leader")
    OrganizationRelationship.objects.create(source=merged, target=other, kind="partner")
    OrganizationRelationship.objects.create(source=other, target=merged, kind="funds")
    OrganizationRelationship.objects.create(source=kept, target=merged, kind="coordinates_with")
    assessment = assess(merged, make_template())

    record = merging.merge(kept, merged, staff, "Same foundation, registered under two spellings.")

    assert set(kept.memberships.values_list("person", "role")) == {(only_merged.pk, "member"), (both.pk, "leader")}
    assert not Membership.objects.filter(organization=merged).exists()
    assert OrganizationRelationship.objects.filter(source=kept, target=other, kind="partner").exists()
    assert OrganizationRelationship.objects.filter(source=other, target=kept, kind="funds").exists()
    assert not OrganizationRelationship.objects.filter(source=kept, target=kept).exists()
    assessment.refresh_from_db()
    assert assessment.organization == kept
    assert set(kept.thematic_areas.values_list("code", flat=True)) == {"peace-security", "gbv-prevention"}

    merged.refresh_from_db()
    assert merged.merged_into == kept and not merged.is_active
    assert record.merged_by == staff and record.reason.startswith("Same foundation")
    assert record.moved == {
        "stakeholders.membership.organization": 1,
        "stakeholders.organizationrelationship.source": 1,
        "stakeholders.organizationrelationship.target": 1,
        "stakeholders.capacityassessment.organization": 1,
        "stakeholders.organization.thematic_areas": 1,
    }
    # The repeats removed: the same leader twice, and the tie between the two records.
    assert {item["model"] for item in record.dropped} == {
        "stakeholders.membership.organization",
        "stakeholders.organizationrelationship.target",
    }


def test_both_histories_are_kept_and_each_move_is_in_history(pair, make_person, staff):
    kept, merged = pair
    membership = Membership.objects.create(person=make_person(), organization=merged)
    merged_history_before = merged.history.count()

    with translation.override("en"):
        merging.merge(kept, merged, staff, "Same.")

    assert merged.history.count() == merged_history_before + 1
    last = merged.history.first()
    assert last.merged_into_id == kept.pk and last.history_user == staff
    assert last.history_change_reason == f"Merged into “{kept.name}” (#{kept.pk})"
    assert kept.history.first().history_user == staff
    assert kept.history.first().history_change_reason.startswith("Merged with")
    moves = membership.history.order_by("history_date")
    assert [entry.organization_id for entry in moves] == [merged.pk, kept.pk]
    assert moves.last().history_user == staff


def test_chosen_values_come_from_the_merged_record(pair, staff):
    kept, merged = pair
    with translation.override("en"):
        groups = {group.key for group in merging.differing_groups(kept, merged)}
        assert {"name_ky", "name_ru", "phone"} <= groups
        assert merging.default_choice(kept, merged, merging.FIELDS[Organization][2]) == "kept"  # both empty acronyms
        phone = next(group for group in merging.ORGANIZATION_FIELDS if group.key == "phone")
        assert merging.default_choice(kept, merged, phone) == "merged"  # kept has none

        record = merging.merge(kept, merged, staff, "Same.", take=["name_ru", "phone"])

    kept.refresh_from_db()
    assert kept.name_ky == "«Мээрим» коомдук фонду"  # not taken
    assert kept.name_ru == "ОФ «Мээрим»" and kept.phone == "+996 555 1"
    assert [item["field"] for item in record.fields_taken] == ["name_ru", "phone"]
    assert record.fields_taken[1]["was"] == "" and record.fields_taken[1]["now"] == "+996 555 1"


def test_records_merged_earlier_follow_to_the_new_record_kept(make_organization, staff):
    first, second, third = (make_organization(name_ky=name) for name in ("Ак-Дөбө", "Акдобо", "Ак Добо"))
    merging.merge(second, first, staff, "Same.")
    merging.merge(third, second, staff, "Same.")
    first.refresh_from_db()
    assert first.merged_into == third


def test_person_merge_moves_memberships_and_keeps_both(make_person, make_organization, staff):
    organization = make_organization()
    kept = make_person(full_name="Асанова Айгүл", birth_year=1990, email="")
    merged = make_person(full_name="Асанова Айгуль", birth_year=1990, email="aigul@example.org")
    Membership.objects.create(person=merged, organization=organization, role="volunteer")

    record = merging.merge(kept, merged, staff, "Met at two events, two spellings.", take=["email"])

    assert isinstance(record, PersonMerge)
    assert list(kept.memberships.values_list("organization", "role")) == [(organization.pk, "volunteer")]
    kept.refresh_from_db()
    assert kept.email == "aigul@example.org"
    assert Person.objects.filter(pk=merged.pk, merged_into=kept, is_active=False).exists()


def test_a_clash_on_real_data_refuses_the_whole_merge(pair, staff):
    kept, merged = pair
    template = make_template()
    assess(kept, template, date="2026-03-01")
    assess(merged, template, date="2026-03-01")
    with pytest.raises(merging.MergeRefused):
        merging.merge(kept, merged, staff, "Same.")
    # Nothing happened: both assessments stay where they were, the record is not merged.
    assert CapacityAssessment.objects.filter(organization=merged).count() == 1
    merged.refresh_from_db()
    assert merged.merged_into is None and merged.is_active
    assert not OrganizationMerge.objects.exists()


@pytest.mark.parametrize("case", ["same", "other-site", "already-merged", "stale", "no-reason", "kinds"])
def test_merges_that_are_refused(make_organization, make_person, staff, case):
    kept = make_organization(name_ky="Мээрим")
    merged = make_organization(name_ky="Меерим", site="kerben" if case == "other-site" else "kyshtut")
    arguments = {"reason": "Same."}
    if case == "same":
        merged = kept
    if case == "already-merged":
        merging.merge(make_organization(name_ky="Мээрим 2"), merged, staff, "Same.")
    if case == "stale":
        arguments["versions"] = (kept.version, merged.version - 1)
    if case == "no-reason":
        arguments["reason"] = "  "
    if case == "kinds":
        merged = make_person()
    with pytest.raises(merging.MergeRefused):
        merging.merge(kept, merged, staff, **arguments)


# --- The pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [("admin", 200), ("staff", 200), ("la_kyshtut", 403), ("viewer", 403), ("reviewer", 403), ("anonymous", 302)],
)
def test_who_may_open_the_merge_page(pair, users, client_for, role, status):
    kept, merged = pair
    response = client_for(users[role]).get(url("stakeholders:organization-merge", kept.pk, merged.pk))
    assert response.status_code == status
    if role == "anonymous":
        assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(("role", "status"), [("la_kyshtut", 403), ("viewer", 403), ("anonymous", 302)])
def test_who_may_not_merge(pair, users, client_for, role, status):
    kept, merged = pair
    response = client_for(users[role]).post(
        url("stakeholders:organization-merge", kept.pk, merged.pk),
        {"reason": "x", "kept_version": kept.version, "merged_version": merged.version},
    )
    assert response.status_code == status
    assert not OrganizationMerge.objects.exists()


def test_merging_through_the_page(pair, make_person, staff, client_for):
    kept, merged = pair
    Membership.objects.create(person=make_person(), organization=merged)
    client = client_for(staff)
    page = client.get(url("stakeholders:organization-merge", kept.pk, merged.pk))
    assert page.status_code == 200
    with translation.override("en"):
        assert {group.key for group, *_rest in page.context["form"].comparison} >= {"name_ky", "name_ru", "phone"}
    response = client.post(
        url("stakeholders:organization-merge", kept.pk, merged.pk),
        {
            "reason": "The same foundation.",
            "kept_version": kept.version,
            "merged_version": merged.version,
            "take_name_ky": "kept",
            "take_name_ru": "merged",
            "take_phone": "merged",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url("stakeholders:organization-detail", kept.pk)
    record = OrganizationMerge.objects.get()
    assert (record.kept, record.merged) == (kept, merged)
    assert kept.memberships.count() == 1
    kept.refresh_from_db()
    assert (kept.name_ky, kept.name_ru, kept.phone) == ("«Мээрим» коомдук фонду", "ОФ «Мээрим»", "+996 555 1")
    # The merged record's address now leads to the one kept.
    follow = client.get(url("stakeholders:organization-detail", merged.pk))
    assert follow.status_code == 302 and follow["Location"] == url("stakeholders:organization-detail", kept.pk)
    # The merge can be explained afterwards: its page, the profile, the timeline.
    detail = client.get(url("stakeholders:organization-merge-detail", record.pk))
    assert detail.status_code == 200 and "The same foundation." in detail.content.decode()
    assert record in client.get(url("stakeholders:organization-detail", kept.pk)).context["merges"]
    timeline = client.get(url("stakeholders:organization-timeline", kept.pk)).context["items"]
    assert "merge" in {item.kind for item in timeline}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": ""}, "This field is required."),
        ({"take_phone": "someone-else"}, "Select a valid choice."),
        ({"kept_version": "x"}, "Enter a whole number."),
    ],
)
def test_bad_merge_input_is_told_and_nothing_merges(pair, staff, client_for, data, message):
    kept, merged = pair
    post = {"reason": "Same.", "kept_version": kept.version, "merged_version": merged.version} | data
    with translation.override("en"):
        response = client_for(staff).post(url("stakeholders:organization-merge", kept.pk, merged.pk), post)
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not OrganizationMerge.objects.exists()


def test_a_merge_from_a_stale_page_is_refused(pair, staff, client_for):
    kept, merged = pair
    client = client_for(staff)
    versions = {"kept_version": kept.version, "merged_version": merged.version}
    merged.phone = "changed meanwhile"
    merged.version += 1
    merged.save()
    response = client.post(url("stakeholders:organization-merge", kept.pk, merged.pk), {"reason": "Same."} | versions)
    assert response.status_code == 302
    assert not OrganizationMerge.objects.exists()
    with translation.override("en"):
        page = client.get(response["Location"])
        assert "changed meanwhile" in page.content.decode()


def test_a_merged_record_cannot_be_merged_again(pair, staff, client_for):
    kept, merged = pair
    merging.merge(kept, merged, staff, "Same.")
    assert client_for(staff).get(url("stakeholders:organization-merge", kept.pk, merged.pk)).status_code == 404
    assert client_for(staff).get(url("stakeholders:organization-merge", merged.pk, kept.pk)).status_code == 404


def test_merge_record_of_a_site_out_of_scope_is_404(make_organization, make_person, admin, users, client_for):
    # A local authority never reaches merges (403 for the role); and a record id that does not exist is 404.
    kept, merged = make_organization(name_ky="А"), make_organization(name_ky="Б")
    record = merging.merge(kept, merged, admin, "Same.")
    assert (
        client_for(users["la_kyshtut"]).get(url("stakeholders:organization-merge-detail", record.pk)).status_code == 403
    )
    assert client_for(admin).get(url("stakeholders:organization-merge-detail", record.pk + 1)).status_code == 404
    assert client_for(admin).get(url("stakeholders:person-merge-detail", record.pk)).status_code == 404


def test_person_merge_page(make_person, staff, client_for):
    kept = make_person(full_name="Асанова Айгүл")
    merged = make_person(full_name="Асанова Айгуль", birth_year=1991)
    client = client_for(staff)
    assert client.get(url("stakeholders:person-merge", kept.pk, merged.pk)).status_code == 200
    response = client.post(
        url("stakeholders:person-merge", kept.pk, merged.pk),
        {"reason": "Same person.", "kept_version": kept.version, "merged_version": merged.version},
    )
    assert response.status_code == 302
    assert PersonMerge.objects.get().kept == kept
    assert client.get(url("stakeholders:person-detail", merged.pk))["Location"] == url(
        "stakeholders:person-detail", kept.pk
    )


def test_merge_page_queries_do_not_grow_with_links(pair, make_person, staff, client_for):
    kept, merged = pair
    client = client_for(staff)
    client.get(url("stakeholders:organization-merge", kept.pk, merged.pk))

    few = count_queries(client, url("stakeholders:organization-merge", kept.pk, merged.pk))
    for _ in range(10):
        Membership.objects.create(person=make_person(), organization=merged)
    merged.thematic_areas.add(*ThematicArea.objects.all())
    assert count_queries(client, url("stakeholders:organization-merge", kept.pk, merged.pk)) == few


def test_merge_record_page_queries_do_not_grow_with_what_moved(make_organization, make_person, staff, client_for):
    client = client_for(staff)

    def count(links):
        kept, merged = make_organization(name_ky="А"), make_organization(name_ky="Б")
        for _ in range(links):
            Membership.objects.create(person=make_person(), organization=merged)
        record = merging.merge(kept, merged, staff, "Same.", take=["name_ky"])
        return count_queries(client, url("stakeholders:organization-merge-detail", record.pk))

    assert count(1) == count(12)
