from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DialoguesConfig(AppConfig):
    name = "dialogues"
    verbose_name = _("Dialogues and plans")

    def ready(self):
        from django.db.models import Q

        import dialogues.exports  # noqa: F401  (registers the exports for `manage.py export`)
        from dialogues import timeline
        from dialogues.models import EventPhoto
        from dialogues.plans.views import site_figures as plan_site_figures
        from dialogues.views.results import site_figures
        from mapping_portal import access, hooks, media
        from stakeholders import timeline as stakeholder_timeline

        # Photos show faces: seen by those who may see the attendees' names, for events in their scope.
        media.register(
            "event-photos",
            lambda user, path: (
                access.can_view_attendee_names(user)
                and EventPhoto.objects.filter(event__in=_events(user))
                .filter(Q(image=path) | Q(thumbnail=path))
                .exists()
            ),
        )
        hooks.register_site_figures(site_figures)
        hooks.register_site_figures(plan_site_figures)
        stakeholder_timeline.register(timeline.events)
        stakeholder_timeline.register(timeline.plan_actions)
        stakeholder_timeline.register_person(timeline.attended)


def _events(user):
    from dialogues.models import Event

    return Event.objects.for_user(user)
