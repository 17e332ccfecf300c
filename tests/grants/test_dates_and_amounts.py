"""Far dates and amounts that are not plain numbers in the grant forms: a call opening in year 0001, tranches in
0001 and 9999, a payment in 9999, a report up to 9999, and amounts like "1_000" or "1e5" get the form's message and
save nothing."""

from decimal import Decimal

import pytest
from django.utils import translation

from grants import workflow
from grants.models import GrantCall, GrantReport, Tranche
from mapping_portal.models import latest_date
from tests.grants.test_calls_and_applications import call_data
from tests.grants.test_reports import funded, report_data  # noqa: F401  (fixture)
from tests.helpers import url

RANGE = "Enter a date from 01.01.2000 to"
DIGITS_ONLY = "Enter an amount in som with digits only"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"opens_on": "01.01.0001"}, "opens_on", RANGE),
        ({"closes_on": "31.12.9999"}, "closes_on", RANGE),
        ({"envelope": "1_000_000"}, "envelope", DIGITS_ONLY),
        ({"envelope": "1e6"}, "envelope", DIGITS_ONLY),
        ({"max_per_grant": "+150 000"}, "max_per_grant", DIGITS_ONLY),
        ({"max_per_grant": "NaN"}, "max_per_grant", DIGITS_ONLY),
        ({"envelope": "Infinity"}, "envelope", DIGITS_ONLY),
    ],
)
def test_a_call_with_a_far_date_or_an_odd_amount_is_refused(client_for, staff, sites, overrides, field, message):
    with translation.override("en"):
        response = client_for(staff).post(url("grants:call-create"), call_data(sites, **overrides))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not GrantCall.objects.exists()


@pytest.fixture
def award(staff, make_application):
    application = make_application(status="in_review", lines=[(1, 80000)])
    return workflow.approve(application, staff, Decimal("80000"), version=application.version)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"planned_date": "01.01.0001", "planned_amount": "1000"}, RANGE),
        ({"planned_date": "31.12.9999", "planned_amount": "1000"}, RANGE),
        ({"planned_date": "01.06.2026", "planned_amount": "1_000"}, DIGITS_ONLY),
        ({"planned_date": "01.06.2026", "planned_amount": "1e3"}, DIGITS_ONLY),
    ],
)
def test_a_tranche_in_year_0001_or_9999_or_with_an_odd_amount_is_refused(client_for, staff, award, data, message):
    with translation.override("en"):
        response = client_for(staff).post(url("grants:tranche-add", award.application.pk), data, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Tranche.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"paid_date": "01.01.0001", "paid_amount": "1000"}, RANGE),
        ({"paid_date": "31.12.9999", "paid_amount": "1000"}, RANGE),
        ({"paid_date": "02.06.2026", "paid_amount": "1_000"}, DIGITS_ONLY),
    ],
)
def test_a_payment_on_a_far_date_or_with_an_odd_amount_is_refused(client_for, staff, award, data, message):
    import datetime

    tranche = award.plan_tranche(staff, datetime.date(2026, 6, 1), Decimal("1000"))
    with translation.override("en"):
        response = client_for(staff).post(
            url("grants:tranche-pay", award.application.pk, tranche.pk),
            data | {"version": tranche.version},
            follow=True,
        )
    assert response.status_code == 200
    assert message in response.content.decode()
    tranche.refresh_from_db()
    assert tranche.paid_amount is None and tranche.paid_date is None


@pytest.mark.parametrize(
    ("overrides", "message"),
    [({"period_end": "31.12.9999"}, RANGE), ({"period_end": "01.01.0001"}, RANGE)],
)
def test_a_report_up_to_a_far_date_is_refused(client_for, staff, funded, overrides, message):  # noqa: F811
    with translation.override("en"):
        response = client_for(staff).post(url("grants:report-create", funded.pk), report_data(funded, **overrides))
    assert response.status_code == 200
    assert f"{message} {latest_date():%d.%m.%Y}." in response.content.decode()
    assert not GrantReport.objects.exists()


def test_report_spending_with_underscores_is_refused(client_for, staff, funded):  # noqa: F811
    with translation.override("en"):
        response = client_for(staff).post(
            url("grants:report-create", funded.pk), report_data(funded, spent=("4_000", "3"))
        )
    assert response.status_code == 200
    assert DIGITS_ONLY in response.content.decode()
    assert not GrantReport.objects.exists()
