"""What dialogues and plans plug into the core's hooks (mapping_portal.hooks); imported by DialoguesConfig.ready()."""

from django.db.models import Q

from dialogues import exports, timeline
from dialogues.models import Event, EventPhoto
from dialogues.plan_views import site_figures as plan_site_figures
from dialogues.views import site_figures
from mapping_portal import access, hooks

hooks.site_figures.register(site_figures)
hooks.site_figures.register(plan_site_figures)


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
