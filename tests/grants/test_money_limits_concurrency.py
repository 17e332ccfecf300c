"""Every money limit of the grants under real concurrent transactions (threads with their own connections on the
real PostgreSQL): the limit holds and whoever loses the race reads a message — through the page, not a 500.
(Concurrent approvals against the envelope and concurrent planning against the award: tests/grants/test_awards.py.)"""

import datetime
import threading
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.test import Client
from django.utils import translation

from grants import workflow
from grants.forms import GrantCallForm
from grants.models import Award, Tranche
from tests.grants.test_calls_and_applications import call_data, criteria_data
from tests.helpers import run_at_once, url

THREADS = 6
WAIT = 10  # seconds a thread waits for another before the test fails


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def approvals_and_an_envelope_edit(users, make_call, make_application, envelope="50 000"):
    """A call of 100 000 with five applications of 20 000 in review, and the staff's edit lowering its envelope."""
    call = make_call(envelope=100_000, max_per_grant=20_000)
    applications = [make_application(call=call, status="in_review", lines=[(1, 20000)]) for _n in range(THREADS - 1)]
    call.refresh_from_db()
    data = call_data({"kyshtut": call.sites.get()}, version=call.version, envelope=envelope, max_per_grant="10 000")
    return call, applications, data | criteria_data(call)


@pytest.mark.django_db(transaction=True)
def test_an_envelope_lowered_while_awards_commit_is_refused_with_the_forms_message(
    users, make_call, make_application, monkeypatch
):
    """The race of issue #21: the edit's clean() sums the awards (none yet), the approvals commit, then the edit
    saves. The call row is locked and the awards summed again: the form says so, nothing is saved."""
    call, applications, data = approvals_and_an_envelope_edit(users, make_call, make_application)
    staff, client = users["staff"], signed_in(users["staff"])
    cleaned, approved = threading.Event(), threading.Event()
    done = []
    original_clean = GrantCallForm.clean

    def clean_then_wait(form):
        result = original_clean(form)
        cleaned.set()
        assert approved.wait(WAIT)
        return result

    monkeypatch.setattr(GrantCallForm, "clean", clean_then_wait)

    def work(n):
        if n == 0:
            with translation.override("en"):
                return client.post(url("grants:call-edit", call.pk), data)
        assert cleaned.wait(WAIT)
        award = workflow.approve(applications[n - 1], staff, Decimal("20000"), version=applications[n - 1].version)
        done.append(award)
        if len(done) == THREADS - 1:
            approved.set()
        return award

    outcomes = run_at_once(work, THREADS)

    response = outcomes[0]
    assert response.status_code == 200, response
    assert "100\u00a0000 som are already awarded" in " ".join(response.context["form"].errors["envelope"])
    assert all(isinstance(o, Award) for o in outcomes[1:])
    call.refresh_from_db()
    assert (call.envelope, call.max_per_grant, call.version) == (Decimal("100000"), Decimal("20000"), 1)


@pytest.mark.django_db(transaction=True)
def test_an_envelope_lowered_while_the_database_refuses_it_gives_a_message_not_a_500(
    users, make_call, make_application, monkeypatch
):
    """Even if the Python check under the lock were skipped, the trigger's refusal becomes the form's message."""
    call, applications, data = approvals_and_an_envelope_edit(users, make_call, make_application)
    workflow.approve(applications[0], users["staff"], Decimal("20000"), version=applications[0].version)
    workflow.approve(applications[1], users["staff"], Decimal("20000"), version=applications[1].version)
    monkeypatch.setattr(GrantCallForm, "check_envelope", lambda form, envelope: None)
    with translation.override("en"):
        response = signed_in(users["staff"]).post(url("grants:call-edit", call.pk), data | {"envelope": "30 000"})
        said = " ".join(response.context["form"].errors["envelope"])  # a lazy message: read it in English
    assert response.status_code == 200
    assert "would add up to more than its envelope" in said
    call.refresh_from_db()
    assert (call.envelope, call.version) == (Decimal("100000"), 1)
    assert call.criteria.count() == 6  # the criteria saved with it were rolled back too


@pytest.mark.django_db(transaction=True)
def test_approvals_racing_an_envelope_edit_keep_every_award_within_the_envelope(users, make_call, make_application):
    """No ordering forced: whoever takes the call's lock first, the awards end within the envelope that stands, and
    every loser is told why."""
    call, applications, data = approvals_and_an_envelope_edit(users, make_call, make_application, envelope="50 000")
    staff, client = users["staff"], signed_in(users["staff"])

    def work(n):
        if n == 0:
            with translation.override("en"):
                return client.post(url("grants:call-edit", call.pk), data)
        return workflow.approve(applications[n - 1], staff, Decimal("20000"), version=applications[n - 1].version)

    outcomes = run_at_once(work, THREADS)

    call.refresh_from_db()
    awarded = Award.objects.filter(call=call).aggregate(total=Sum("amount"))["total"] or Decimal("0")
    assert awarded <= call.envelope
    edit = outcomes[0]
    if edit.status_code == 302:  # the edit came first (or before the third award): the envelope is 50 000
        assert call.envelope == Decimal("50000") and awarded <= Decimal("40000")
    else:
        assert edit.status_code == 200 and "already awarded" in " ".join(edit.context["form"].errors["envelope"])
        assert call.envelope == Decimal("100000")
    refused = [o for o in outcomes[1:] if not isinstance(o, Award)]
    assert all(isinstance(o, ValidationError) and o.code == "over_envelope" for o in refused)
    assert len(refused) == THREADS - 1 - awarded / 20000


@pytest.mark.django_db(transaction=True)
def test_payments_racing_on_one_tranche_stay_within_it_and_the_page_says_why(users, make_application):
    """Six staff pay one tranche of 10 000 at once, some over it: one payment within the tranche is recorded; the
    others are refused — over the tranche, or recorded meanwhile — and the page's loser reads the message."""
    staff = users["staff"]
    application = make_application(status="in_review", lines=[(1, 50000)])
    award = workflow.approve(application, staff, Decimal("50000"), version=application.version)
    tranche = award.plan_tranche(staff, datetime.date(2026, 6, 1), Decimal("10000"))
    client = signed_in(staff)
    amounts = [Decimal("10003"), Decimal("10000"), Decimal("9999"), Decimal("10001"), Decimal("9000"), Decimal("20000")]

    def work(n):
        if n == 0:
            with translation.override("en"):
                response = client.post(
                    url("grants:tranche-pay", application.pk, tranche.pk),
                    {"paid_date": "02.06.2026", "paid_amount": str(amounts[0]), "version": tranche.version},
                )
            return response
        return tranche.record_payment(staff, datetime.date(2026, 6, 2), amounts[n], version=tranche.version)

    outcomes = run_at_once(work, THREADS)

    response = outcomes[0]
    assert response.status_code == 302
    with translation.override("en"):
        said = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "cannot be more than its tranche" in said or "changed by someone else" in said
    recorded = [o for o in outcomes[1:] if isinstance(o, Tranche)]
    refused = [o for o in outcomes[1:] if isinstance(o, ValidationError)]
    assert len(recorded) == 1 and len(refused) == THREADS - 2
    assert {e.code for e in refused} <= {"stale", "over_tranche"}
    tranche.refresh_from_db()
    assert tranche.paid_amount == recorded[0].paid_amount <= tranche.planned_amount and tranche.version == 2


@pytest.mark.django_db(transaction=True)
def test_tranches_planned_and_paid_at_once_stay_within_the_award(users, make_application):
    """Planning and paying on one award at once: the award row's lock serves them in turn, the planned sum stays
    within the award and each payment within its tranche; the losers get the award's message."""
    staff = users["staff"]
    application = make_application(status="in_review", lines=[(1, 30000)])
    award = workflow.approve(application, staff, Decimal("30000"), version=application.version)
    first = award.plan_tranche(staff, datetime.date(2026, 6, 1), Decimal("10000"))

    def work(n):
        if n == 0:
            return first.record_payment(staff, datetime.date(2026, 6, 2), Decimal("10000"), version=first.version)
        return award.plan_tranche(staff, datetime.date(2026, 7, n), Decimal("7500"))

    outcomes = run_at_once(work, THREADS)

    assert isinstance(outcomes[0], Tranche)
    planned = [o for o in outcomes[1:] if isinstance(o, Tranche)]
    assert len(planned) == 2
    assert {o.code for o in outcomes[1:] if isinstance(o, ValidationError)} == {"over_award"}
    assert award.totals() == {"planned": Decimal("25000"), "paid": Decimal("10000")}
