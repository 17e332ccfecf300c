"""The admins' page of recent changes across records: what, which record (linked), who, when, each field old → new;
filtered by kind of record, user and dates; paginated in a bounded number of queries; everyone else gets 404."""

import datetime

import pytest
from django.utils import timezone, translation

from mapping_portal.history import ACTIONS
from stakeholders.models import Organization, Person
from tests.conftest import ROLES
from tests.helpers import count_queries, url


def changes_page(client, **query):
    response = client.get(url("changes:list"), query)
    assert response.status_code == 200
    return response.content.decode()


def rename(record, field, value, user):
    setattr(record, field, value)
    record._history_user = user
    record.save()


@pytest.mark.parametrize("role", ROLES)
def test_only_admins_open_recent_changes(client_for, users, role):
    response = client_for(users[role]).get(url("changes:list"))
    expected = {"admin": 200, "anonymous": 302}.get(role, 404)  # the public: the sign-in page
    assert response.status_code == expected


def test_each_change_says_what_which_record_who_when_and_old_new(client_for, admin, staff, renamed):
    html = changes_page(client_for(admin))
    first = html.split('data-testid="change"')[1]  # newest first: the rename
    assert url("stakeholders:organization-detail", renamed.pk) in first and renamed.name in first
    assert ">staff<" in first and "Changed" in first
    assert (
        renamed.history.latest().history_date.astimezone(timezone.get_current_timezone()).strftime("%d.%m.%Y") in first
    )
    assert '<del class="history-old">Таян аялдар кеңеши</del>' in first
    assert '<ins class="history-new">Таян аялдар кеңеши (жаңы)</ins>' in first


@pytest.mark.parametrize("language", ["ky", "ru", "en"])
def test_the_page_speaks_each_language(client_for, admin, renamed, language):
    html = client_for(admin).get(url("changes:list", language=language)).content.decode()
    with translation.override(language):
        changed, kind = str(ACTIONS["~"]), str(Organization._meta.verbose_name)
        label = str(Organization._meta.get_field("registration_status").verbose_name)
    assert changed[:1].upper() + changed[1:] in html and kind[:1].upper() + kind[1:] in html
    assert label[:1].upper() + label[1:] in html


def test_a_deleted_record_is_named_and_not_linked(client_for, admin, make_person):
    person = make_person(full_name="Нурлан Жээнбеков")
    pk = person.pk
    person.memberships.all().delete()
    person.delete()
    first = changes_page(client_for(admin)).split('data-testid="change"')[1]
    assert f"Нурлан Жээнбеков (#{pk})" in first and url("stakeholders:person-detail", pk) not in first
    assert "Deleted" in first


def test_filters_by_kind_user_and_dates(client_for, admin, staff, make_organization, make_person):
    organization = make_organization(name_ky="Кыштут жаштары")
    person = make_person(full_name="Айгерим Садыкова")
    rename(organization, "address", "Мектеп көчөсү, 3", staff)
    rename(person, "phone", "+996 700 123 456", admin)
    # The person's change was a month ago.
    person.history.filter(history_type="~").update(history_date=timezone.now() - datetime.timedelta(days=30))
    client = client_for(admin)

    only_people = changes_page(client, kind="person")
    assert "Айгерим Садыкова" in only_people and "Кыштут жаштары" not in only_people
    by_staff = changes_page(client, user=staff.pk)
    assert "Мектеп көчөсү, 3" in by_staff and "+996 700 123 456" not in by_staff
    month_ago = (timezone.localdate() - datetime.timedelta(days=30)).strftime("%d.%m.%Y")
    old = changes_page(client, since=month_ago, until=month_ago)
    assert "+996 700 123 456" in old and "Мектеп көчөсү, 3" not in old
    recent = changes_page(client, since=timezone.localdate().strftime("%d.%m.%Y"))
    assert "Мектеп көчөсү, 3" in recent and "+996 700 123 456" not in recent
    # A value not understood is reported and left out; the others still apply.
    people_still = changes_page(client, kind="person", since="31.02.2026")
    assert 'data-testid="filter-errors"' in people_still
    assert "Айгерим Садыкова" in people_still and "Кыштут жаштары" not in people_still


@pytest.mark.parametrize(
    "query",
    [
        {"kind": "passwords"},
        {"user": "abc"},
        {"user": "999999"},
        {"since": "31.02.2026"},
        {"until": "01.01.99999"},
        {"since": "\x00"},
        {"page": "-3"},
    ],
)
def test_bad_filter_values_are_reported_not_a_500(client_for, admin, renamed, query):
    with translation.override("en"):
        html = changes_page(client_for(admin), **query)
    if "page" not in query:
        assert 'data-testid="filter-errors"' in html
    assert renamed.name in html  # the filter is ignored: the list still shows


def test_the_list_is_paginated_and_its_queries_do_not_grow_with_the_changes(
    client_for, admin, staff, make_organization, make_person
):
    organization = make_organization()
    person = make_person()

    def change_both(times, start=0):
        for n in range(start, start + times):
            rename(organization, "address", f"Көчө {n}", staff)
            rename(person, "phone", f"+996 700 000 {n:03}", admin)

    change_both(13)  # a first page (25) of the same two kinds of record
    client = client_for(admin)
    few = count_queries(client, url("changes:list"))
    change_both(30, start=13)
    # session, user, count, the page (one UNION over every kind's history), then per kind on the page: its
    # entries, their previous versions, the records' names; the user filter's choices; the site menu.
    assert count_queries(client, url("changes:list")) == few <= 16
    assert count_queries(client, url("changes:list"), {"page": 3}) <= few + 6  # older pages: the creations too
    page_two = changes_page(client, page=2)
    assert 'data-testid="change"' in page_two and "+996 700 000 042" not in page_two  # the newest are on page 1
    assert "+996 700 000 042" in changes_page(client)


def test_the_admins_home_links_to_recent_changes(client_for, admin, staff):
    assert url("changes:list") in client_for(admin).get(url("home")).content.decode()
    assert url("changes:list") not in client_for(staff).get(url("home")).content.decode()


def test_people_are_named_only_on_the_admins_page(client_for, admin, make_person):
    make_person(full_name="Бактыгүл Асанова")
    assert Person.objects.exists()
    assert "Бактыгүл Асанова" in changes_page(client_for(admin))
