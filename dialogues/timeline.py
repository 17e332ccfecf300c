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
