"""The knowledge check of a training: its maximum score, the anonymous distribution of scores before and after
(when names are not kept), and the bands of the maximum score both are read in. The named scores live on the
participant's attendance row (`Attendance.pre_score`, `post_score`)."""

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from dialogues.models.events import Event, EventKind

# Scores are whole numbers from 0 to a maximum set per training (10 questions, or 100 points).
LARGEST_MAX_SCORE = 1000
# A participant passed when their score after the training is at least 70 % of the maximum.
PASS_PERCENT = 70
# The anonymous distribution counts people per tenth of the maximum: 0–9 %, 10–19 %, …, 90–100 %.
BAND_COUNT = 10


def band_scores(max_score: int, band: int) -> tuple[int, int] | None:
    """The lowest and highest whole score in band `band` (0–9) of `max_score`, or None when no whole score falls
    in it (a maximum under 10). Band 7 starts at the first score of at least 70 %: a pass is bands 7–9 exactly."""
    low = -(-band * max_score // BAND_COUNT)  # ceil(band × max / 10)
    high = max_score if band == BAND_COUNT - 1 else -(-(band + 1) * max_score // BAND_COUNT) - 1
    return (low, high) if low <= high else None


def passed(score: int, max_score: int) -> bool:
    """At least PASS_PERCENT % of the maximum (in whole numbers: no rounding at the edge)."""
    return score * 100 >= PASS_PERCENT * max_score


def validate_score(score, max_score):
    """A score is a whole number from 0 to the training's maximum."""
    if score is not None and not (0 <= score <= max_score):
        raise ValidationError(
            _("A score must be from 0 to %(max)s (the maximum score of this training); %(score)s was entered."),
            code="out_of_range",
            params={"max": max_score, "score": score},
        )


class KnowledgeCheck(models.Model):
    """A training's pre- and post-training knowledge check: its maximum score and, when names are not kept, how
    many people scored in each tenth of it before and after. Named scores are on the attendance rows."""

    event = models.OneToOneField(
        Event, on_delete=models.CASCADE, primary_key=True, related_name="knowledge_check", verbose_name=_("event")
    )
    max_score = models.PositiveSmallIntegerField(
        _("maximum score"),
        validators=[MinValueValidator(1), MaxValueValidator(LARGEST_MAX_SCORE)],
        help_text=_("The highest score of the test, e.g. 10 (questions) or 100 (points)."),
    )
    before_bands = ArrayField(
        models.PositiveIntegerField(),
        size=BAND_COUNT,
        default=list,
        blank=True,
        verbose_name=_("people per band before"),
    )
    after_bands = ArrayField(
        models.PositiveIntegerField(),
        size=BAND_COUNT,
        default=list,
        blank=True,
        verbose_name=_("people per band after"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("knowledge check")
        verbose_name_plural = _("knowledge checks")
        constraints = [
            models.CheckConstraint(
                name="knowledge_max_score_in_range", condition=Q(max_score__gte=1, max_score__lte=LARGEST_MAX_SCORE)
            ),
            # No distribution (empty) or one count per band.
            models.CheckConstraint(
                name="knowledge_before_bands_complete",
                condition=Q(before_bands__len=0) | Q(before_bands__len=BAND_COUNT),
            ),
            models.CheckConstraint(
                name="knowledge_after_bands_complete",
                condition=Q(after_bands__len=0) | Q(after_bands__len=BAND_COUNT),
            ),
        ]

    def __str__(self):
        return f"{self.event}: /{self.max_score}"

    def clean(self):
        if self.event_id and self.event.kind != EventKind.TRAINING:
            raise ValidationError(_("A knowledge check belongs to a training."))
        for name in ("before_bands", "after_bands"):
            counts = getattr(self, name)
            if any(count < 0 for count in counts):
                raise ValidationError({name: _("A number of people cannot be negative.")})
            if self.max_score:
                for band, count in enumerate(counts):
                    if count and band_scores(self.max_score, band) is None:
                        params = {"max": self.max_score, "band": band_label(band)}
                        raise ValidationError({name: EMPTY_BAND_MESSAGE % params})


EMPTY_BAND_MESSAGE = _("No whole score out of %(max)s falls in the band %(band)s: leave it empty.")


def band_label(band: int) -> str:
    """ "0–9 %", …, "90–100 %": a band in % of the maximum."""
    return f"{band * 10}–{100 if band == BAND_COUNT - 1 else band * 10 + 9} %"
