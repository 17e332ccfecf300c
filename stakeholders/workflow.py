"""The one place an assessment changes state: draft → final (locked) → reopened (draft, with a reason).

Each step locks the row, checks, saves and records who and when, in one transaction. Views call
these functions; nothing else assigns `status`.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stakeholders.models import AssessmentIndicator, AssessmentReopening, CapacityAssessment


@transaction.atomic
def finalize(assessment: CapacityAssessment, user) -> CapacityAssessment:
    """Lock the assessment. Every indicator must have a score or be marked not applicable."""
    locked = CapacityAssessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.is_final:
        raise ValidationError(_("This assessment is already final."), code="already_final")
    indicators = AssessmentIndicator.objects.filter(domain__template=locked.template_id)
    answered = locked.scores.filter(indicator__in=indicators).exclude(score__isnull=True, not_applicable=False)
    missing = indicators.count() - answered.count()
    if missing:
        raise ValidationError(
            _("%(count)s indicators have neither a score nor “not applicable”: complete them first."),
            params={"count": missing},
            code="incomplete",
        )
    locked.status = CapacityAssessment.Status.FINAL
    locked.finalized_at, locked.finalized_by = timezone.now(), user
    locked.version += 1
    locked._history_user = user
    locked.save()
    return locked


@transaction.atomic
def reopen(assessment: CapacityAssessment, user, reason: str) -> CapacityAssessment:
    """Open a final assessment again for corrections; the reason is kept."""
    locked = CapacityAssessment.objects.select_for_update().get(pk=assessment.pk)
    if not locked.is_final:
        raise ValidationError(_("Only a final assessment can be reopened."), code="not_final")
    if not (reason or "").strip():
        raise ValidationError(_("Say why the assessment is reopened."), code="no_reason")
    AssessmentReopening.objects.create(assessment=locked, by=user, reason=reason.strip())
    locked.status = CapacityAssessment.Status.DRAFT
    locked.finalized_at = locked.finalized_by = None
    locked.version += 1
    locked._history_user = user
    locked.save()
    return locked
