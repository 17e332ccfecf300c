"""Eligibility read from the records (grants/eligibility.py), tested on crafted attendance: a call that requires the
three-day training accepts only lead applicants whose attendance shows they completed it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from grants import eligibility

D = datetime.date


@pytest.fixture
def training_call(make_call):
    return make_call(sites=("kyshtut",), requires_training=True, training_days=3)


def training_check(application):
    application.refresh_from_db()
    with translation.override("en"):
        return next(c for c in eligibility.check(application) if c.name.startswith("Completed"))


@pytest.fixture
def applicant(make_person):
    return make_person(full_name="Нурлан Токтогулов")


def apply(make_application, call, person):
    return make_application(call=call, lead_applicant=person, status="screening")


@pytest.mark.parametrize(
    ("event", "days", "role", "passed"),
    [
        ({"days": 3}, None, "participant", True),  # every day of the three-day training
        ({"days": 4}, None, "participant", True),  # a longer training counts too
        ({"days": 3}, [1, 2], "participant", False),  # two days of three
        ({"days": 1}, None, "participant", False),  # a one-day seminar is not the training
        ({"days": 3, "kind": "interactive_seminar"}, None, "participant", False),  # not a training
        ({"days": 3}, None, "facilitator", False),  # trained others, was not trained
        ({"days": 3, "status": "cancelled"}, None, "participant", False),
        ({"days": 3, "site": "kerben"}, None, "participant", False),  # at a site the call does not name
    ],
)
def test_completed_training_rule(
    training_call, applicant, make_application, make_event, attend, event, days, role, passed
):
    training = make_event(**event)
    attend(training, applicant, days=days, role=role)
    application = apply(make_application, training_call, applicant)
    with translation.override("en"):
        check = training_check(application)
    assert check.passed is passed
    if passed:
        assert training.title in check.detail


def test_someone_elses_training_does_not_count(
    training_call, applicant, make_person, make_application, make_event, attend
):
    attend(make_event(days=3), make_person(full_name="Башка адам"))
    application = apply(make_application, training_call, applicant)
    assert training_check(application).passed is False


def test_named_training_sites_replace_the_calls_own(
    training_call, applicant, sites, make_application, make_event, attend
):
    attend(make_event(days=3, site="kerben"), applicant)
    training_call.training_sites.set([sites["kerben"]])
    application = apply(make_application, training_call, applicant)
    assert training_check(application).passed is True


def test_a_call_without_the_rule_does_not_check_training(make_call, applicant, make_application):
    application = make_application(call=make_call(), lead_applicant=applicant, status="screening")
    with translation.override("en"):
        names = [c.name for c in eligibility.check(application)]
    assert not any(name.startswith("Completed") for name in names)
    assert eligibility.is_eligible(application)


def test_screening_page_shows_the_training_check(client_for, staff, training_call, applicant, make_application):
    application = apply(make_application, training_call, applicant)
    with translation.override("en"):
        page = client_for(staff).get(reverse("grants:application-detail", args=[application.pk])).content.decode()
    assert "Completed the 3-day training" in page and "No completed training found." in page
    assert "Some rules are not met" in page


def test_staff_set_the_rule_on_the_call_form(client_for, staff, sites):
    from grants.models import GrantCall
    from tests.grants.test_calls_and_applications import call_data

    data = call_data(sites, requires_training="on", training_days="3", training_sites=[sites["kerben"].pk])
    assert client_for(staff).post(reverse("grants:call-create"), data).status_code == 302
    call = GrantCall.objects.get()
    assert call.requires_training and list(call.training_sites.values_list("slug", flat=True)) == ["kerben"]


@pytest.mark.parametrize(
    ("submitted", "in_time"),
    [
        ("2026-05-31T23:59:00+06:00", True),  # the closing day, Bishkek time
        ("2026-06-01T00:30:00+06:00", False),  # half past midnight after it: still 31 May in UTC, but late
        ("2026-05-31T05:00:00+06:00", True),  # early on the closing day: 30 May in UTC
    ],
)
def test_submitted_by_the_closing_date_is_read_in_bishkek_time(make_call, make_application, submitted, in_time):
    call = make_call(closes_on=D(2026, 5, 31))
    application = make_application(call=call, status="submitted")
    # Stored and read back in UTC, as the database gives it.
    application.submitted_at = datetime.datetime.fromisoformat(submitted).astimezone(datetime.UTC)
    check = eligibility.submitted_in_time(application)
    assert check.passed is in_time
