"""The dialogues' items on an organization's timeline: events it organized or its members attended, and
the dialogue and resource centres it hosts — each filtered by the dialogues' own access rules."""

from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from mapping_portal import access
from stakeholders.models import Membership
from stakeholders.timeline import TimelineItem


def events(user, organization):
    from dialogues.models import Attendance, DialoguePlatform, Event

    if not access.can_view_events(user):
        return []
    members = Membership.objects.filter(organization=organization).values("person")
    organized = Event.organizers.through.objects.filter(event=OuterRef("pk"), organization=organization)
    attended = Attendance.objects.filter(event=OuterRef("pk"), person__in=members)
    # Filtered first (semi-joins on indexed keys), then counted per event found: never a GROUP BY over
    # every attendance row of the scope.
    found = (
        Event.objects.for_user(user)
        .filter(Exists(organized) | Exists(attended))
        .annotate(
            organized=Exists(organized),
            members_attended=Coalesce(
                Subquery(attended.order_by().values("event").annotate(n=Count("pk")).values("n")), 0
            ),
        )
    )
    items = []
    for event in found:
        if event.organized:
            detail = _("organized it")
        else:
            detail = _("%(count)s of its members attended") % {"count": event.members_attended}
        items.append(
            TimelineItem(
                event.start_date,
                "event",
                f"{event.get_kind_display().capitalize()}: {event.title}",
                f"{detail} · {event.get_status_display()}",
                reverse("dialogues:event-detail", args=[event.pk]),
            )
        )
    for platform in DialoguePlatform.objects.for_user(user).filter(host_organization=organization):
        if platform.opened_on:
            items.append(
                TimelineItem(
                    platform.opened_on,
                    "platform",
                    _("Opened the dialogue and resource centre “%(name)s”") % {"name": platform.name},
                    platform.get_status_display(),
                    reverse("dialogues:platform-detail", args=[platform.pk]),
                )
            )
    return items


def attended(user, person):
    """A person's timeline (stakeholders.timeline.register_person): the events they attended, with their role and
    the days attended (a training all of whose days they attended is marked completed). Who attended is personal
    data: admins and staff, for events in their scope."""
    from dialogues.models import Attendance, Event, EventKind

    if not access.can_view_attendee_names(user):
        return []
    rows = (
        Attendance.objects.filter(person=person, event__in=Event.objects.for_user(user))
        .select_related("event")
        .order_by("event__start_date", "pk")
    )
    items = []
    for attendance in rows:
        event = attendance.event
        detail = [attendance.get_role_display()]
        if event.day_count > 1:
            detail.append(
                _("%(attended)s of %(days)s days") % {"attended": len(set(attendance.days)), "days": event.day_count}
            )
        if event.kind == EventKind.TRAINING and attendance.attended_all_days:
            detail.append(_("completed"))
        items.append(
            TimelineItem(
                event.start_date,
                "event",
                f"{event.get_kind_display().capitalize()}: {event.title}",
                " · ".join(str(part) for part in detail),
                reverse("dialogues:event-detail", args=[event.pk]),
            )
        )
    return items


def plan_actions(user, organization):
    """Actions of conflict-prevention plans the organization is responsible for, in the latest version of each plan
    the user may see."""
    from dialogues.plans.models import ConflictPreventionPlan, PlanAction

    if not access.can_view_plans(user):
        return []
    visible = ConflictPreventionPlan.objects.for_user(user)
    actions = (
        PlanAction.objects.filter(
            plan__in=visible.exclude(next_version__in=visible), responsible_organizations=organization
        )
        .select_related("plan")
        .order_by("start_date", "id")
    )
    return [
        TimelineItem(
            action.start_date,
            "plan-action",
            _("Conflict-prevention plan action: %(title)s") % {"title": action.title},
            f"{action.plan.title} · {action.start_date:%d.%m.%Y}–{action.end_date:%d.%m.%Y} · {action.shown_status}",
            reverse("plans:plan-detail", args=[action.plan_id]) + f"#action-{action.pk}",
        )
        for action in actions
    ]
