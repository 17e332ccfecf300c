"""The one place an application changes status (and, below, where reviews take their steps):

    draft → submitted → eligibility screening → in review → approved | rejected
    submitted → draft (returned for corrections);  screening → rejected (not eligible);
    draft, submitted, screening, in review → withdrawn (the applicants' request)

`transition()` locks the application row, refuses a page opened on an older version, checks the move and
who makes it, saves, and records who, when and why — in one transaction. Approval goes through
`approve()`, which also creates the award within the call's envelope. Views call these functions; nothing
else assigns `status`.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grants.models import ApplicationStatus as S
from grants.models import Award, GrantApplication, GrantCall, StatusChange
from mapping_portal import access


@dataclass(frozen=True)
class Move:
    label: str
    may: object  # a predicate of mapping_portal.access: who may make this move
    comment_required: bool = False
    style: str = "primary"


TRANSITIONS = {
    (S.DRAFT, S.SUBMITTED): Move(_("Submit"), access.can_manage_grants),
    (S.SUBMITTED, S.DRAFT): Move(_("Return for corrections"), access.can_manage_grants, True, "outline-secondary"),
    (S.SUBMITTED, S.SCREENING): Move(_("Start eligibility screening"), access.can_manage_grants),
    (S.SCREENING, S.IN_REVIEW): Move(_("Eligible: send to review"), access.can_manage_grants),
    (S.SCREENING, S.REJECTED): Move(_("Not eligible: reject"), access.can_manage_grants, True, "outline-danger"),
    (S.IN_REVIEW, S.APPROVED): Move(_("Approve and award"), access.can_manage_grants, False, "success"),
    (S.IN_REVIEW, S.REJECTED): Move(_("Reject"), access.can_manage_grants, True, "outline-danger"),
    **{
        (state, S.WITHDRAWN): Move(_("Withdraw"), access.can_manage_grants, True, "outline-secondary")
        for state in (S.DRAFT, S.SUBMITTED, S.SCREENING, S.IN_REVIEW)
    },
}


def moves_for(user, application) -> list[tuple[str, Move]]:
    """The moves this user may make from the application's current status (for the page's buttons)."""
    if not access.can_see_site(user, application.site):
        return []
    return [(to, move) for (frm, to), move in TRANSITIONS.items() if frm == application.status and move.may(user)]


def _locked(application, version) -> GrantApplication:
    locked = GrantApplication.objects.select_for_update().get(pk=application.pk)
    if version is not None and locked.version != int(version):
        raise ValidationError(
            _("The application was changed by someone else since you opened this page. Check it and try again."),
            code="stale",
        )
    return locked


def _check_move(locked, to, user, comment) -> Move:
    move = TRANSITIONS.get((locked.status, to))
    if move is None:
        raise ValidationError(
            _("An application that is “%(status)s” cannot become “%(to)s”."),
            params={"status": locked.get_status_display(), "to": S(to).label},
            code="not_allowed",
        )
    if not (move.may(user) and access.can_see_site(user, locked.site)):
        raise PermissionDenied
    if move.comment_required and not (comment or "").strip():
        raise ValidationError(_("Say why, in the comment."), code="comment_required")
    return move


def _record(locked, to, user, comment):
    StatusChange.objects.create(
        application=locked, from_status=locked.status, to_status=to, by=user, comment=(comment or "").strip()
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
    locked = _locked(application, version)
    _check_move(locked, to, user, comment)
    if to == S.SUBMITTED:
        _check_submittable(locked)
    return _record(locked, to, user, comment)


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
    locked = _locked(application, version)
    _check_move(locked, S.APPROVED, user, comment)
    amount = Decimal(amount)
    if amount <= 0:
        raise ValidationError(_("The amount awarded must be more than zero."), code="amount")
    if amount > locked.requested_amount:
        raise ValidationError(
            _("The amount awarded cannot be more than the %(requested)s som requested."),
            params={"requested": _som(locked.requested_amount)},
            code="over_requested",
        )
    remaining = remaining_in_envelope(call)
    if amount > remaining:
        raise ValidationError(
            _("Only %(remaining)s som remain in the call's envelope: %(amount)s som cannot be awarded."),
            params={"remaining": _som(remaining), "amount": _som(amount)},
            code="over_envelope",
        )
    try:
        with transaction.atomic():
            award = Award.objects.create(application=locked, call=call, amount=amount, decided_by=user)
    except IntegrityError as error:  # the trigger: only if the check above was somehow bypassed
        raise ValidationError(_("This award would exceed the call's envelope."), code="over_envelope") from error
    _record(locked, S.APPROVED, user, comment)
    return award


def _som(amount) -> str:
    return f"{amount:,.2f}".replace(",", " ")
