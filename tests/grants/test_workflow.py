"""The application workflow (grants/workflow.py): every move per role, allowed and forbidden; who, when and why
recorded; stale pages refused; approval within the amount requested and the envelope."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from grants import workflow
from grants.models import Award, StatusChange
from tests.conftest import ROLES_BUT_AKTURPAK, make_user
from tests.helpers import url

MOVES = [(frm, to) for (frm, to) in workflow.TRANSITIONS if to != "approved"]
# The workflow is called with a user (the public never reaches it). The applicant's account is not the lead
# applicant of these applications: every move is refused to it.
USERS = [role for role in ROLES_BUT_AKTURPAK if role != "anonymous"]
ALLOWED = {"admin", "staff"}


@pytest.mark.parametrize("role", USERS)
@pytest.mark.parametrize(("frm", "to"), MOVES)
def test_every_move_per_role(users, make_application, role, frm, to):
    application = make_application(status=frm)
    user = users[role]
    if role in ALLOWED:
        moved = workflow.transition(application, to, user, "because", version=application.version)
        assert moved.status == to
        change = StatusChange.objects.get(application=application)
        assert (change.from_status, change.to_status, change.by, change.comment) == (frm, to, user, "because")
    else:
        with pytest.raises(PermissionDenied):
            workflow.transition(application, to, user, "because", version=application.version)
        application.refresh_from_db()
        assert application.status == frm and not StatusChange.objects.exists()


@pytest.mark.parametrize("role", USERS)
def test_approval_per_role(users, make_application, role):
    application = make_application(status="in_review")
    if role in ALLOWED:
        award = workflow.approve(application, users[role], Decimal("50000"), version=application.version)
        assert award.amount == Decimal("50000") and award.decided_by == users[role]
        application.refresh_from_db()
        assert application.status == "approved"
    else:
        with pytest.raises(PermissionDenied):
            workflow.approve(application, users[role], Decimal("50000"), version=application.version)
        assert not Award.objects.exists()


@pytest.mark.parametrize(
    ("frm", "to"),
    [
        ("draft", "in_review"),
        ("draft", "approved"),
        ("submitted", "in_review"),
        ("approved", "withdrawn"),
        ("rejected", "in_review"),
        ("withdrawn", "submitted"),
        ("approved", "rejected"),
    ],
)
def test_moves_outside_the_table_are_refused(staff, make_application, frm, to):
    application = make_application(status=frm)
    with pytest.raises(ValidationError) as error:
        if to == "approved":
            workflow.approve(application, staff, Decimal("1000"), version=application.version)
        else:
            workflow.transition(application, to, staff, "x", version=application.version)
    assert error.value.code == "not_allowed"


def test_staff_of_another_site_may_not_move_it(sites, make_application):
    kerben_officer = make_user("officer", "staff", ["kerben"])
    application = make_application(status="draft")
    with pytest.raises(PermissionDenied):
        workflow.transition(application, "submitted", kerben_officer, version=application.version)


NEEDS_REASON = [(frm, to) for (frm, to), move in workflow.TRANSITIONS.items() if move.comment_required]


@pytest.mark.parametrize(("frm", "to"), NEEDS_REASON)
def test_rejecting_withdrawing_and_returning_need_a_reason(staff, make_application, frm, to):
    application = make_application(status=frm)
    with pytest.raises(ValidationError) as error:
        workflow.transition(application, to, staff, "   ", version=application.version)
    assert error.value.code == "comment_required"


def test_a_stale_page_is_refused(staff, make_application):
    application = make_application(status="submitted")
    opened_on = application.version
    workflow.transition(application, "screening", staff, version=opened_on)
    with pytest.raises(ValidationError) as error:
        workflow.transition(application, "withdrawn", staff, "asked by the applicant", version=opened_on)
    assert error.value.code == "stale"
    application.refresh_from_db()
    assert application.status == "screening"


def test_submitting_records_when_and_needs_a_budget(staff, make_application):
    empty = make_application(lines=[])
    with pytest.raises(ValidationError) as error:
        workflow.transition(empty, "submitted", staff, version=empty.version)
    assert error.value.code == "no_budget"
    application = make_application()
    submitted = workflow.transition(application, "submitted", staff, version=application.version)
    assert submitted.submitted_at is not None and submitted.version == application.version + 1
    assert submitted.history.first().history_user == staff


def test_approval_is_at_most_the_amount_requested(staff, make_application):
    application = make_application(status="in_review", lines=[(1, 40000)])
    with pytest.raises(ValidationError) as error:
        workflow.approve(application, staff, Decimal("40000.01"), version=application.version)
    assert error.value.code == "over_requested"
    award = workflow.approve(application, staff, Decimal("35000"), "line 1 smaller", version=application.version)
    assert award.amount == Decimal("35000")


def test_approval_beyond_the_envelope_is_refused_with_what_remains(staff, make_call, make_application):
    call = make_call(envelope=100_000, max_per_grant=60_000)
    first = make_application(call=call, status="in_review", lines=[(1, 60000)])
    second = make_application(call=call, status="in_review", lines=[(1, 60000)])
    workflow.approve(first, staff, Decimal("60000"), version=first.version)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        workflow.approve(second, staff, Decimal("60000"), version=second.version)
    assert error.value.code == "over_envelope"
    assert "40\u00a0000 som remain" in error.value.messages[0]
    workflow.approve(second, staff, Decimal("40000"), version=second.version)
    assert workflow.remaining_in_envelope(call) == 0


# --- Through the page ------------------------------------------------------------------------------------------


def test_page_offers_the_moves_and_the_button_moves(client_for, staff, make_application):
    application = make_application(status="draft")
    client = client_for(staff)
    page = client.get(url("grants:application-detail", application.pk)).content.decode()
    assert 'data-testid="move-submitted"' in page and 'data-testid="move-withdrawn"' in page
    assert 'data-testid="move-approved"' not in page
    response = client.post(
        url("grants:application-transition", application.pk), {"to": "submitted", "version": application.version}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "submitted"


@pytest.mark.parametrize(
    ("role", "status"), [("la_kyshtut", 404), ("reviewer", 404), ("viewer", 404), ("applicant", 404)]
)
def test_other_roles_cannot_post_a_move(client_for, users, make_application, role, status):
    application = make_application(status="draft")
    response = client_for(users[role]).post(
        url("grants:application-transition", application.pk), {"to": "submitted", "version": application.version}
    )
    assert response.status_code == status
    application.refresh_from_db()
    assert application.status == "draft"


def test_local_authority_sees_an_approved_one_but_cannot_move_it(client_for, la_kyshtut, make_application):
    application = make_application(status="approved")
    response = client_for(la_kyshtut).post(
        url("grants:application-transition", application.pk), {"to": "withdrawn", "version": application.version}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "approved"


@pytest.mark.parametrize(
    "data",
    [
        {"to": "nonsense", "version": "1"},
        {"to": "submitted", "version": "abc"},
        {"to": "approved", "version": "1", "amount": "100 USD"},
        {"to": "approved", "version": "1", "amount": "-5"},
        {"to": "approved", "version": "1", "amount": ""},
        {},
    ],
)
def test_bad_move_requests_get_a_message_not_an_error(client_for, staff, make_application, data):
    application = make_application(status="in_review")
    response = client_for(staff).post(url("grants:application-transition", application.pk), data, follow=True)
    assert response.status_code == 200
    assert any(m.level_tag == "error" for m in response.context["messages"])
    application.refresh_from_db()
    assert application.status == "in_review"


def test_approval_through_the_page_with_an_amount_in_som(client_for, staff, make_application):
    application = make_application(status="in_review", lines=[(2, 30000)])
    response = client_for(staff).post(
        url("grants:application-transition", application.pk),
        {"to": "approved", "version": application.version, "amount": "55 000 сом", "comment": "ok"},
    )
    assert response.status_code == 302
    assert application.award.amount == Decimal("55000")


def test_screening_shows_the_automatic_check(client_for, staff, make_application):
    application = make_application(status="screening")
    with translation.override("en"):
        page = client_for(staff).get(url("grants:application-detail", application.pk)).content.decode()
    assert 'data-testid="eligibility"' in page and "Budget within the maximum per grant" in page
