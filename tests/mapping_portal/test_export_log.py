"""The export log page (issue 17): admins read who exported what, when, with which filters, how many rows and
whether it held personal data — filtered, 25 to a page, in a constant number of queries; everyone else gets 404."""

import datetime

import pytest
from django.utils import timezone

from mapping_portal.exportlog import readable_filters
from mapping_portal.models import ExportLog
from tests.conftest import ROLES
from tests.helpers import count_queries, url


def log_url(query=""):
    return url("export-log") + ("?" + query if query else "")


def logged(user, export="organizations", days_ago=0, **fields):
    entry = ExportLog.objects.create(user=user, export=export, format=fields.pop("format", "csv"), **fields)
    if days_ago:
        ExportLog.objects.filter(pk=entry.pk).update(created_at=timezone.now() - datetime.timedelta(days=days_ago))
    return entry


def shown(response):
    return [entry.pk for entry in response.context["page"]]


@pytest.fixture
def log(users):
    return {
        "people": logged(users["admin"], "people", personal_data=True, rows=40, filters={"site": ["kyshtut"]}),
        "events": logged(users["staff"], "events", rows=12, filters={"q": ["той"], "kind": [""]}, days_ago=10),
        "calls": logged(users["la_kyshtut"], "grant-calls", format="xlsx", rows=2, days_ago=40),
        "command": logged(None, "attendance", personal_data=True, rows=900, channel="command", days_ago=3),
    }


@pytest.mark.parametrize("role", ROLES)
def test_only_admins_open_the_export_log(client_for, users, log, role):
    status = client_for(users[role]).get(log_url()).status_code
    assert status == (200 if role == "admin" else 404)


def test_the_log_shows_who_when_what_filters_rows_and_personal_data(client_for, admin, log):
    response = client_for(admin).get(log_url())
    assert shown(response) == [log["people"].pk, log["command"].pk, log["events"].pk, log["calls"].pk]
    page = response.content.decode()
    assert page.count('data-testid="export-log-entry"') == 4
    for text in ("people<span", ".xlsx", "la_kyshtut", "command line", ">900<", "kyshtut", "той"):
        assert text in page, text
    rows = {row.split("<span")[0].rsplit(">", 1)[-1]: row for row in page.split('data-testid="export-log-entry"')[1:]}
    assert "text-bg-warning" in rows["people"] and "text-bg-warning" not in rows["events"]  # personal data: yes, no
    assert "q:</span> той" in rows["events"] and "kind" not in rows["events"]  # an empty filter is not shown


def test_filters_are_shown_readably_without_the_empty_ones_and_the_format():
    assert readable_filters({"q": ["той"], "kind": [""], "site": ["kyshtut", "kerben"], "format": ["csv"]}) == [
        ("q", "той"),
        ("site", "kyshtut, kerben"),
    ]
    assert readable_filters({}) == [] and readable_filters(None) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("user=staff", ["events"]),
        ("export=attendance", ["command"]),
        ("personal_data=true", ["people", "command"]),
        ("personal_data=false", ["events", "calls"]),
        ("date_from={d5}", ["people", "command"]),
        ("date_to={d5}", ["events", "calls"]),
        ("date_from={d20}&date_to={d5}&personal_data=false", ["events"]),
        ("user=admin&personal_data=true", ["people"]),
    ],
)
def test_the_log_filters_by_user_export_personal_data_and_dates(client_for, admin, log, query, expected):
    today = timezone.localdate()
    days = {f"d{n}": (today - datetime.timedelta(days=n)).strftime("%d.%m.%Y") for n in (5, 20)}
    response = client_for(admin).get(log_url(query.format(**days)))
    assert shown(response) == [log[name].pk for name in expected]


def test_bad_filter_values_are_reported_and_ignored_not_an_error(client_for, admin, log):
    response = client_for(admin).get(log_url("user=nobody&date_from=31.02.2026&personal_data=perhaps&page=99"))
    assert response.status_code == 200
    assert len(shown(response)) == 4
    assert response.context["filter"].form.errors


def test_the_log_is_paginated_by_25(client_for, admin, users):
    for n in range(30):
        logged(users["staff"], "events", rows=n)
    client = client_for(admin)
    assert len(shown(client.get(log_url()))) == 25
    second = client.get(log_url("page=2&user=staff"))
    assert len(shown(second)) == 5 and second.context["page"].paginator.count == 30


def test_the_log_page_query_count_does_not_grow_with_the_log(client_for, admin, users):
    client = client_for(admin)
    logged(users["staff"], "events")
    few = count_queries(client, log_url()), count_queries(client, log_url("user=staff&personal_data=false"))
    for n in range(40):
        logged(users["la_kerben" if n % 2 else "staff"], f"export-{n % 7}", filters={"site": ["kerben"]}, rows=n)
    many = count_queries(client, log_url()), count_queries(client, log_url("user=staff&personal_data=false"))
    assert few == many
    # The session and the user; the user's sites and the menu's; the filter's users and export names; the count; the
    # page; the session saved (savepoint, update, release).
    assert many[0] == 11


def test_an_export_from_a_list_appears_in_the_log_with_its_filters(client_for, admin, sites):
    client = client_for(admin)
    response = client.get(url("stakeholders:person-export", "csv") + "?site=kyshtut")
    b"".join(response.streaming_content)
    page = client.get(log_url("user=admin&personal_data=true")).content.decode()
    assert "people<span" in page and "kyshtut" in page


def test_admins_find_the_log_in_the_menu(client_for, users):
    assert 'href="/en/exports/log/"' in client_for(users["admin"]).get(url("home")).content.decode()
    assert "/exports/log/" not in client_for(users["staff"]).get(url("home")).content.decode()
