"""Who sees and does what with the conflict-prevention plans (DESIGN.md §4 "plans"): role × page → status. A local
authority of another site meets a plan as missing (404) on every URL; reviewers, applicants and the public see
nothing; viewers read approved plans only."""

import pytest
from django.urls import reverse

from dialogues.plans.models import PlanComment, PlanStatusChange
from mapping_portal import access
from tests.conftest import ROLES_BUT_AKTURPAK
from tests.helpers import url

NOBODY = {"la_kerben": 404, "reviewer": 404, "viewer": 404, "applicant": 404, "anonymous": 302}


@pytest.fixture
def draft(make_plan):
    plan = make_plan(title="Кыштут айыл аймагынын планы")
    comment = PlanComment.objects.create(plan=plan, text="Тактаңыз", by=plan.created_by or _any_user())
    return plan, comment


def _any_user():
    from mapping_portal.models import User

    return User.objects.get(username="admin")


def draft_pages(plan, comment):
    risk, action = plan.risks.get(), plan.actions.get()
    return {
        "detail": url("plans:plan-detail", plan.pk),
        "edit": url("plans:plan-edit", plan.pk),
        "risk-create": url("plans:risk-create", plan.pk),
        "risk-edit": url("plans:risk-edit", plan.pk, risk.pk),
        "action-create": url("plans:action-create", plan.pk),
        "action-edit": url("plans:action-edit", plan.pk, action.pk),
        "diff": url("plans:plan-diff", plan.pk),
    }


# role → status of every page of a Kyshtut draft
DRAFT_PAGE = {"admin": 200, "staff": 200, "la_kyshtut": 200, **NOBODY}


@pytest.mark.parametrize("role", ROLES_BUT_AKTURPAK)
@pytest.mark.parametrize("page", ["detail", "edit", "risk-create", "risk-edit", "action-create", "action-edit", "diff"])
def test_draft_pages_by_role(client_for, users, draft, role, page):
    response = client_for(users[role]).get(draft_pages(*draft)[page])
    assert response.status_code == DRAFT_PAGE[role]
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("accounts:login"))


# role → (status of an approved Kyshtut plan's page, of its PDF, of its edit page)
APPROVED = {
    "admin": (200, 200, 302),
    "staff": (200, 200, 302),
    "la_kyshtut": (200, 200, 302),  # back to the plan with a message: open a new version instead
    "la_kerben": (404, 404, 404),
    "reviewer": (404, 404, 404),
    "viewer": (200, 200, 403),
    "applicant": (404, 404, 404),
    "anonymous": (302, 302, 302),
}


@pytest.mark.parametrize("role", ROLES_BUT_AKTURPAK)
def test_approved_plan_by_role(client_for, users, make_plan, role):
    plan = make_plan(status="approved", title="Бекитилген план")
    client = client_for(users[role])
    statuses = (
        client.get(url("plans:plan-detail", plan.pk)).status_code,
        client.get(url("plans:plan-pdf", plan.pk, "ky")).status_code,
        client.get(url("plans:plan-edit", plan.pk)).status_code,
    )
    assert statuses == APPROVED[role]


# role → (status of the list, whether the Kyshtut draft / approved plans are on it)
LIST = {
    "admin": (200, True, True),
    "staff": (200, True, True),
    "la_kyshtut": (200, True, True),
    "la_kerben": (200, False, False),
    "reviewer": (403, False, False),
    "viewer": (200, False, True),
    "applicant": (403, False, False),
    "anonymous": (302, False, False),
}


@pytest.mark.parametrize("role", ROLES_BUT_AKTURPAK)
def test_plan_list_by_role(client_for, users, make_plan, role):
    make_plan(title="Долбоор план")
    make_plan(status="in_implementation", title="Ишке ашырылып жаткан план")
    response = client_for(users[role]).get(url("plans:plan-list"))
    status, shows_draft, shows_approved = LIST[role]
    assert response.status_code == status
    page = response.content.decode()
    assert ("Долбоор план" in page) is shows_draft
    assert ("Ишке ашырылып жаткан план" in page) is shows_approved


DASHBOARD = {
    "admin": 200,
    "staff": 200,
    "la_kyshtut": 200,
    "la_kerben": 404,
    "reviewer": 403,
    "viewer": 200,
    "applicant": 403,
    "anonymous": 302,
}


@pytest.mark.parametrize("role", ROLES_BUT_AKTURPAK)
def test_site_dashboard_by_role(client_for, users, make_plan, role):
    make_plan(status="approved")
    assert client_for(users[role]).get(url("plans:site-dashboard", "kyshtut")).status_code == DASHBOARD[role]


def _posts(plan, comment):
    risk, action = plan.risks.get(), plan.actions.get()
    return {
        "comment-add": (url("plans:comment-add", plan.pk), {"about": f"action-{action.pk}", "text": "Бөтөн сайттан"}),
        "comment-resolve": (url("plans:comment-resolve", plan.pk, comment.pk), {}),
        "transition": (url("plans:plan-transition", plan.pk), {"to": "submitted", "version": plan.version}),
        "new-version": (url("plans:plan-new-version", plan.pk), {"version": plan.version}),
        "progress": (url("plans:action-progress", plan.pk, action.pk), {"version": 1, "status": "done", "spent": "5"}),
        "risk-remove": (url("plans:item-delete", plan.pk, "risks", risk.pk), {}),
        "action-edit": (url("plans:action-edit", plan.pk, action.pk), {"title": "Өзгөртүлдү"}),
        "risk-edit": (
            url("plans:risk-edit", plan.pk, risk.pk),
            {"description": "Өзгөртүлдү", "likelihood": 1, "impact": 1},
        ),
        "plan-edit": (url("plans:plan-edit", plan.pk), {"title": "Өзгөртүлдү"}),
    }


@pytest.mark.parametrize(
    "action",
    [
        "comment-add",
        "comment-resolve",
        "transition",
        "new-version",
        "progress",
        "risk-remove",
        "action-edit",
        "risk-edit",
        "plan-edit",
    ],
)
@pytest.mark.parametrize("role", ["la_kerben", "reviewer", "viewer", "applicant"])
def test_every_change_of_another_sites_plan_is_404_and_changes_nothing(client_for, users, draft, role, action):
    plan, comment = draft
    path, data = _posts(plan, comment)[action]
    assert client_for(users[role]).post(path, data).status_code == 404
    plan.refresh_from_db()
    comment.refresh_from_db()
    assert plan.status == "draft" and plan.version == 1 and plan.title == "Кыштут айыл аймагынын планы"
    assert plan.risks.count() == 1 and plan.actions.get().title == "Иш-чара 1"
    assert PlanComment.objects.count() == 1 and comment.resolved_at is None
    assert not PlanStatusChange.objects.exists() and not plan.snapshots.exists()


def test_local_authority_gets_404_for_other_sites_plan_same_as_a_missing_one(client_for, la_kerben, make_plan):
    plan = make_plan()
    client = client_for(la_kerben)
    assert (
        client.get(url("plans:plan-detail", plan.pk)).status_code
        == client.get(url("plans:plan-detail", 999999)).status_code
    )
    assert client.get(url("plans:site-dashboard", "kyshtut")).status_code == 404


def test_a_local_authority_of_the_site_drafts_but_does_not_submit(client_for, la_kyshtut, make_plan):
    plan = make_plan()
    client = client_for(la_kyshtut)
    response = client.post(url("plans:plan-transition", plan.pk), {"to": "submitted", "version": plan.version})
    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.status == "draft"


@pytest.mark.parametrize("role", ["admin", "staff", "la_kyshtut", "la_kerben"])
def test_edit_plan_predicate_is_bound_to_site_and_status(users, make_plan, role):
    draft, approved = make_plan(), make_plan(status="approved")
    assert access.can_edit_plan(users[role], draft) is (role != "la_kerben")
    assert access.can_edit_plan(users[role], approved) is False


@pytest.mark.parametrize("role", ROLES_BUT_AKTURPAK)
def test_draft_and_track_predicates_are_bound_to_role_and_site_whatever_the_status(users, make_plan, role):
    """Drafting (editing, opening a new version) and tracking a plan: the role's right within the plan's site; the
    plan's status is checked apart (a message, not a refusal)."""
    allowed = role in {"admin", "staff", "la_kyshtut"}  # la_kerben: a plan of another site
    for plan in (make_plan(), make_plan(status="approved")):
        assert access.can_draft_plan(users[role], plan) is allowed
        assert access.can_track_plan(users[role], plan) is allowed
    assert access.can_view_unapproved_plans(users[role]) is (role in {"admin", "staff", "la_kyshtut", "la_kerben"})


def test_plans_are_invisible_to_roles_not_named(users, make_plan):
    """Plans name their roles explicitly: a role added later (grant applicants) sees none."""
    from dialogues.plans.models import ConflictPreventionPlan

    make_plan(status="approved")
    for role in ["reviewer", "anonymous", "applicant"]:
        assert not ConflictPreventionPlan.objects.for_user(users[role]).exists()
        assert not access.can_view_plans(users[role])
