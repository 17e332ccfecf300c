"""The mechanics every status workflow of the portal shares; each app keeps its own table and side effects.

An app describes its moves as a table `{(from, to): Move}` and builds a `Workflow` over its model. The workflow
answers which moves a user may make (the page's buttons), and, inside the app's transaction, locks the record,
refuses a page opened on an older version and checks the move and who makes it. What a move *does* (a snapshot,
an award, a decision) stays in the app's own `transition()`.

A move is made by a role within its sites (`Move.may`, a predicate of `mapping_portal.access`), or by the
record's own account where the app allows it (`Move.owner_may`, a predicate of the user and the record — an
applicant submitting their own application).
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError

from mapping_portal import access


@dataclass(frozen=True)
class Move:
    label: str
    may: object  # a predicate of mapping_portal.access (user) -> bool: who may make this move, within their sites
    comment_required: bool = False
    style: str = "primary"
    owner_may: object = None  # a predicate (user, record) -> bool for the record's own account, where allowed


class Workflow:
    """The moves of one model's `status`, with the messages its pages show when a move is refused."""

    def __init__(self, model, transitions, *, statuses, stale, not_allowed, comment_required):
        self.model = model
        self.transitions = transitions
        self.statuses = statuses
        self.messages = {"stale": stale, "not_allowed": not_allowed, "comment_required": comment_required}

    def may_make(self, move, user, record) -> bool:
        if move.may(user) and access.can_see_site(user, record.site):
            return True
        return move.owner_may is not None and move.owner_may(user, record)

    def moves_for(self, user, record) -> list[tuple[str, Move]]:
        """The moves this user may make from the record's current status (for the page's buttons)."""
        return [
            (to, move)
            for (frm, to), move in self.transitions.items()
            if frm == record.status and self.may_make(move, user, record)
        ]

    def locked(self, record, version):
        """The record's row, locked for this transaction; a page that showed another version is refused."""
        locked = self.model.objects.select_for_update().get(pk=record.pk)
        if version is not None and locked.version != int(version):
            raise ValidationError(self.messages["stale"], code="stale")
        return locked

    def check_move(self, locked, to, user, comment) -> Move:
        """The move from the locked record's status to `to`, if it exists and this user may make it."""
        move = self.transitions.get((locked.status, to))
        if move is None:
            raise ValidationError(
                self.messages["not_allowed"],
                params={"status": locked.get_status_display(), "to": self.label_of(to)},
                code="not_allowed",
            )
        if not self.may_make(move, user, locked):
            raise PermissionDenied
        if move.comment_required and not (comment or "").strip():
            raise ValidationError(self.messages["comment_required"], code="comment_required")
        return move

    def label_of(self, status) -> str:
        return self.statuses(status).label if status in self.statuses.values else str(status)
