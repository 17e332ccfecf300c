from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantsConfig(AppConfig):
    name = "grants"
    verbose_name = _("Small grants")

    def ready(self):
        import grants.exports  # noqa: F401  (registers the exports for `manage.py export`)
        from grants import profiles, timeline
        from mapping_portal import media
        from stakeholders import profiles as stakeholder_profiles
        from stakeholders import timeline as stakeholder_timeline
        from stakeholders.models import registry

        registry.REVIEWER_SCOPES.append(_organizations_under_review)
        media.register("grant-photos", _report_photo_visible)
        media.register("grant-attachments", _attachment_visible)
        stakeholder_timeline.register(timeline.applications)
        stakeholder_timeline.register_person(timeline.person_grants)
        stakeholder_profiles.register_person_section(profiles.applications)


def _organizations_under_review(user):
    """A reviewer reads the organizations of the applications assigned to them (not those they recused from)."""
    from grants.models import GrantApplication

    return GrantApplication.objects.for_user(user).filter(organization__isnull=False).values("organization")


def _report_photo_visible(user, path):
    """A report photo (or its thumbnail) within `ReportPhoto.objects.for_user`."""
    from django.db.models import Q

    from grants.models import ReportPhoto

    return ReportPhoto.objects.for_user(user).filter(Q(image=path) | Q(thumbnail=path)).exists()


def _attachment_visible(user, path):
    """An application's document within `ApplicationAttachment.objects.for_user`."""
    from grants.models import ApplicationAttachment

    return ApplicationAttachment.objects.for_user(user).filter(file=path).exists()
