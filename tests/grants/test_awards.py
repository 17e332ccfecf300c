"""Awards and tranches: the sum of awards never exceeds the call's envelope and tranches never exceed their award
— checked in Python under a row lock and guaranteed by database triggers — even with 20 staff at the same moment
(threads on the real PostgreSQL); the call's dashboard; the tranche forms."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone, translation

from grants import workflow
from grants.models import Award, GrantCall, Tranche
from tests.helpers import count_queries, run_at_once, url

THREADS = 20


# --- The envelope under concurrent approvals ---------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_twenty_staff_approving_at_once_never_exceed_the_envelope(users, make_call, make_application):
    call = make_call(envelope=100_000, max_per_grant=20_000)
    applications = [make_application(call=call, status="in_review", lines=[(1, 20000)]) for _n in range(THREADS)]
    staff = users["staff"]

    outcomes = run_at_once(
        lambda n: workflow.approve(applications[n], staff, Decimal("20000"), version=applications[n].version), THREADS
    )

    awarded = [o for o in outcomes if isinstance(o, Award)]
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(awarded) == 5 and len(refused) == 15
    assert {error.code for error in refused} == {"over_envelope"}
    assert Award.objects.filter(call=call).aggregate(total=Sum("amount"))["total"] == Decimal("100000")
    assert call.applications.filter(status="approved").count() == 5


@pytest.mark.django_db(transaction=True)
def test_the_database_holds_the_envelope_even_without_the_python_check(users, make_call, make_application):
    """The trigger alone: 20 threads inserting awards directly, with no lock or check of their own."""
    call = make_call(envelope=100_000, max_per_grant=30_000)
    applications = [make_application(call=call, status="in_review", lines=[(1, 30000)]) for _n in range(THREADS)]
    staff = users["staff"]

    def insert(n):
        with transaction.atomic():
            return Award.objects.create(application=applications[n], call=call, amount=30000, decided_by=staff)

    outcomes = run_at_once(insert, THREADS)

    assert sum(isinstance(o, Award) for o in outcomes) == 3
    assert all(isinstance(o, IntegrityError) for o in outcomes if not isinstance(o, Award))
    assert Award.objects.filter(call=call).aggregate(total=Sum("amount"))["total"] == Decimal("90000")


# --- Tranches under concurrent planning and payment -----------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_twenty_tranches_planned_at_once_never_exceed_the_award(users, make_application):
    application = make_application(status="in_review", lines=[(1, 100000)])
    award = workflow.approve(application, users["staff"], Decimal("100000"), version=application.version)

    outcomes = run_at_once(
        lambda n: award.plan_tranche(users["staff"], datetime.date(2026, 6, 1), Decimal("30000")), THREADS
    )

    planned = [o for o in outcomes if isinstance(o, Tranche)]
    assert len(planned) == 3
    assert sorted(t.number for t in planned) == [1, 2, 3]
    assert {o.code for o in outcomes if isinstance(o, ValidationError)} == {"over_award"}
    assert award.totals()["planned"] == Decimal("90000")


@pytest.mark.django_db(transaction=True)
def test_one_tranche_paid_by_twenty_at_once_is_paid_once(users, make_application):
    application = make_application(status="in_review", lines=[(1, 100000)])
    award = workflow.approve(application, users["staff"], Decimal("100000"), version=application.version)
    tranche = award.plan_tranche(users["staff"], datetime.date(2026, 6, 1), Decimal("60000"))

    outcomes = run_at_once(
        lambda n: tranche.record_payment(
            users["staff"], datetime.date(2026, 6, 2), Decimal("60000") - n, version=tranche.version
        ),
        THREADS,
    )

    assert sum(isinstance(o, Tranche) for o in outcomes) == 1
    assert {o.code for o in outcomes if isinstance(o, ValidationError)} == {"stale"}
    tranche.refresh_from_db()
    assert tranche.version == 2 and award.totals()["paid"] == tranche.paid_amount


@pytest.mark.django_db(transaction=True)
def test_the_database_holds_each_payment_within_its_tranche_without_the_python_check(users, make_application):
    application = make_application(status="in_review", lines=[(1, 100000)])
    award = workflow.approve(application, users["staff"], Decimal("100000"), version=application.version)
    tranches = [award.plan_tranche(users["staff"], datetime.date(2026, 6, 1), Decimal("5000")) for _n in range(THREADS)]

    def pay(n):
        # More than planned per tranche, straight into the table (their sum, 80 000, would fit the award).
        with transaction.atomic():
            return Tranche.objects.filter(pk=tranches[n].pk).update(
                paid_date=datetime.date(2026, 6, 2), paid_amount=5000 + n % 4
            )

    outcomes = run_at_once(pay, THREADS)

    assert sum(o == 1 for o in outcomes) == THREADS // 4  # only the payments of exactly 5 000
    refused = [o for o in outcomes if isinstance(o, IntegrityError)]
    assert len(refused) == THREADS - THREADS // 4
    assert {o.__cause__.diag.constraint_name for o in refused} == {"tranche_paid_within_planned"}
    assert award.totals()["paid"] == Decimal("5000") * (THREADS // 4)


# --- The triggers on their own -------------------------------------------------------------------------------


def test_an_award_above_the_amount_requested_is_refused_by_the_database(staff, make_application):
    application = make_application(status="in_review", lines=[(1, 1000)])
    with pytest.raises(IntegrityError), transaction.atomic():
        Award.objects.create(application=application, call=application.call, amount=1001, decided_by=staff)


def test_an_envelope_cannot_drop_below_its_awards(staff, make_call, make_application):
    call = make_call(envelope=100_000, max_per_grant=50_000)
    application = make_application(call=call, status="in_review", lines=[(1, 50000)])
    workflow.approve(application, staff, Decimal("50000"), version=application.version)
    with pytest.raises(IntegrityError), transaction.atomic():
        GrantCall.objects.filter(pk=call.pk).update(envelope=49999, max_per_grant=10000)
    GrantCall.objects.filter(pk=call.pk).update(envelope=50000)


def test_an_award_cannot_drop_below_its_tranches(staff, make_application):
    application = make_application(status="in_review", lines=[(1, 50000)])
    award = workflow.approve(application, staff, Decimal("50000"), version=application.version)
    award.plan_tranche(staff, datetime.date(2026, 6, 1), Decimal("40000"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Award.objects.filter(pk=award.pk).update(amount=39000)


def test_the_call_form_refuses_an_envelope_below_its_awards(client_for, staff, make_call, make_application):
    call = make_call(envelope=100_000, max_per_grant=60_000)
    application = make_application(call=call, status="in_review", lines=[(1, 60000)])
    workflow.approve(application, staff, Decimal("60000"), version=application.version)
    call.refresh_from_db()
    from tests.grants.test_calls_and_applications import call_data, criteria_data

    data = call_data({"kyshtut": call.sites.get()}, version=call.version, envelope="59 000", max_per_grant="10 000")
    with translation.override("en"):
        response = client_for(staff).post(url("grants:call-edit", call.pk), data | criteria_data(call))
    assert response.status_code == 200
    assert "60\u00a0000 som are already awarded" in " ".join(response.context["form"].errors["envelope"])


# --- Dashboard and pages ---------------------------------------------------------------------------------------


def test_call_dashboard_shows_envelope_awarded_paid_remaining(client_for, users, make_call, make_application):
    staff = users["staff"]
    call = make_call(envelope=500_000, max_per_grant=200_000)
    first = make_application(call=call, status="in_review", lines=[(1, 150000)])
    second = make_application(call=call, status="in_review", lines=[(1, 120000)])
    award = workflow.approve(first, staff, Decimal("150000"), version=first.version)
    workflow.approve(second, staff, Decimal("100000"), version=second.version)
    tranche = award.plan_tranche(staff, datetime.date(2026, 6, 1), Decimal("75000"))
    tranche.record_payment(staff, datetime.date(2026, 6, 2), Decimal("75000"), version=tranche.version)
    for role in ("staff", "la_kyshtut", "viewer"):
        response = client_for(users[role]).get(url("grants:call-detail", call.pk))
        call_shown = response.context["call"]
        assert (
            call_shown.envelope,
            call_shown.awarded_total,
            call_shown.paid_total,
            response.context["remaining"],
        ) == (
            Decimal("500000"),
            Decimal("250000"),
            Decimal("75000"),
            Decimal("250000"),
        )
    assert 'data-testid="remaining">250\u00a0000' in response.content.decode()


def test_staff_plan_and_pay_tranches_through_the_page(client_for, staff, make_application):
    application = make_application(status="in_review", lines=[(1, 80000)])
    workflow.approve(application, staff, Decimal("80000"), version=application.version)
    client = client_for(staff)
    client.post(url("grants:tranche-add", application.pk), {"planned_date": "01.06.2026", "planned_amount": "50 000"})
    client.post(
        url("grants:tranche-add", application.pk), {"planned_date": "01.09.2026", "planned_amount": "30 000 сом"}
    )
    with translation.override("en"):
        refused = client.post(
            url("grants:tranche-add", application.pk),
            {"planned_date": "01.10.2026", "planned_amount": "1"},
            follow=True,
        )
    assert "Only 0 som of the award are not planned yet" in refused.content.decode()
    first = application.award.tranches.get(number=1)
    response = client.post(
        url("grants:tranche-pay", application.pk, first.pk),
        {"paid_date": "02.06.2026", "paid_amount": "50 000", "version": first.version},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.paid_amount == Decimal("50000") and first.paid_date == datetime.date(2026, 6, 2)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"planned_date": "01.06.2026", "planned_amount": "100 USD"}, "Amounts are in som"),
        ({"planned_date": "31.02.2026", "planned_amount": "100"}, "Enter a valid date"),
        ({"planned_date": "01.06.2026", "planned_amount": "-100"}, "at least 0.01 som"),
        ({"planned_date": "01.06.2026", "planned_amount": "90 000"}, "not planned yet"),
        ({}, "This field is required"),
    ],
)
def test_bad_tranches_get_a_clear_message(client_for, staff, make_application, data, message):
    application = make_application(status="in_review", lines=[(1, 80000)])
    workflow.approve(application, staff, Decimal("80000"), version=application.version)
    with translation.override("en"):
        response = client_for(staff).post(url("grants:tranche-add", application.pk), data, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Tranche.objects.exists()


def test_a_payment_in_the_future_is_refused(client_for, staff, make_application):
    application = make_application(status="in_review", lines=[(1, 80000)])
    award = workflow.approve(application, staff, Decimal("80000"), version=application.version)
    tranche = award.plan_tranche(staff, datetime.date(2026, 6, 1), Decimal("1000"))
    next_month = timezone.localdate() + datetime.timedelta(days=30)  # in the future, inside the portal's dates
    with translation.override("en"):
        response = client_for(staff).post(
            url("grants:tranche-pay", application.pk, tranche.pk),
            {"paid_date": f"{next_month:%d.%m.%Y}", "paid_amount": "1000", "version": tranche.version},
            follow=True,
        )
    assert "future date" in response.content.decode()
    tranche.refresh_from_db()
    assert tranche.paid_amount is None


def test_a_payment_over_its_tranche_is_refused_with_a_message(client_for, staff, make_application):
    application = make_application(status="in_review", lines=[(1, 80000)])
    award = workflow.approve(application, staff, Decimal("80000"), version=application.version)
    tranche = award.plan_tranche(staff, datetime.date(2026, 6, 1), Decimal("1000"))
    with translation.override("en"):
        response = client_for(staff).post(
            url("grants:tranche-pay", application.pk, tranche.pk),
            {"paid_date": "02.06.2026", "paid_amount": "1 000,01", "version": tranche.version},
            follow=True,
        )
    assert response.status_code == 200
    assert "A payment cannot be more than its tranche: 1\u00a0000 som are planned" in response.content.decode()
    tranche.refresh_from_db()
    assert tranche.paid_amount is None and tranche.version == 1


def test_local_authority_reads_the_award_but_cannot_plan_or_pay(client_for, staff, la_kyshtut, make_application):
    application = make_application(status="in_review", lines=[(1, 80000)])
    award = workflow.approve(application, staff, Decimal("80000"), version=application.version)
    tranche = award.plan_tranche(staff, datetime.date(2026, 6, 1), Decimal("1000"))
    client = client_for(la_kyshtut)
    page = client.get(url("grants:application-detail", application.pk)).content.decode()
    assert 'data-testid="award"' in page and 'data-testid="tranche-form"' not in page
    assert (
        client.post(
            url("grants:tranche-add", application.pk), {"planned_date": "01.06.2026", "planned_amount": "1"}
        ).status_code
        == 403
    )
    response = client.post(
        url("grants:tranche-pay", application.pk, tranche.pk),
        {"paid_date": "01.06.2026", "paid_amount": "1", "version": 1},
    )
    assert response.status_code == 403


def test_application_page_with_award_has_constant_queries(client_for, staff, make_application):
    application = make_application(status="in_review", lines=[(1, 80000)])
    award = workflow.approve(application, staff, Decimal("80000"), version=application.version)
    award.plan_tranche(staff, datetime.date(2026, 6, 1), Decimal("1000"))
    client = client_for(staff)

    few = count_queries(client, url("grants:application-detail", application.pk))
    for _n in range(5):
        award.plan_tranche(staff, datetime.date(2026, 7, 1), Decimal("1000"))
    assert count_queries(client, url("grants:application-detail", application.pk)) == few


def test_an_admin_lowering_an_award_below_its_tranches_reads_a_message_not_a_500(client_for, admin, make_application):
    application = make_application(status="in_review", lines=[(1, 50000)])
    award = workflow.approve(application, admin, Decimal("50000"), version=application.version)
    tranche = award.plan_tranche(admin, datetime.date(2026, 6, 1), Decimal("40000"))
    data = {
        "application": application.pk,
        "call": award.call_id,
        "amount": "39000",
        "decided_by": admin.pk,
        "tranches-TOTAL_FORMS": 1,
        "tranches-INITIAL_FORMS": 1,
        "tranches-MIN_NUM_FORMS": 0,
        "tranches-MAX_NUM_FORMS": 1000,
        "tranches-0-id": tranche.pk,
        "tranches-0-award": award.pk,
        "tranches-0-number": 1,
        "tranches-0-planned_date": "2026-06-01",
        "tranches-0-planned_amount": "40000",
    }
    with translation.override("en"):
        response = client_for(admin).post(
            f"/admin/grants/award/{award.pk}/change/", data, follow=True, headers={"accept-language": "en"}
        )
    assert response.status_code == 200
    assert "The tranches would add up to more than the award" in response.content.decode()
    award.refresh_from_db()
    assert award.amount == Decimal("50000")
