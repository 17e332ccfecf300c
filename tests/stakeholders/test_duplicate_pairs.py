"""The per-site "possible duplicates" page, and the duplicate hint for people while a name is typed."""

import pytest

from stakeholders import merging
from stakeholders.duplicates import candidate_pairs, refresh_candidates, similar_people
from stakeholders.models import DistinctPair, DuplicateCandidate, Organization, Person
from tests.helpers import count_queries, url


def compare(client, kind="organizations", site="kyshtut"):
    """What the page's htmx does after it loads: compare changed records, batch after batch."""
    for _batch in range(100):
        response = client.post(url("stakeholders:duplicate-compare"), {"kind": kind, "site": site})
        if response.status_code != 200 or response.get("HX-Refresh") == "true":
            return response
    raise AssertionError("the comparison never finished")


def pairs_page(client, kind="organizations", site="kyshtut"):
    compare(client, kind, site)
    return client.get(url("stakeholders:duplicate-list"), {"kind": kind, "site": site})


def shown(response):
    return {frozenset((first.pk, second.pk)) for (first, second), _score in response.context["rows"]}


@pytest.fixture
def alike(make_organization):
    """Two spellings of one foundation in Kyshtut, a different one, and the same name in Kerben."""
    return {
        "ky": make_organization(name_ky="«Мээрим» коомдук фонду"),
        "ru": make_organization(name_ky="", name_ru="Общественный фонд «Меерим»"),
        "other": make_organization(name_ky="«Ынтымак» коомдук фонду"),
        "kerben": make_organization(name_ky="«Мээрим» коомдук фонду", site="kerben"),
    }


def test_pairs_of_one_site_are_listed(alike, staff, client_for):
    response = pairs_page(client_for(staff))
    assert response.status_code == 200
    assert shown(response) == {frozenset((alike["ky"].pk, alike["ru"].pk))}


def test_a_pair_judged_different_is_not_offered_again(alike, staff, client_for):
    client = client_for(staff)
    response = client.post(
        url("stakeholders:distinct-pair"), {"kind": "organizations", "first": alike["ru"].pk, "second": alike["ky"].pk}
    )
    assert response.status_code == 302
    assert DistinctPair.objects.filter(first_id=alike["ky"].pk, second_id=alike["ru"].pk).exists()
    assert shown(pairs_page(client)) == set()


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "planets", "first": "1", "second": "2"},
        {"kind": "organizations", "first": "x", "second": "2"},
        {"kind": "organizations", "first": "5", "second": "5"},
        {"kind": "organizations", "first": "999999", "second": "999998"},
        {"kind": "organizations", "first": "²", "second": "2"},  # isdigit() says yes, int() no
        {"kind": "organizations", "first": "9" * 5000, "second": "2"},
    ],
)
def test_bad_pair_input_is_404_and_records_nothing(alike, staff, client_for, data):
    assert client_for(staff).post(url("stakeholders:distinct-pair"), data).status_code == 404
    assert not DistinctPair.objects.exists()


def test_changes_are_compared_on_the_next_visit(alike, make_organization, staff, client_for):
    client = client_for(staff)
    pairs_page(client)
    newcomer = make_organization(name_ky="Ынтымак", name_ru="ОФ Ынтымак")
    renamed = alike["ru"]
    renamed.name_ru = "Кыштут жаштар борбору"
    renamed.save()
    assert shown(pairs_page(client)) == {frozenset((alike["other"].pk, newcomer.pk))}


def test_merged_and_deactivated_records_leave_the_list(alike, make_organization, staff, client_for):
    client = client_for(staff)
    third = make_organization(name_ky="КФ Мээрим")
    assert len(shown(pairs_page(client))) == 3
    merging.merge(alike["ky"], alike["ru"], staff, "Same.")
    assert shown(pairs_page(client)) == {frozenset((alike["ky"].pk, third.pk))}
    third.is_active = False
    third.save()
    assert shown(pairs_page(client)) == set()


def test_the_scan_works_in_batches_and_says_what_is_left(make_organization, sites, staff, client_for):
    for number in range(7):
        make_organization(name_ky=f"Ак-Суу суу колдонуучулар бирикмеси {number}")
    assert refresh_candidates("organization", sites["kyshtut"], batch=3) == 4
    assert refresh_candidates("organization", sites["kyshtut"], batch=3) == 1
    assert refresh_candidates("organization", sites["kyshtut"], batch=3) == 0
    assert DuplicateCandidate.objects.count() == 21  # every pair of the seven, once
    response = pairs_page(client_for(staff))
    assert response.context["waiting"] == 0


def test_people_pairs_respect_the_year_of_birth(make_person, sites, staff, client_for):
    same = [make_person(full_name="Асанова Айгүл", birth_year=1990), make_person(full_name="Asanova Aigul")]
    make_person(full_name="Асанова Айгуль", birth_year=1960)  # a namesake, thirty years older
    response = pairs_page(client_for(staff), kind="people")
    assert response.status_code == 200
    assert frozenset(p.pk for p in same) in shown(response)
    assert all(len(pair) == 2 for pair in shown(response))
    old = Person.objects.get(birth_year=1960)
    assert not any(old.pk in pair and same[0].pk in pair for pair in shown(response))


@pytest.mark.parametrize(
    ("role", "status"),
    [("admin", 200), ("staff", 200), ("la_kyshtut", 403), ("viewer", 403), ("reviewer", 403), ("anonymous", 302)],
)
def test_who_sees_possible_duplicates(alike, users, client_for, role, status):
    client = client_for(users[role])
    for kind in ("organizations", "people"):
        assert pairs_page(client, kind=kind).status_code == status
    post = client.post(
        url("stakeholders:distinct-pair"), {"kind": "organizations", "first": alike["ky"].pk, "second": 1}
    )
    assert post.status_code == (status if status != 200 else 404)


def test_the_page_shows_what_is_still_to_compare_and_compares_in_batches(make_person, staff, client_for):
    for number in range(60):
        make_person(full_name=f"Адам {number}")
    client = client_for(staff)
    page = client.get(url("stakeholders:duplicate-list"), {"kind": "people", "site": "kyshtut"})
    assert page.context["waiting"] == 60
    assert 'hx-post="' in page.content.decode()
    first = client.post(url("stakeholders:duplicate-compare"), {"kind": "people", "site": "kyshtut"})
    assert first.context["waiting"] == 10 and "HX-Refresh" not in first
    last = client.post(url("stakeholders:duplicate-compare"), {"kind": "people", "site": "kyshtut"})
    assert last.context["waiting"] == 0 and last["HX-Refresh"] == "true"
    assert client.get(url("stakeholders:duplicate-list"), {"kind": "people", "site": "kyshtut"}).context["waiting"] == 0


@pytest.mark.parametrize("data", [{"kind": "x", "site": "kyshtut"}, {"kind": "people", "site": "nowhere"}, {}])
def test_bad_compare_requests_are_404(staff, client_for, registry, data):
    assert client_for(staff).post(url("stakeholders:duplicate-compare"), data).status_code == 404


def test_an_import_that_commits_late_is_compared_again(make_organization, sites):
    from django.utils import timezone

    from stakeholders.duplicates import pending_count, recheck_from

    started = timezone.now()
    make_organization(name_ky="Мээрим")
    refresh_candidates("organization", sites["kyshtut"])
    assert pending_count("organization", sites["kyshtut"]) == 0
    recheck_from("organization", [sites["kyshtut"]], started)
    assert pending_count("organization", sites["kyshtut"]) == 1


def test_unknown_site_or_kind_shows_the_first_site(alike, staff, client_for):
    response = client_for(staff).get(url("stakeholders:duplicate-list"), {"kind": "x", "site": "nowhere", "page": "zz"})
    assert response.status_code == 200
    assert response.context["kind"] == "organizations"


def test_pairs_page_queries_do_not_grow_with_pairs(make_organization, staff, client_for):
    client = client_for(staff)

    def count():
        compare(client)
        return count_queries(client, url("stakeholders:duplicate-list"), {"kind": "organizations", "site": "kyshtut"})

    for number in range(3):
        make_organization(name_ky=f"Жаштар борбору {number}")
    few = count()
    for number in range(3, 12):
        make_organization(name_ky=f"Жаштар борбору {number}")
    assert count() == few
    assert candidate_pairs("organization", Organization.objects.first().site, Organization.objects.all()).count() > 25


def test_scope_hides_pairs_with_records_the_user_may_not_see(alike, staff, sites):
    refresh_candidates("organization", sites["kyshtut"])
    scoped = Organization.objects.exclude(pk=alike["ru"].pk)
    assert candidate_pairs("organization", sites["kyshtut"], scoped).count() == 0


# --- People: the hint while a name is typed ----------------------------------------------------

SAME_PEOPLE = [
    ("Асанова Айгүл Токтосуновна", "Асанова Айгуль"),
    ("Асанова Айгүл Токтосуновна", "Asanova Aigul"),
    ("Жээнбеков Нурлан", "Dzheenbekov Nurlan"),
    ("Өмүрбекова Гүлзат", "Омурбекова Гулзат"),
]
DIFFERENT_PEOPLE = [
    ("Асанова Айгүл Токтосуновна", "Токтогулов Бакыт"),
    ("Жээнбеков Нурлан", "Маматова Сезим"),
]


@pytest.mark.parametrize(("existing", "typed"), SAME_PEOPLE)
def test_variants_of_a_persons_name_are_offered(make_person, existing, typed):
    person = make_person(full_name=existing)
    assert person in similar_people(Person.objects.all(), typed)


@pytest.mark.parametrize(("existing", "typed"), DIFFERENT_PEOPLE)
def test_other_people_are_not_offered(make_person, existing, typed):
    make_person(full_name=existing)
    assert similar_people(Person.objects.all(), typed) == []


def test_a_different_year_of_birth_rules_a_match_out(make_person):
    person = make_person(full_name="Асанова Айгүл", birth_year=1990)
    assert similar_people(Person.objects.all(), "Асанова Айгуль", birth_year=1991) == [person]
    assert similar_people(Person.objects.all(), "Асанова Айгуль", birth_year=1970) == []


def test_people_hint_while_typing(make_person, sites, staff, client_for):
    person = make_person(full_name="Асанова Айгүл")
    make_person(full_name="Асанова Айгүл", site="kerben")
    response = client_for(staff).get(
        url("stakeholders:person-similar"),
        {"full_name": "Asanova Aigul", "site": sites["kyshtut"].pk, "birth_year": "1990", "similar_exclude": ""},
    )
    assert response.status_code == 200
    assert list(response.context["matches"]) == [person]
    edited = client_for(staff).get(
        url("stakeholders:person-similar"),
        {"full_name": "Asanova Aigul", "site": sites["kyshtut"].pk, "similar_exclude": person.pk},
    )
    assert list(edited.context["matches"]) == []


@pytest.mark.parametrize(("role", "status"), [("la_kyshtut", 403), ("viewer", 403), ("anonymous", 302)])
def test_people_hint_is_for_staff_only(make_person, users, client_for, role, status):
    make_person(full_name="Асанова Айгүл")
    assert (
        client_for(users[role]).get(url("stakeholders:person-similar"), {"full_name": "Асанова"}).status_code == status
    )


def test_people_hint_ignores_bad_input(staff, client_for, registry):
    response = client_for(staff).get(
        url("stakeholders:person-similar"),
        {"full_name": "Ас", "site": "x", "birth_year": "19x0", "similar_exclude": "-1"},
    )
    assert response.status_code == 200 and list(response.context["matches"]) == []


def test_the_command_compares_the_whole_backlog(make_organization, sites):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    from stakeholders.duplicates import pending_count

    for number in range(5):
        make_organization(name_ky=f"Жаштар борбору {number}")
    out = StringIO()
    call_command("find_duplicates", site="kyshtut", kind="organization", stdout=out)
    assert "kyshtut, organization" in out.getvalue()
    assert pending_count("organization", sites["kyshtut"]) == 0
    assert DuplicateCandidate.objects.filter(kind="organization").count() == 10
    with pytest.raises(CommandError, match="No pilot site"):
        call_command("find_duplicates", site="atlantis")
