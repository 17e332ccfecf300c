"""Timelines of organizations and people: one date-ordered list of what happened to each, from every app.

Each app that has something to show registers a provider — `provider(user, organization)` returning
`TimelineItem`s the user may see — on `mapping_portal.hooks.organization_timeline`, in its `hooks.py`; a
person's timeline has its own providers, `provider(user, person)`, on `hooks.person_timeline`. The registry and its
own items (created, assessed, development actions, memberships, merges) live here; dialogues and grants
add theirs without this module knowing them. A provider fetches its items in a fixed number of queries,
whatever the record's history: the timeline pages' query counts stay constant.
"""

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mapping_portal import access, hooks


@dataclass
class TimelineItem:
    when: datetime.date
    kind: str  # a short machine name: "created", "assessment", "development-action", …
    title: str
    detail: str = ""
    url: str = ""


def _as_date(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def timeline_for(user, organization) -> list[TimelineItem]:
    """Every provider's items for this organization, newest first."""
    items = hooks.organization_timeline.gather(user, organization)
    return sorted(items, key=lambda item: _as_date(item.when), reverse=True)


def person_timeline_for(user, person) -> list[TimelineItem]:
    """Every person provider's items for this person, newest first. The page is for admins and staff (personal
    data); each provider still applies its own app's rules."""
    items = hooks.person_timeline.gather(user, person)
    return sorted(items, key=lambda item: _as_date(item.when), reverse=True)


def created(user, organization):
    return [TimelineItem(organization.created_at, "created", _("Entered in the registry"))]


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


# --- A person's own items --------------------------------------------------------------------------------------


def person_created(user, person):
    return [TimelineItem(person.created_at, "created", _("Entered in the registry"))]


def person_memberships(user, person):
    """Each membership on the day it was recorded (its history), with the year it started where known."""
    from stakeholders.models import Membership, Organization

    if not access.can_view_personal_data(user):
        return []
    memberships = list(
        person.memberships.filter(organization__in=Organization.objects.for_user(user)).select_related("organization")
    )
    recorded = dict(
        Membership.history.filter(id__in=[m.pk for m in memberships], history_type="+")
        .order_by()
        .values_list("id", "history_date")
    )
    items = []
    for membership in memberships:
        detail = membership.get_role_display()
        if membership.since:
            detail = _("%(role)s since %(year)s") % {"role": detail, "year": membership.since}
        items.append(
            TimelineItem(
                recorded.get(membership.pk, person.created_at),
                "membership",
                _("Member of “%(name)s”") % {"name": membership.organization.name},
                detail,
                reverse("stakeholders:organization-detail", args=[membership.organization_id]),
            )
        )
    return items


def person_merges(user, person):
    if not access.can_merge_records(user):
        return []
    return [
        TimelineItem(
            merge.merged_at,
            "merge",
            _("Merged with “%(name)s”") % {"name": merge.merged},
            merge.reason,
            reverse("stakeholders:person-merge-detail", args=[merge.pk]),
        )
        for merge in person.merges.select_related("merged")
    ]
