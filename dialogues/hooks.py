"""What dialogues and plans plug into the core's hooks (mapping_portal.hooks); imported by DialoguesConfig.ready():
the site page's figures, the event photos' media rule, the organization and person timelines (dialogues.timeline)
and the exports."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dialogues import counting, exports, timeline
from dialogues.models import Event, EventKind, EventPhoto
from dialogues.plans.models import ActionStatus, ConflictPreventionPlan, PlanAction
from mapping_portal import access, hooks


@hooks.site_figures.register
def site_figures(user, site):
    """Counts for a pilot site's page: events and trainings held (one query), and the unique people reached
    and trained at its events, read from the reach summary (one query; the breakdowns are on the results
    page, linked)."""
    if not access.can_view_dialogue_results(user):
        return []
    held = Q(status=Event.Status.HELD)
    figures = (
        Event.objects.for_aggregates(user)
        .filter(site=site)
        .aggregate(events=Count("pk", filter=held), trainings=Count("pk", filter=held & Q(kind=EventKind.TRAINING)))
    )
    events_url = reverse("dialogues:event-list") + f"?site={site.slug}" if access.can_view_events(user) else ""
    results_url = reverse("dialogues:results") + f"?site={site.slug}"
    reached, trained = counting.reach_totals(site)
    suppressing = not access.can_view_small_counts(user)
    return [
        hooks.Figure(_("Events held"), figures["events"], events_url),
        hooks.Figure(_("Trainings held"), figures["trainings"], events_url),
        hooks.Figure(_("People reached (unique, named)"), counting.shown_total(reached, suppressing), results_url),
        hooks.Figure(_("People who completed a training"), counting.shown_total(trained, suppressing), results_url),
    ]


@hooks.site_figures.register
def plan_site_figures(user, site):
    """The site page's plan figures, in one query: plans approved and followed, their actions done and delayed;
    linked to the site's follow-up page."""
    if not access.can_view_plans(user):
        return []
    figures = (
        ConflictPreventionPlan.objects.for_user(user)
        .followed_at(site)
        .aggregate(
            plans=Count("pk", distinct=True),
            done=Count("actions", filter=Q(actions__status=ActionStatus.DONE)),
            delayed=Count("actions", filter=PlanAction.delayed_q("actions__", today=timezone.localdate())),
        )
    )
    dashboard = reverse("plans:site-dashboard", args=[site.slug])
    return [
        hooks.Figure(_("Conflict-prevention plans approved"), figures["plans"], dashboard),
        hooks.Figure(_("Plan actions done"), figures["done"], dashboard),
        hooks.Figure(_("Plan actions delayed"), figures["delayed"], dashboard),
    ]


@hooks.media.register(key="event-photos")
def may_see_event_photo(user, path):
    """Photos show faces: seen by those who may see the attendees' names, for events in their scope."""
    return (
        access.can_view_attendee_names(user)
        and EventPhoto.objects.filter(event__in=Event.objects.for_user(user))
        .filter(Q(image=path) | Q(thumbnail=path))
        .exists()
    )


hooks.organization_timeline.register(timeline.events)
hooks.organization_timeline.register(timeline.plan_actions)
hooks.person_timeline.register(timeline.attended)

hooks.exports.register(exports.event_export_spec, key="events")
hooks.exports.register(exports.platform_export_spec, key="platforms")
hooks.exports.register(exports.attendance_export_spec, key="attendance")
hooks.exports.register(exports.plan_export_spec, key="plans")
hooks.exports.register(exports.plan_action_export_spec, key="plan-actions")
