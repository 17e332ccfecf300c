"""The plan workflow (dialogues.plans.workflow): every move per role, allowed and forbidden; who, when and the comment
recorded; a stale page refused; approval only with the approving body's decision; a submitted plan frozen and
snapshotted; an approved plan never edited, but copied into a new version."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dialogues.plans import workflow
from dialogues.plans.models import ConflictPreventionPlan, PlanSnapshot, PlanStatusChange, Risk
from tests.conftest import ROLES_BUT_AKTURPAK, make_user

D = datetime.date
# The workflow is called with a user: the public never reaches it.
USERS = [role for role in ROLES_BUT_AKTURPAK if role != "anonymous"]
DECISION = {"decision_number": "7/2", "decision_date": D(2026, 2, 20), "approving_body": "Айыл кеңешинин сессиясы"}

# (from, to) → the roles that may make the move on a Kyshtut plan. Local authorities of Kyshtut review (request
# changes, approve); staff facilitate (submit, resubmit) and track (implementation); admins do everything; the
# local authority of another site, reviewers, viewers (and applicants) nothing.
WHO_MAY = {
    ("draft", "submitted"): {"admin", "staff"},
    ("submitted", "changes_requested"): {"admin", "la_kyshtut"},
    ("changes_requested", "submitted"): {"admin", "staff"},
    ("submitted", "approved"): {"admin", "la_kyshtut"},
    ("approved", "in_implementation"): {"admin", "staff"},
    ("in_implementation", "completed"): {"admin", "staff"},
}


def test_the_table_is_the_workflow():
    assert set(WHO_MAY) == set(workflow.TRANSITIONS)


@pytest.mark.parametrize("role", USERS)
@pytest.mark.parametrize(("frm", "to"), list(WHO_MAY))
def test_every_move_per_role(users, make_plan, role, frm, to):
    plan = make_plan(status=frm)
    user = users[role]
    extra = DECISION if to == "approved" else {}
    if role in WHO_MAY[(frm, to)]:
        moved = workflow.transition(plan, to, user, "себеби", version=plan.version, **extra)
        assert moved.status == to and moved.version == plan.version + 1
        change = PlanStatusChange.objects.get(plan=plan)
        assert (change.from_status, change.to_status, change.by, change.comment) == (frm, to, user, "себеби")
        assert change.at is not None
        assert moved.history.first().history_user == user
    else:
        with pytest.raises(PermissionDenied):
            workflow.transition(plan, to, user, "себеби", version=plan.version, **extra)
        plan.refresh_from_db()
        assert plan.status == frm and not PlanStatusChange.objects.exists()


@pytest.mark.parametrize(
    ("frm", "to"),
    [
        ("draft", "approved"),
        ("draft", "changes_requested"),
        ("changes_requested", "approved"),
        ("approved", "draft"),
        ("approved", "submitted"),
        ("in_implementation", "approved"),
        ("completed", "draft"),
        ("completed", "in_implementation"),
        ("submitted", "completed"),
    ],
)
def test_moves_outside_the_table_are_refused(admin, make_plan, frm, to):
    plan = make_plan(status=frm)
    with pytest.raises(ValidationError) as error:
        workflow.transition(plan, to, admin, "x", version=plan.version, **DECISION)
    assert error.value.code == "not_allowed"
    plan.refresh_from_db()
    assert plan.status == frm


def test_staff_of_another_site_may_not_submit(sites, make_plan):
    kerben_officer = make_user("officer", "staff", ["kerben"])
    plan = make_plan(status="draft")
    with pytest.raises(PermissionDenied):
        workflow.transition(plan, "submitted", kerben_officer, version=plan.version)


def test_requesting_changes_needs_a_comment(la_kyshtut, make_plan):
    plan = make_plan(status="submitted")
    with pytest.raises(ValidationError) as error:
        workflow.transition(plan, "changes_requested", la_kyshtut, "  ", version=plan.version)
    assert error.value.code == "comment_required"


@pytest.mark.parametrize(
    ("decision", "field"),
    [
        ({"decision_number": "", "decision_date": D(2026, 2, 20)}, "decision_number"),
        ({"decision_number": "   ", "decision_date": D(2026, 2, 20)}, "decision_number"),
        ({"decision_number": "7/2", "decision_date": None}, "decision_date"),
        ({"decision_number": "7/2", "decision_date": D(2099, 1, 1)}, "decision_date"),
    ],
)
def test_approval_needs_the_decision_number_and_date(la_kyshtut, make_plan, decision, field):
    plan = make_plan(status="submitted")
    with pytest.raises(ValidationError) as error:
        workflow.transition(plan, "approved", la_kyshtut, version=plan.version, **decision)
    assert field in error.value.message_dict
    plan.refresh_from_db()
    assert plan.status == "submitted" and plan.decision_number == "" and not PlanStatusChange.objects.exists()


def test_approval_records_the_decision(la_kyshtut, make_plan):
    plan = make_plan(status="submitted")
    approved = workflow.transition(plan, "approved", la_kyshtut, "Бекитилди", version=plan.version, **DECISION)
    assert (approved.decision_number, approved.decision_date, approved.approving_body) == (
        "7/2",
        D(2026, 2, 20),
        "Айыл кеңешинин сессиясы",
    )
    assert approved.approved_at is not None


def test_the_database_refuses_an_approved_plan_without_a_decision(make_plan):
    from django.db import IntegrityError, transaction

    plan = make_plan(status="submitted")
    with pytest.raises(IntegrityError), transaction.atomic():
        ConflictPreventionPlan.objects.filter(pk=plan.pk).update(status="approved")


def test_a_stale_page_is_refused_and_nothing_changes(staff, la_kyshtut, make_plan):
    plan = make_plan(status="submitted")
    opened_on = plan.version
    workflow.transition(plan, "changes_requested", la_kyshtut, "R1 толуктоо", version=opened_on)
    with pytest.raises(ValidationError) as error:
        workflow.transition(plan, "approved", la_kyshtut, version=opened_on, **DECISION)
    assert error.value.code == "stale"
    plan.refresh_from_db()
    assert plan.status == "changes_requested" and plan.decision_number == ""


def test_an_edit_of_the_content_makes_an_open_review_page_stale(staff, la_kyshtut, make_plan):
    """The authority approves what it read: if an action changed after its page was opened, approval is refused."""
    plan = make_plan(status="changes_requested")
    workflow.transition(plan, "submitted", staff, version=plan.version)
    plan.refresh_from_db()
    authority_page = plan.version
    workflow.transition(plan, "changes_requested", la_kyshtut, "Бюджетти тактоо", version=authority_page)
    plan.refresh_from_db()
    with workflow.editing(plan, staff) as locked:
        locked.actions.update(title="Жаңыланган иш-чара")
    with pytest.raises(ValidationError) as error:
        workflow.transition(plan, "submitted", staff, version=plan.version)
    assert error.value.code == "stale"


def test_submitting_needs_a_risk_and_an_action(staff, make_plan):
    plan = make_plan(risks=0, actions=0)
    with pytest.raises(ValidationError) as error:
        workflow.transition(plan, "submitted", staff, version=plan.version)
    assert error.value.code == "empty"
    assert not PlanSnapshot.objects.exists()


def test_submitting_freezes_a_snapshot_and_a_review_marks_it(staff, la_kyshtut, make_plan):
    plan = make_plan(risks=2, actions=1)
    submitted = workflow.transition(plan, "submitted", staff, version=plan.version)
    snapshot = PlanSnapshot.objects.get(plan=plan)
    assert snapshot.number == 1 and snapshot.taken_by == staff and snapshot.reviewed_at is None
    assert [r["description"] for r in snapshot.data["risks"]] == ["Суу үчүн талаш 1", "Суу үчүн талаш 2"]
    assert snapshot.data["actions"][0]["budget"] == "10000.00"
    assert PlanStatusChange.objects.get(plan=plan).snapshot == snapshot
    workflow.transition(submitted, "changes_requested", la_kyshtut, "Толуктаңыз", version=submitted.version)
    snapshot.refresh_from_db()
    assert snapshot.reviewed_at is not None and snapshot.review_outcome == "changes_requested"


@pytest.mark.parametrize("status", ["submitted", "approved", "in_implementation", "completed"])
def test_nobody_edits_a_submitted_or_approved_plan(admin, make_plan, status):
    plan = make_plan(status=status)
    with pytest.raises(workflow.NotEditable), workflow.editing(plan, admin):
        pass


@pytest.mark.parametrize(("role", "allowed"), [("admin", True), ("staff", True), ("la_kyshtut", True)])
def test_who_drafts_edits_the_draft(users, make_plan, role, allowed):
    plan = make_plan()
    with workflow.editing(plan, users[role]) as locked:
        Risk.objects.create(plan=locked, description="Жаңы тобокелдик", likelihood=2, impact=2)
    plan.refresh_from_db()
    assert plan.version == 2


@pytest.mark.parametrize("role", ["la_kerben", "reviewer", "viewer", "applicant"])
def test_others_may_not_edit_a_draft(users, make_plan, role):
    plan = make_plan()
    with pytest.raises(PermissionDenied), workflow.editing(plan, users[role]):
        pass


def test_a_new_version_copies_the_approved_plan_into_a_draft(la_kyshtut, make_plan, make_organization):
    plan = make_plan(status="in_implementation", risks=2, actions=2)
    partner = make_organization(name_ky="Жаштар борбору")
    first = plan.actions.order_by("id").first()
    first.partner_organizations.add(partner)
    copy = workflow.open_new_version(plan, la_kyshtut, version=plan.version)
    assert (copy.status, copy.version_number, copy.previous_version) == ("draft", 2, plan)
    assert copy.decision_number == "" and copy.decision_date is None
    assert sorted(r.key for r in copy.risks.all()) == sorted(r.key for r in plan.risks.all())
    copied = copy.actions.get(key=first.key)
    assert list(copied.partner_organizations.all()) == [partner]
    assert list(copied.responsible_organizations.all()) == list(first.responsible_organizations.all())
    assert [r.plan_id for r in copied.risks.all()] == [copy.pk]  # linked to the copies, not the old risks
    plan.refresh_from_db()
    assert plan.status == "in_implementation" and plan.risks.count() == 2  # the approved version is untouched
    with pytest.raises(ValidationError) as error:
        workflow.open_new_version(plan, la_kyshtut, version=plan.version)
    assert error.value.code == "has_next"


def test_a_draft_gets_no_new_version(staff, make_plan):
    plan = make_plan()
    with pytest.raises(ValidationError) as error:
        workflow.open_new_version(plan, staff, version=plan.version)
    assert error.value.code == "not_approved"


@pytest.mark.parametrize("role", ["la_kerben", "reviewer", "viewer"])
def test_a_new_version_is_opened_only_by_who_drafts_at_the_site(users, make_plan, role):
    plan = make_plan(status="approved")
    with pytest.raises(PermissionDenied):
        workflow.open_new_version(plan, users[role], version=plan.version)


def test_progress_is_recorded_on_an_approved_plan_only(staff, la_kerben, make_plan):
    from decimal import Decimal

    draft = make_plan()
    action = draft.actions.get()
    with pytest.raises(ValidationError):
        workflow.record_progress(action, staff, status="done", spent=Decimal("5"), version=action.version)
    approved = make_plan(status="in_implementation")
    action = approved.actions.get()
    done = workflow.record_progress(
        action, staff, status="done", spent=Decimal("9500"), note="Өткөрүлдү", version=action.version
    )
    assert (done.status, done.spent, done.notes.get().text) == ("done", Decimal("9500"), "Өткөрүлдү")
    assert done.notes.get().date == timezone.localdate()
    with pytest.raises(ValidationError) as error:  # the page showed the version before
        workflow.record_progress(action, staff, status="in_progress", spent=Decimal("1"), version=action.version)
    assert error.value.code == "stale"
    with pytest.raises(PermissionDenied):
        workflow.record_progress(action, la_kerben, status="done", spent=Decimal("1"), version=done.version)
