"""Small-cell suppression: the one rule for every page, export and report that shows counts of people to
someone who may not see small counts (access.can_view_small_counts: everyone but admins and staff).

* A count of 1–4 people is shown as "<5" (`SMALL`); 0 is shown (it says nothing about anyone).
* In a breakdown whose total is shown, one hidden cell could be worked out as the total minus the others. So
  when a breakdown hides exactly one cell, the next smallest non-zero cell is hidden too, and shown as "≥5"
  (`COMPLEMENT`: its true value is 5 or more) with a note saying why — never as "<5", which would be false.
* A share (a percentage) of a group is hidden (`FEW`, "n<5") when the people it counts, or the rest of the
  group, number 1–4: 3 women of 40 participants is 7.5 %, and 7.5 % of a known 40 is the 3.

Hidden cells are `Hidden` strings: they print as their mark in pages and files, and carry a `reason` that a
page or report turns into its note (`NOTES`).
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

SMALLEST_SHOWN = 5


class Hidden(str):
    """A cell not shown: prints as its mark; `reason` is "small", "complement" or "few"."""

    reason: str

    def __new__(cls, mark: str, reason: str):
        hidden = super().__new__(cls, mark)
        hidden.reason = reason
        return hidden

    def __reduce__(self):  # keeps the reason through pickling (cached pages, background jobs)
        return (Hidden, (str(self), self.reason))


SMALL = Hidden("<5", "small")
COMPLEMENT = Hidden("≥5", "complement")
FEW = Hidden("n<5", "few")

NOTES = {
    "small": _("<5: fewer than 5 people; the number is not shown so that nobody can be recognised."),
    "complement": _("≥5: 5 people or more, hidden only so that a cell under 5 cannot be worked out from the total."),
    "few": _("n<5: the share is not shown because it counts fewer than 5 people, or leaves fewer than 5 out."),
}


def is_small(value) -> bool:
    return isinstance(value, int) and 0 < value < SMALLEST_SHOWN


def count(value: int, suppressing: bool):
    """One count of people on its own (a headline figure, a list's column)."""
    return SMALL if suppressing and is_small(value) else value


def breakdown(values: list[int], total: int | None = None, suppressing: bool = True) -> list:
    """The cells of one breakdown (by sex, by age band…) whose `total` is shown beside them (None: the sum).
    Cells of 1–4 become SMALL; if that leaves exactly one hidden cell and the total is shown (5 or more), the
    next smallest non-zero cell becomes COMPLEMENT."""
    if not suppressing:
        return list(values)
    total = sum(values) if total is None else total
    shown = list(values)
    small = [i for i, value in enumerate(values) if is_small(value)]
    for i in small:
        shown[i] = SMALL
    if len(small) == 1 and total >= SMALLEST_SHOWN:
        others = sorted((value, i) for i, value in enumerate(values) if value > 0 and i not in small)
        if others:
            shown[others[0][1]] = COMPLEMENT
    return shown


def share(part: int, whole: int, suppressing: bool = True, places: int = 1):
    """`part` of `whole` as a percentage (a Decimal rounded to `places`), None when `whole` is 0; FEW when
    suppressing and either the part or the rest is 1–4 people."""
    if not whole:
        return None
    if suppressing and (is_small(part) or is_small(whole - part)):
        return FEW
    quantum = Decimal(1).scaleb(-places)
    return (Decimal(part) * 100 / Decimal(whole)).quantize(quantum, rounding=ROUND_HALF_UP)


def notes(*cells) -> list:
    """The notes a page or file needs for the hidden cells among `cells` (nested lists are walked), in a fixed
    order, each once."""
    reasons = set()

    def walk(items):
        for item in items:
            if isinstance(item, Hidden):
                reasons.add(item.reason)
            elif isinstance(item, list | tuple):
                walk(item)

    walk(cells)
    return [NOTES[reason] for reason in NOTES if reason in reasons]
