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
