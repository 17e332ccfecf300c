"""Factories of the small grants' tests: calls, applications with budget lines, reviews — on the shared cast.
The dialogues' factories (events, attendance) are reused for eligibility from training records."""

import datetime
from decimal import Decimal

import pytest

from tests.dialogues.conftest import attend, make_event  # noqa: F401  (fixtures reused here)

D = datetime.date


@pytest.fixture
def make_call(registry):
    """`make_call(sites=("kyshtut",), envelope=1_000_000, max_per_grant=200_000, **fields)` — an open call with
    the default criteria."""
    from grants.models import GrantCall

    def make(sites=("kyshtut",), envelope=1_000_000, max_per_grant=200_000, **fields):
        defaults = {
            "title_ky": f"Чакан гранттар {GrantCall.objects.count() + 1}",
            "title_ru": "Малые гранты",
            "kinds": ["social", "business"],
            "opens_on": D(2026, 4, 1),
            "closes_on": D(2026, 5, 31),
            "envelope": Decimal(envelope),
            "max_per_grant": Decimal(max_per_grant),
            "status": "open",
        }
        call = GrantCall.objects.create(**(defaults | fields))
        call.sites.set([registry[slug] for slug in sites])
        call.add_default_criteria()
        return call

    return make


@pytest.fixture
def make_application(make_call, make_person):
    """`make_application(call=None, site="kyshtut", lines=[(qty, unit_cost)], status="draft", **fields)`; the
    requested amount is summed from the lines, as the form does."""
    from grants.models import BudgetLine, GrantApplication

    def make(call=None, site="kyshtut", lines=((10, 5000),), status="draft", **fields):
        call = call or make_call(sites=(site,))
        defaults = {
            "call": call,
            "site": call.sites.get(slug=site),
            "lead_applicant": fields.pop("lead_applicant", None) or make_person(site=site),
            "kind": "social",
            "title": f"Долбоор {GrantApplication.objects.count() + 1}",
            "status": status,
        }
        application = GrantApplication.objects.create(**(defaults | fields))
        for n, (quantity, unit_cost) in enumerate(lines):
            BudgetLine.objects.create(
                application=application, item=f"Item {n}", unit="pc", quantity=quantity, unit_cost=Decimal(unit_cost)
            )
        application.requested_amount, application.co_funding_amount = application.totals_from_lines()
        application.save()
        return application

    return make


@pytest.fixture
def today():
    from django.utils import timezone

    return timezone.localdate()


@pytest.fixture
def online_call(make_call, today):
    """`online_call(sites=("kyshtut",), **fields)` — a call open today that also takes applications online."""

    def make(sites=("kyshtut",), **fields):
        defaults = {
            "opens_on": today - datetime.timedelta(days=10),
            "closes_on": today + datetime.timedelta(days=20),
            "accepts_online_applications": True,
        }
        return make_call(sites=sites, **(defaults | fields))

    return make


@pytest.fixture
def aigerim(make_person):
    """The applicant's person in the registry (Kyshtut)."""
    return make_person(full_name="Айгерим Токтосунова", site="kyshtut", phone="+996 700 111 222")


@pytest.fixture
def applicant(users, aigerim):
    """The cast's applicant user, linked to Aigerim (grants.ApplicantAccount), as an admin would in the admin."""
    from grants.models import ApplicantAccount

    ApplicantAccount.objects.create(user=users["applicant"], person=aigerim)
    return users["applicant"]
