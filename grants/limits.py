"""The grants' money limits as the user reads them. Every limit is checked in Python under a row lock (for a clear
message with the figures) and guaranteed by the database (triggers of migration 0002, check constraints); when the
database refuses a write anyway — someone changed the figures between the check and the save, or a path skipped
the check — `held()` turns the constraint error into a ValidationError with this message, and the transaction
(or savepoint) is rolled back whole: never a 500, never half-saved.

The limits: the awards of a call within its envelope (and the envelope never below its awards); an award within
the amount requested; the planned tranches, and the paid ones, within the award (and the award never below them);
a tranche's payment within its planned amount; the maximum per grant within the envelope.
"""

from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "awards_within_envelope": _(
        "The awards of this call would add up to more than its envelope (an award may have been approved meanwhile). "
        "Nothing was saved: reload the page, check the figures and try again."
    ),
    "award_within_requested": _("The amount awarded cannot be more than the amount requested."),
    "tranches_within_award": _(
        "The tranches would add up to more than the award (someone may have planned or paid one meanwhile). "
        "Nothing was saved: reload the page, check the figures and try again."
    ),
    "tranche_paid_within_planned": _("A payment cannot be more than its tranche's planned amount."),
    "call_maximum_within_envelope": _("The maximum per grant cannot be more than the whole envelope."),
}
OTHER = _("This change would break one of the grants' limits and was not saved: reload the page and try again.")

# The form field a limit's message belongs to, on the call's form.
CALL_FIELDS = {"awards_within_envelope": "envelope", "call_maximum_within_envelope": "max_per_grant"}


def constraint_of(error) -> str | None:
    """The name of the constraint (or trigger's CONSTRAINT) PostgreSQL reported, if any."""
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None)


def refusal(error) -> ValidationError:
    name = constraint_of(error)
    return ValidationError(MESSAGES.get(name, OTHER), code=name or "constraint")


@contextmanager
def held():
    """Run a grants write in a transaction (a savepoint when nested); a constraint error becomes a ValidationError
    carrying the limit's message, after the rollback."""
    try:
        with transaction.atomic():
            yield
    except (IntegrityError, DataError) as error:
        raise refusal(error) from error
