"""Screening → review re-reads eligibility: an application that fails a rule goes on to review only with a stated
reason, recorded on the status change with the rules failed and shown in the application's history; the page says
which rules fail before the button."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from grants import workflow
from grants.models import GrantApplication, StatusChange


def url(name, *args):
    with translation.override("en"):
        return reverse(f"grants:{name}", args=args)


@pytest.fixture
def ineligible(make_application):
    """In screening, asking more than the call's maximum (200,000) and of a kind the call does not take."""
    application = make_application(status="screening", lines=[(1, 250_000)])
    application.call.kinds = ["business"]
    application.call.save()
    return application


def post_step(client, application, comment):
    with translation.override("en"):
        return client.post(
            url("application-transition", application.pk),
            {"to": "in_review", "comment": comment, "version": application.version},
            follow=True,
        )


def test_an_eligible_application_goes_to_review_without_a_reason(staff, make_application):
    application = make_application(status="screening")
    moved = workflow.transition(application, "in_review", staff, version=application.version)
    change = StatusChange.objects.get(application=application, to_status="in_review")
    assert moved.status == "in_review" and change.failed_rules == [] and change.comment == ""


@pytest.mark.parametrize("comment", ["", "   ", "\n\t"])
def test_an_ineligible_application_needs_a_reason_to_go_to_review(staff, ineligible, comment):
    with pytest.raises(ValidationError) as error, translation.override("en"):
        workflow.transition(ineligible, "in_review", staff, comment, version=ineligible.version)
    assert error.value.code == "reason_required"
    with translation.override("en"):
        text = " ".join(error.value.messages)
    assert "Budget within the maximum per grant" in text and "A kind of project the call accepts" in text
    assert GrantApplication.objects.get(pk=ineligible.pk).status == "screening"
    assert not StatusChange.objects.filter(application=ineligible).exists()


def test_the_reason_is_recorded_with_the_rules_failed(staff, ineligible):
    workflow.transition(ineligible, "in_review", staff, "  Бюджетти кароодо кыскартабыз  ", version=ineligible.version)
    change = StatusChange.objects.get(application=ineligible)
    assert (change.from_status, change.to_status, change.by) == ("screening", "in_review", staff)
    assert change.comment == "Бюджетти кароодо кыскартабыз"
    assert change.failed_rules == ["within_maximum", "kind_of_call"]


def test_rejecting_an_ineligible_application_is_unchanged(staff, ineligible):
    workflow.transition(ineligible, "rejected", staff, "Not eligible", version=ineligible.version)
    assert StatusChange.objects.get(application=ineligible).failed_rules == []


def test_other_roles_still_cannot_send_it_on_even_with_a_reason(users, ineligible):
    for role in ("la_kyshtut", "reviewer", "viewer", "applicant"):
        with pytest.raises(PermissionDenied):
            workflow.transition(ineligible, "in_review", users[role], "because", version=ineligible.version)


def test_the_page_says_which_rules_fail_before_the_button(client_for, staff, ineligible):
    with translation.override("en"):
        page = client_for(staff).get(url("application-detail", ineligible.pk)).content.decode()
    warning = page.index('data-testid="not-eligible"')
    button = page.index('data-testid="move-in_review"')
    assert warning < button
    block = page[warning:button]
    assert "Budget within the maximum per grant" in block and "A kind of project the call accepts" in block
    assert "Lead applicant lives in" not in block  # a rule met is not listed as failed
    assert 'name="comment" rows="2" required' in block


def test_an_eligible_application_page_has_no_warning(client_for, staff, make_application):
    application = make_application(status="screening")
    with translation.override("en"):
        page = client_for(staff).get(url("application-detail", application.pk)).content.decode()
    assert 'data-testid="move-in_review"' in page and 'data-testid="not-eligible"' not in page


def test_posting_without_a_reason_is_a_clear_message_never_a_500(client_for, staff, ineligible):
    response = post_step(client_for(staff), ineligible, "")
    page = response.content.decode()
    assert response.status_code == 200
    assert "To send it on to review, say why in the comment." in page
    assert GrantApplication.objects.get(pk=ineligible.pk).status == "screening"


def test_posting_with_a_reason_shows_it_in_the_history(client_for, staff, ineligible):
    response = post_step(client_for(staff), ineligible, "The committee asked to see it")
    page = response.content.decode()
    assert GrantApplication.objects.get(pk=ineligible.pk).status == "in_review"
    history = page[page.index('data-testid="status-changes"') :]
    reason = history[history.index('data-testid="override-reason"') :]
    assert "Eligibility rules not met" in reason and "Budget within the maximum per grant" in reason
    assert "Reason: The committee asked to see it" in reason


@pytest.mark.parametrize("role", ["la_kyshtut", "la_kerben", "viewer", "reviewer", "applicant", "anonymous"])
def test_the_step_is_refused_to_other_roles_on_the_page(client_for, users, ineligible, role):
    response = client_for(users[role]).post(
        url("application-transition", ineligible.pk), {"to": "in_review", "comment": "x", "version": 1}
    )
    assert response.status_code in {302, 403, 404}
    if role != "anonymous":
        assert response.status_code == 404  # outside their scope
    assert GrantApplication.objects.get(pk=ineligible.pk).status == "screening"


def test_the_application_page_takes_constant_queries_whatever_the_history(client_for, staff, make_application):
    application = make_application(status="screening", lines=[(1, 250_000)])
    client = client_for(staff)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url("application-detail", application.pk)).status_code == 200
        return len(captured)

    few = count()
    for n in range(3):
        StatusChange.objects.create(
            application=application,
            from_status="screening",
            to_status="in_review",
            by=staff,
            comment=f"reason {n}",
            failed_rules=["within_maximum"],
        )
    assert count() == few
