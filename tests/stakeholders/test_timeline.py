"""The organization timeline: date-ordered items from every provider, each filtered by its own access rules."""

import datetime

import pytest

from mapping_portal import hooks
from stakeholders import timeline
from tests.helpers import count_queries, url
from tests.stakeholders.test_assessments import assess, make_template


def timeline_of(organization):
    return url("stakeholders:organization-timeline", organization.pk)


@pytest.fixture
def assessed(make_organization, registry):
    template = make_template()
    organization = make_organization(public_listing_consent=True)
    baseline = assess(organization, template, date="2026-03-01")
    assess(organization, template, kind="endline", date="2026-10-01")
    baseline.actions.create(what="Уставды жаңыртуу", who="Төрага", due=datetime.date(2026, 6, 1))
    return organization


def kinds_and_dates(response):
    """(kind, the day as the page shows it: a moment in the portal's time zone, Bishkek)."""
    from django.utils import timezone

    def day(when):
        return timezone.localtime(when).date() if isinstance(when, datetime.datetime) else when

    return [(item.kind, str(day(item.when))) for item in response.context["items"]]


def test_items_come_newest_first(client_for, staff, assessed):
    from django.utils import timezone

    items = kinds_and_dates(client_for(staff).get(timeline_of(assessed)))
    assert items == [
        ("created", str(timezone.localdate())),  # entered today, in this test
        ("assessment", "2026-10-01"),
        ("development-action", "2026-06-01"),
        ("assessment", "2026-03-01"),
    ]


@pytest.mark.parametrize(
    ("role", "sees_assessments"), [("staff", True), ("la_kyshtut", True), ("viewer", True), ("anonymous", False)]
)
def test_each_provider_applies_its_own_access(client_for, users, assessed, role, sees_assessments):
    kinds = {kind for kind, _when in kinds_and_dates(client_for(users[role]).get(timeline_of(assessed)))}
    assert ("assessment" in kinds) is sees_assessments
    assert "created" in kinds


def test_another_sites_organization_has_no_timeline_for_a_local_authority(client_for, la_kerben, assessed):
    assert client_for(la_kerben).get(timeline_of(assessed)).status_code == 404


def test_a_later_app_adds_its_items_through_the_hook(client_for, staff, assessed):
    def events(user, organization):
        return [timeline.TimelineItem(datetime.date(2026, 7, 15), "event", "Диалог жолугушуусу")]

    hooks.organization_timeline.register(events)
    try:
        items = kinds_and_dates(client_for(staff).get(timeline_of(assessed)))
    finally:
        hooks.organization_timeline.unregister(events)
    assert ("event", "2026-07-15") in items
    assert [kind for kind, _when in items].index("event") == 2  # between the endline and the action


def test_timeline_query_count_is_constant(client_for, staff, assessed, make_organization):
    client = client_for(staff)
    few = count_queries(client, timeline_of(assessed))
    baseline = assessed.assessments.get(kind="baseline")
    for number in range(10):
        baseline.actions.create(what=f"Иш-чара {number}", who="Төрага")
    assert count_queries(client, timeline_of(assessed)) == few
