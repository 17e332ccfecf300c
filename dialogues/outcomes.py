"""Training outcomes: what the pre- and post-training knowledge checks of held trainings show, for the event's
page and the results framework.

* **Scores** are whole numbers from 0 to the maximum set per training; figures are in % of that maximum, so that
  trainings scored out of 10 and out of 100 add up.
* **Passed**: a score *after* the training of at least 70 % of the maximum (`PASS_PERCENT`).
* **Named scores** (on the participants' attendance rows): a participant with both scores is *checked*; *improved*
  when the score after is higher than before. A score after without one before is counted apart (``after_only``);
  a score before alone counts nowhere. A person checked at two trainings counts at each.
* **Anonymous distributions** (people per tenth of the maximum, before and after, no names) cannot be paired: they
  give how many were counted and passed before and after, and a mean estimated from the middle of each band.
  They are never added to the named figures.

Plain numbers: the caller suppresses small cells for the roles that may not see them.
"""

from dataclasses import dataclass

from django.db.models import Avg, Count, F, FloatField, Q
from django.db.models.functions import Cast

from dialogues.models import BAND_COUNT, PASS_PERCENT, Attendance, AttendanceRole, Event, EventKind, KnowledgeCheck
from mapping_portal import suppression


@dataclass(frozen=True)
class KnowledgeChange:
    """The knowledge checks of some held trainings, in numbers (means in % of each training's maximum)."""

    trainings: int = 0  # held trainings with a knowledge check
    checked: int = 0  # participants with a score before and after
    mean_before: float | None = None
    mean_after: float | None = None
    improved: int = 0  # of the checked: higher after than before
    passed_before: int = 0  # of the checked: ≥ 70 % before
    passed: int = 0  # of the checked: ≥ 70 % after
    after_only: int = 0  # participants with a score after only
    after_only_passed: int = 0
    anonymous_before: int = 0  # people in the anonymous distributions, before
    anonymous_after: int = 0
    anonymous_mean_before: float | None = None  # estimated from the middle of each band
    anonymous_mean_after: float | None = None
    anonymous_passed_before: int = 0
    anonymous_passed: int = 0

    @property
    def any(self) -> bool:
        return bool(self.checked or self.after_only or self.anonymous_before or self.anonymous_after)


# The middle of each band in % of the maximum (0–9 % → 5, …, 90–100 % → 95) and the first band that passes.
BAND_MIDDLES = [band * 10 + 5 for band in range(BAND_COUNT)]
FIRST_PASSING_BAND = PASS_PERCENT // 10


def knowledge_change(events) -> KnowledgeChange:
    """The knowledge checks of the held trainings among `events` (a queryset of events), in at most two SQL queries
    whatever the number of events: one read of the checks' distributions, then (when there is a check) one
    aggregate over the participants' scores."""
    trainings = Event.objects.filter(pk__in=events.values("pk"), kind=EventKind.TRAINING, status=Event.Status.HELD)
    checks = list(KnowledgeCheck.objects.filter(event__in=trainings).values_list("before_bands", "after_bands"))
    if not checks:
        return KnowledgeChange()
    maximum = Cast(F("event__knowledge_check__max_score"), FloatField())
    both = Q(pre_score__isnull=False, post_score__isnull=False)
    after_only = Q(pre_score__isnull=True, post_score__isnull=False)
    # score × 100 ≥ 70 × maximum, in whole numbers: no rounding at the edge.
    passed_after = Q(post_score__gte=F("event__knowledge_check__max_score") * PASS_PERCENT / 100.0)
    passed_before = Q(pre_score__gte=F("event__knowledge_check__max_score") * PASS_PERCENT / 100.0)
    named = Attendance.objects.filter(
        event__in=trainings, event__knowledge_check__isnull=False, role=AttendanceRole.PARTICIPANT
    ).aggregate(
        checked=Count("pk", filter=both),
        mean_before=Avg(Cast("pre_score", FloatField()) * 100 / maximum, filter=both),
        mean_after=Avg(Cast("post_score", FloatField()) * 100 / maximum, filter=both),
        improved=Count("pk", filter=both & Q(post_score__gt=F("pre_score"))),
        passed_before=Count("pk", filter=both & passed_before),
        passed=Count("pk", filter=both & passed_after),
        after_only=Count("pk", filter=after_only),
        after_only_passed=Count("pk", filter=after_only & passed_after),
    )
    before = _sum_bands(bands for bands, _after in checks)
    after = _sum_bands(bands for _before, bands in checks)
    return KnowledgeChange(
        trainings=len(checks),
        **named,
        anonymous_before=sum(before),
        anonymous_after=sum(after),
        anonymous_mean_before=_band_mean(before),
        anonymous_mean_after=_band_mean(after),
        anonymous_passed_before=sum(before[FIRST_PASSING_BAND:]),
        anonymous_passed=sum(after[FIRST_PASSING_BAND:]),
    )


def _sum_bands(distributions) -> list[int]:
    totals = [0] * BAND_COUNT
    for bands in distributions:
        for band, count in enumerate(bands or []):
            totals[band] += count
    return totals


def _band_mean(counts) -> float | None:
    people = sum(counts)
    return sum(c * m for c, m in zip(counts, BAND_MIDDLES, strict=True)) / people if people else None


def shown_change(change, suppressing: bool) -> dict | None:
    """The figures of a KnowledgeChange as a page shows them: counts of 1–4 as "<5" and the means of fewer than 5
    people hidden, for those who may not see small counts; None when nothing was checked."""
    if not change.any:
        return None

    def count(value):
        return suppression.count(value, suppressing)

    def mean(value, people):
        if value is None or (suppressing and people < suppression.SMALLEST_SHOWN):
            return None
        return round(value)

    return {
        "checked": count(change.checked),
        "mean_before": mean(change.mean_before, change.checked),
        "mean_after": mean(change.mean_after, change.checked),
        "improved": count(change.improved),
        "passed_before": count(change.passed_before),
        "passed": count(change.passed),
        "after_only": count(change.after_only),
        "after_only_passed": count(change.after_only_passed),
        "anonymous_before": count(change.anonymous_before),
        "anonymous_after": count(change.anonymous_after),
        "anonymous_mean_before": mean(change.anonymous_mean_before, change.anonymous_before),
        "anonymous_mean_after": mean(change.anonymous_mean_after, change.anonymous_after),
        "anonymous_passed_before": count(change.anonymous_passed_before),
        "anonymous_passed": count(change.anonymous_passed),
    }
