"""The one place a conflict-prevention plan changes status, and where its content is changed under lock:

    draft → submitted → changes requested ⇄ submitted → approved → in implementation → completed

Submitting freezes the plan as a snapshot (what the reviewers read, and what the next submission is compared
with); requesting changes or approving marks that snapshot reviewed. Approval needs the approving body's decision
or protocol number and its date. Nobody edits an approved plan: `open_new_version()` copies it into a new draft
that succeeds it.

`transition()` locks the plan row, refuses a page opened on an older version, checks the move and who makes it,
saves, and records who, when and the comment — in one transaction. Content edits go through `editing()`, which
takes the same lock, refuses a plan that is no longer editable and bumps the plan's version, so that a review
decision taken on a page older than the content is refused too. Views call these; nothing else assigns `status`.
"""

from contextlib import contextmanager

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dialogues import plan_diff
from dialogues.models import (
    APPROVED_STATUSES,
    ConflictPreventionPlan,
    PlanAction,
    PlanSnapshot,
    PlanStatusChange,
    ProgressNote,
)
from dialogues.models import PlanStatus as S
from mapping_portal import access
from mapping_portal.workflow import Move, Workflow

TRANSITIONS = {
    (S.DRAFT, S.SUBMITTED): Move(_("Submit for review"), access.can_facilitate_plans),
    (S.SUBMITTED, S.CHANGES_REQUESTED): Move(_("Request changes"), access.can_review_plans, True, "warning"),
    (S.CHANGES_REQUESTED, S.SUBMITTED): Move(_("Resubmit for review"), access.can_facilitate_plans),
    (S.SUBMITTED, S.APPROVED): Move(_("Approve"), access.can_review_plans, False, "success"),
    (S.APPROVED, S.IN_IMPLEMENTATION): Move(_("Start implementation"), access.can_facilitate_plans),
    (S.IN_IMPLEMENTATION, S.COMPLETED): Move(_("Mark completed"), access.can_facilitate_plans, False, "success"),
}

PLANS = Workflow(
    ConflictPreventionPlan,
    TRANSITIONS,
    statuses=S,
    stale=_(
        "The plan was changed by someone else since you opened this page (its status, or its risks and "
        "actions). Nothing was done: read the current plan and try again."
    ),
    not_allowed=_("A plan that is “%(status)s” cannot become “%(to)s”."),
    comment_required=_("Say what should change, in the comment."),
)
moves_for = PLANS.moves_for


@transaction.atomic
def transition(
    plan, to, user, comment="", *, version, decision_number="", decision_date=None, approving_body=""
) -> ConflictPreventionPlan:
    """Move the plan to `to`. `version` is the one the user's page showed: a stale page is refused.

    Approval needs `decision_number` and `decision_date` (the approving body's decision or protocol)."""
    locked = PLANS.locked(plan, version)
    PLANS.check_move(locked, to, user, comment)
    now = timezone.now()
    snapshot = None
    if to == S.SUBMITTED:
        if not locked.risks.exists() or not locked.actions.exists():
            raise ValidationError(_("Add at least one risk and one action before submitting."), code="empty")
        snapshot = PlanSnapshot.objects.create(
            plan=locked,
            number=locked.snapshots.count() + 1,
            data=plan_diff.serialize(locked),
            taken_by=user,
        )
        locked.submitted_at = now
    if to == S.APPROVED:
        _set_decision(locked, decision_number, decision_date, approving_body)
        locked.approved_at = now
    if to in {S.CHANGES_REQUESTED, S.APPROVED}:
        snapshot = locked.snapshots.order_by("-number").first()
        if snapshot is not None:
            snapshot.reviewed_at, snapshot.review_outcome = now, to
            snapshot.save(update_fields=["reviewed_at", "review_outcome"])
    PlanStatusChange.objects.create(
        plan=locked,
        from_status=locked.status,
        to_status=to,
        by=user,
        comment=(comment or "").strip(),
        snapshot=snapshot,
    )
    locked.status = to
    locked.version += 1
    locked._history_user = user
    locked.save()
    return locked


def _set_decision(locked, number, date, body):
    number = (number or "").strip()
    errors = {}
    if not number:
        errors["decision_number"] = _("Approval needs the number of the decision or protocol of the approving body.")
    if date is None:
        errors["decision_date"] = _("Approval needs the date of the decision or protocol.")
    elif date > timezone.localdate():
        errors["decision_date"] = _("The date of the decision cannot be in the future.")
    if errors:
        raise ValidationError(errors, code="decision_required")
    locked.decision_number, locked.decision_date, locked.approving_body = number, date, (body or "").strip()


# --- Content edits ------------------------------------------------------------------------------------------


class NotEditable(Exception):
    """The plan was submitted or approved meanwhile (or never was editable): its content cannot change."""


@contextmanager
def editing(plan, user):
    """Change the plan's content inside this block: the plan row is locked, its status checked (draft or
    changes requested), and its version bumped at the end — all in one transaction.

    Raises `NotEditable` when the plan cannot be edited any more, PermissionDenied when the user may not."""
    with transaction.atomic():
        locked = ConflictPreventionPlan.objects.select_for_update().get(pk=plan.pk)
        if not access.can_draft_plans(user) or not access.can_see_site(user, locked.site):
            raise PermissionDenied
        if not locked.is_editable:
            raise NotEditable
        yield locked
        # Not save(): the version is not history (the change itself is, on the plan, risk or action saved).
        ConflictPreventionPlan.objects.filter(pk=locked.pk).update(version=F("version") + 1, updated_at=timezone.now())
        locked.version += 1


@transaction.atomic
def record_progress(action, user, *, status, spent, note="", note_date=None, version) -> PlanAction:
    """Track an action of an approved plan: its status, the money spent, a dated note. Content stays frozen."""
    locked = PlanAction.objects.select_for_update().select_related("plan__site").get(pk=action.pk)
    if not (access.can_track_plan_actions(user) and access.can_see_site(user, locked.plan.site)):
        raise PermissionDenied
    if locked.plan.status not in APPROVED_STATUSES:
        raise ValidationError(_("Progress is recorded once the plan is approved."), code="not_approved")
    if locked.version != int(version):
        raise ValidationError(
            _("Someone else recorded progress on this action since you opened the page. Check it and try again."),
            code="stale",
        )
    locked.status, locked.spent = status, spent
    locked.version += 1
    locked._history_user = user
    locked.save()
    if (note or "").strip():
        ProgressNote.objects.create(action=locked, text=note.strip(), date=note_date or timezone.localdate(), by=user)
    return locked


# --- New version --------------------------------------------------------------------------------------------


@transaction.atomic
def open_new_version(plan, user, *, version) -> ConflictPreventionPlan:
    """Copy an approved plan (risks, actions, their links and notes) into a new draft that succeeds it. The
    approved version stays as it was approved; only one new version can be opened from it."""
    locked = PLANS.locked(plan, version)
    if not (access.can_draft_plans(user) and access.can_see_site(user, locked.site)):
        raise PermissionDenied
    if locked.status not in APPROVED_STATUSES:
        raise ValidationError(
            _("Only an approved plan gets a new version; edit this one instead."), code="not_approved"
        )
    if ConflictPreventionPlan.objects.filter(previous_version=locked).exists():
        raise ValidationError(_("A newer version of this plan was already opened."), code="has_next")
    copy = ConflictPreventionPlan(
        site=locked.site,
        authoring_body=locked.authoring_body,
        title=locked.title,
        period_start=locked.period_start,
        period_end=locked.period_end,
        context_analysis=locked.context_analysis,
        focus_forecasting=locked.focus_forecasting,
        focus_dialogue=locked.focus_dialogue,
        focus_peace=locked.focus_peace,
        version_number=locked.version_number + 1,
        previous_version=locked,
        created_by=user,
    )
    copy._history_user = user
    copy.save()
    risks = {}
    for risk in locked.risks.all():
        old_pk = risk.pk
        risk.pk, risk.id, risk.plan, risk.version = None, None, copy, 1
        risk._history_user = user
        risk.save()
        risks[old_pk] = risk
    for action in locked.actions.prefetch_related(
        "risks", "responsible_organizations", "partner_organizations", "notes"
    ):
        linked = [risks[r.pk] for r in action.risks.all()]
        responsible, partners = list(action.responsible_organizations.all()), list(action.partner_organizations.all())
        notes = list(action.notes.all())
        action.pk, action.id, action.plan, action.version = None, None, copy, 1
        action._prefetched_objects_cache = {}  # else set() below would compare with the old links
        action._history_user = user
        action.save()
        action.risks.set(linked)
        action.responsible_organizations.set(responsible)
        action.partner_organizations.set(partners)
        ProgressNote.objects.bulk_create(
            [ProgressNote(action=action, date=n.date, text=n.text, by_id=n.by_id) for n in notes]
        )
    return copy
