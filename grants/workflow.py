"""The one place an application changes status (and, below, where reviews take their steps):

    draft → submitted → eligibility screening → in review → approved | rejected
    submitted → draft (returned for corrections);  screening → rejected (not eligible);
    draft, submitted, screening, in review → withdrawn (the applicants' request)

Staff make every move within their sites. An applicant's account (the lead applicant's) submits and withdraws its
own application, when the call takes applications online (`Move.owner_may`).

Reviews: `assign_reviewer()`, then the reviewer's `declare()` (a conflict recuses them) and `score()` (with
`submit=True` to hand it in).

`transition()` locks the application row, refuses a page opened on an older version, checks the move and
who makes it, saves, and records who, when and why — in one transaction. Screening → review re-reads eligibility
(grants.eligibility): an application that fails a rule goes on only with a reason, recorded with the rules failed.
Approval goes through `approve()`, which also creates the award within the call's envelope. Views call these
functions; nothing else assigns `status`.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grants import eligibility, limits
from grants.models import ApplicationStatus as S
from grants.models import Award, GrantApplication, GrantCall, Review, ReviewCriterion, Score, StatusChange
from mapping_portal import access
from mapping_portal.text import format_amount
from mapping_portal.workflow import Move, Workflow

TRANSITIONS = {
    (S.DRAFT, S.SUBMITTED): Move(_("Submit"), access.can_manage_grants, owner_may=access.can_submit_own_application),
    (S.SUBMITTED, S.DRAFT): Move(_("Return for corrections"), access.can_manage_grants, True, "outline-secondary"),
    (S.SUBMITTED, S.SCREENING): Move(_("Start eligibility screening"), access.can_manage_grants),
    (S.SCREENING, S.IN_REVIEW): Move(_("Eligible: send to review"), access.can_manage_grants),
    (S.SCREENING, S.REJECTED): Move(_("Not eligible: reject"), access.can_manage_grants, True, "outline-danger"),
    (S.IN_REVIEW, S.APPROVED): Move(_("Approve and award"), access.can_manage_grants, False, "success"),
    (S.IN_REVIEW, S.REJECTED): Move(_("Reject"), access.can_manage_grants, True, "outline-danger"),
    **{
        (state, S.WITHDRAWN): Move(
            _("Withdraw"),
            access.can_manage_grants,
            True,
            "outline-secondary",
            owner_may=access.can_withdraw_own_application,
        )
        for state in (S.DRAFT, S.SUBMITTED, S.SCREENING, S.IN_REVIEW)
    },
}

APPLICATIONS = Workflow(
    GrantApplication,
    TRANSITIONS,
    statuses=S,
    stale=_("The application was changed by someone else since you opened this page. Check it and try again."),
    not_allowed=_("An application that is “%(status)s” cannot become “%(to)s”."),
    comment_required=_("Say why, in the comment."),
)
moves_for = APPLICATIONS.moves_for


def _record(locked, to, user, comment, failed_rules=()):
    StatusChange.objects.create(
        application=locked,
        from_status=locked.status,
        to_status=to,
        by=user,
        comment=(comment or "").strip(),
        failed_rules=list(failed_rules),
    )
    locked.status = to
    if to == S.SUBMITTED:
        locked.submitted_at = timezone.now()
    locked.version += 1
    locked._history_user = user
    locked.save()
    return locked


@transaction.atomic
def transition(application, to, user, comment="", *, version) -> GrantApplication:
    """Move the application to `to`. `version` is the one the user's page showed: a stale page is refused."""
    if to == S.APPROVED:
        raise ValidationError(_("Approval needs the amount awarded."), code="needs_amount")
    locked = APPLICATIONS.locked(application, version)
    APPLICATIONS.check_move(locked, to, user, comment)
    if to == S.SUBMITTED:
        _check_submittable(locked)
    failed = _check_reason_for_review(locked, to, comment)
    return _record(locked, to, user, comment, [check.key for check in failed])


def _check_reason_for_review(application, to, comment) -> list:
    """Screening → review: the eligibility rules the application fails, read from the records now. Sending on an
    application that fails one needs the reason, in the comment (recorded with the rules on the status change)."""
    if (application.status, to) != (S.SCREENING, S.IN_REVIEW):
        return []
    failed = eligibility.failed(application)
    if failed and not (comment or "").strip():
        raise ValidationError(
            _("The application does not meet: %(rules)s. To send it on to review, say why in the comment."),
            params={"rules": "; ".join(check.name for check in failed)},
            code="reason_required",
        )
    return failed


def _check_submittable(application):
    requested, _co_funding = application.totals_from_lines()
    if requested <= 0:
        raise ValidationError(_("Add the budget lines before submitting."), code="no_budget")
    if requested > application.call.max_per_grant:
        raise ValidationError(
            _("The budget asks for more than the call's maximum per grant: correct it first."), code="over_maximum"
        )


def remaining_in_envelope(call) -> Decimal:
    """What the call's envelope still holds (envelope minus every award), summed in SQL."""
    from django.db.models import Sum

    awarded = Award.objects.filter(call=call).aggregate(total=Sum("amount"))["total"] or Decimal("0")
    return call.envelope - awarded


@transaction.atomic
def approve(application, user, amount, comment="", *, version) -> Award:
    """Approve the application and award `amount` (≤ requested), within the call's envelope.

    The call row is locked first (the same lock the database trigger takes), so two staff approving
    applications of one call at the same moment are served one after the other, and the second sees the
    first one's award. The trigger `award_within_envelope` is the guarantee behind this check.
    """
    call = GrantCall.objects.select_for_update().get(pk=application.call_id)
    locked = APPLICATIONS.locked(application, version)
    APPLICATIONS.check_move(locked, S.APPROVED, user, comment)
    amount = Decimal(amount)
    if amount <= 0:
        raise ValidationError(_("The amount awarded must be more than zero."), code="amount")
    if amount > locked.requested_amount:
        raise ValidationError(
            _("The amount awarded cannot be more than the %(requested)s som requested."),
            params={"requested": format_amount(locked.requested_amount)},
            code="over_requested",
        )
    remaining = remaining_in_envelope(call)
    if amount > remaining:
        raise ValidationError(
            _("Only %(remaining)s som remain in the call's envelope: %(amount)s som cannot be awarded."),
            params={"remaining": format_amount(remaining), "amount": format_amount(amount)},
            code="over_envelope",
        )
    with limits.held():  # the triggers: only if the checks above were somehow bypassed
        award = Award.objects.create(application=locked, call=call, amount=amount, decided_by=user)
        _record(locked, S.APPROVED, user, comment)
    return award


# --- Reviews: assigned → declared (scoring, or recused) → submitted ----------------------------------------


@transaction.atomic
def assign_reviewer(application, reviewer, by) -> Review:
    """Staff assign a reviewer (a user with the reviewer role) to an application in screening or review."""
    locked = GrantApplication.objects.select_for_update().get(pk=application.pk)
    if not access.can_manage_application(by, locked):
        raise PermissionDenied
    if not access.can_review_applications(reviewer):
        raise ValidationError(_("Only an active grant reviewer can be assigned."), code="not_a_reviewer")
    if locked.status not in {S.SCREENING, S.IN_REVIEW}:
        raise ValidationError(
            _("Reviewers are assigned during screening or review, not when the application is “%(status)s”."),
            params={"status": locked.get_status_display()},
            code="not_in_review",
        )
    review, created = Review.objects.get_or_create(application=locked, reviewer=reviewer, defaults={"assigned_by": by})
    if not created:
        raise ValidationError(
            _("%(name)s is already assigned to this application."), params={"name": reviewer}, code="assigned"
        )
    return review


def _locked_review(review, user, version) -> Review:
    """The review's row, locked for this transaction: only the reviewer's own (`Review.objects.assigned_to`)."""
    try:
        locked = Review.objects.assigned_to(user).select_for_update().select_related("application").get(pk=review.pk)
    except Review.DoesNotExist:
        raise PermissionDenied from None
    if version is not None and locked.version != int(version):
        raise ValidationError(
            _("This review was changed in another window since you opened this page. Reload it."), code="stale"
        )
    return locked


@transaction.atomic
def declare(review, user, *, conflict: bool, note="", confidentiality: bool, version) -> Review:
    """The reviewer's declaration before seeing scores: a conflict of interest recuses them (recorded with its
    note); otherwise they must accept confidentiality before scoring."""
    locked = _locked_review(review, user, version)
    if locked.status != Review.Status.ASSIGNED:
        raise ValidationError(_("The declaration was already made."), code="declared")
    locked.declared_at = timezone.now()
    if conflict:
        if not (note or "").strip():
            raise ValidationError(_("Describe the conflict of interest in a few words."), code="note_required")
        locked.status, locked.has_conflict, locked.conflict_note = Review.Status.RECUSED, True, note.strip()
    else:
        if not confidentiality:
            raise ValidationError(
                _("Accept to keep the application and your scores confidential before scoring."),
                code="confidentiality",
            )
        locked.status, locked.has_conflict, locked.confidentiality_accepted = Review.Status.SCORING, False, True
    locked.version += 1
    locked._history_user = user
    locked.save()
    return locked


def weighted_total(pairs) -> Decimal | None:
    """0–100 from (score 1–5, weight %) pairs: score 5 on every criterion gives 100. None without scores."""
    pairs = list(pairs)
    if not pairs:
        return None
    return (sum(Decimal(score) * weight for score, weight in pairs) / 5).quantize(Decimal("0.1"))


@transaction.atomic
def score(review, user, scores, *, recommendation="", comment="", submit=False, version) -> Review:
    """Save the reviewer's scores — `scores` maps criterion id → (score 1–5, comment) — and, with `submit`,
    hand the review in (every criterion scored, a recommendation given). Scoring needs the declaration."""
    locked = _locked_review(review, user, version)
    if locked.status == Review.Status.ASSIGNED:
        raise ValidationError(_("Declare first that you have no conflict of interest."), code="not_declared")
    if locked.status != Review.Status.SCORING:
        raise ValidationError(_("This review can no longer be changed."), code="closed")
    if locked.application.status != S.IN_REVIEW:
        raise ValidationError(_("The application is not in review any more."), code="not_in_review")
    criteria = {c.pk: c for c in ReviewCriterion.objects.filter(call_id=locked.application.call_id)}
    for criterion_id, (value, note) in scores.items():
        if criterion_id not in criteria:
            raise ValidationError(_("A score was given for a criterion of another call."), code="criterion")
        if value is None:
            Score.objects.filter(review=locked, criterion_id=criterion_id).delete()
            continue
        if not (isinstance(value, int) and 1 <= value <= 5):
            raise ValidationError(_("Scores go from 1 to 5."), code="range")
        Score.objects.update_or_create(
            review=locked, criterion_id=criterion_id, defaults={"score": value, "comment": (note or "").strip()}
        )
    given = list(Score.objects.filter(review=locked).values_list("score", "criterion__weight"))
    locked.weighted_total = weighted_total(given)
    locked.recommendation, locked.comment = recommendation or "", (comment or "").strip()
    if submit:
        if len(given) < len(criteria):
            raise ValidationError(
                _("Score every criterion before submitting (%(missing)s missing)."),
                params={"missing": len(criteria) - len(given)},
                code="incomplete",
            )
        if not locked.recommendation:
            raise ValidationError(_("Give your recommendation before submitting."), code="no_recommendation")
        locked.status, locked.submitted_at = Review.Status.SUBMITTED, timezone.now()
    locked.version += 1
    locked._history_user = user
    locked.save()
    return locked
