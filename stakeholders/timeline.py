"""An organization's timeline: one date-ordered list of what happened to it, from every app.

Each app that has something to show registers a provider — `provider(user, organization)` returning
`TimelineItem`s the user may see — through `register`, in its AppConfig.ready. The registry and its
own items (created, assessed, development actions) live here; dialogues and grants add theirs
without this module knowing them.
"""

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mapping_portal import access


@dataclass
class TimelineItem:
    when: datetime.date
    kind: str  # a short machine name: "created", "assessment", "development-action", …
    title: str
    detail: str = ""
    url: str = ""


PROVIDERS = []


def register(provider):
    PROVIDERS.append(provider)
    return provider


def unregister(provider):
    PROVIDERS.remove(provider)


def _as_date(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def timeline_for(user, organization) -> list[TimelineItem]:
    """Every provider's items for this organization, newest first."""
    items = [item for provider in PROVIDERS for item in provider(user, organization)]
    return sorted(items, key=lambda item: _as_date(item.when), reverse=True)


@register
def created(user, organization):
    return [TimelineItem(organization.created_at, "created", _("Entered in the registry"))]


@register
def assessments(user, organization):
    from stakeholders.models import CapacityAssessment, DevelopmentAction

    if not access.can_view_assessments(user):
        return []
    items = []
    for assessment in CapacityAssessment.objects.for_user(user).filter(organization=organization):
        items.append(
            TimelineItem(
                assessment.date,
                "assessment",
                _("Capacity assessment: %(kind)s") % {"kind": assessment.get_kind_display()},
                assessment.get_status_display(),
                reverse("stakeholders:assessment-detail", args=[assessment.pk]),
            )
        )
    actions = DevelopmentAction.objects.filter(
        assessment__in=CapacityAssessment.objects.for_user(user).filter(organization=organization)
    )
    for action in actions:
        items.append(
            TimelineItem(
                action.due or action.created_at,
                "development-action",
                _("Capacity development: %(what)s") % {"what": action.what},
                f"{action.who} · {action.get_status_display()}",
                reverse("stakeholders:assessment-detail", args=[action.assessment_id]),
            )
        )
    return items


@register
def merges(user, organization):
    if not access.can_merge_records(user):
        return []
    return [
        TimelineItem(
            merge.merged_at,
            "merge",
            _("Merged with “%(name)s”") % {"name": merge.merged},
            merge.reason,
            reverse("stakeholders:organization-merge-detail", args=[merge.pk]),
        )
        for merge in organization.merges.select_related("merged")
    ]
