"""Reviews of applications and their scores (grants.workflow owns their steps)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Avg, Max, Min, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from grants.models.applications import GrantApplication
from grants.models.calls import ReviewCriterion
from mapping_portal import access


class ReviewQuerySet(models.QuerySet):
    def for_user(self, user):
        """Reviews one by one: admins and staff (`access.can_view_review_results`) the reviews of the applications in
        their scope; a reviewer (`access.can_review_applications`) their own assignments, recused ones included;
        everyone else none."""
        if access.can_view_review_results(user):
            return self.filter(application__in=GrantApplication.objects.for_user(user))
        return self.assigned_to(user)

    def assigned_to(self, user):
        """The reviewer's own assignments (their list and review pages; recused ones included): none for anyone
        who is not a reviewer, staff included — they read the reviews of an application on its page."""
        if not access.can_review_applications(user):
            return self.none()
        return self.filter(reviewer=user)


class Review(models.Model):
    """A reviewer's assignment to an application, their declaration, their scores and recommendation."""

    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("assigned: declaration pending")
        RECUSED = "recused", _("recused: conflict of interest")
        SCORING = "scoring", _("scoring")
        SUBMITTED = "submitted", _("submitted")

    class Recommendation(models.TextChoices):
        YES = "yes", _("yes: fund it")
        MAYBE = "maybe", _("maybe")
        NO = "no", _("no: do not fund it")

    application = models.ForeignKey(
        GrantApplication, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("application")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="grant_reviews", verbose_name=_("reviewer")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ASSIGNED)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("assigned by")
    )
    assigned_at = models.DateTimeField(_("assigned on"), auto_now_add=True)
    declared_at = models.DateTimeField(_("declared on"), null=True, blank=True)
    has_conflict = models.BooleanField(_("declared a conflict of interest"), null=True)
    conflict_note = models.TextField(_("the conflict of interest"), blank=True)
    confidentiality_accepted = models.BooleanField(_("accepted confidentiality"), default=False)
    recommendation = models.CharField(_("recommendation"), max_length=5, choices=Recommendation.choices, blank=True)
    comment = models.TextField(_("overall comment"), blank=True)
    # The weighted total 0–100 (score 5 on every criterion = 100), kept with the scores.
    weighted_total = models.DecimalField(_("weighted total"), max_digits=5, decimal_places=1, null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted on"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["version"])

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["application", "assigned_at", "id"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="review_once_per_reviewer"),
            models.CheckConstraint(
                name="review_submitted_needs_declaration",
                condition=~Q(status__in=["scoring", "submitted"])
                | Q(has_conflict=False, confidentiality_accepted=True),
            ),
            models.CheckConstraint(
                name="review_submitted_has_recommendation", condition=~Q(status="submitted") | ~Q(recommendation="")
            ),
            models.CheckConstraint(
                name="review_total_range",
                condition=Q(weighted_total__isnull=True) | Q(weighted_total__range=(0, 100)),
            ),
        ]

    def __str__(self):
        return f"{self.reviewer} — {self.application}"

    @classmethod
    def history_rows(cls):
        """Its own rows shown in its history (mapping_portal.history): (model, foreign key, which row it is)."""
        return ((Score, "review", "criterion"),)


class ScoreQuerySet(models.QuerySet):
    def by_criterion(self, application_ids) -> dict:
        """For the given applications, per (application id, criterion id): the average, lowest and highest score of
        the submitted reviews — one grouped query."""
        return {
            (row["review__application"], row["criterion"]): row
            for row in self.filter(review__application__in=application_ids, review__status=Review.Status.SUBMITTED)
            .order_by()
            .values("review__application", "criterion")
            .annotate(average=Avg("score"), lowest=Min("score"), highest=Max("score"))
        }


class Score(models.Model):
    """A reviewer's score (1–5) of one criterion, with a comment."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores", verbose_name=_("review"))
    criterion = models.ForeignKey(
        ReviewCriterion, on_delete=models.PROTECT, related_name="scores", verbose_name=_("criterion")
    )
    score = models.PositiveSmallIntegerField(_("score (1–5)"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(_("comment"), blank=True)
    history = HistoricalRecords()

    objects = ScoreQuerySet.as_manager()

    class Meta:
        ordering = ["review", "criterion__order", "criterion_id"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="score_once_per_criterion"),
            models.CheckConstraint(name="score_range", condition=Q(score__range=(1, 5))),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.score}"
