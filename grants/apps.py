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
        # Report photos show people: staff and admins, for applications in their scope.
        media.register("grant-photos", _may_see_report_photo)
        media.register("grant-attachments", _may_see_attachment)
        stakeholder_timeline.register(timeline.applications)
        stakeholder_timeline.register_person(timeline.person_grants)
        stakeholder_profiles.register_person_section(profiles.applications)


def _organizations_under_review(user):
    """A reviewer reads the organizations of the applications assigned to them (not those they recused from)."""
    from grants.models import GrantApplication

    return GrantApplication.objects.for_user(user).filter(organization__isnull=False).values("organization")


def _may_see_report_photo(user, path):
    from django.db.models import Q

    from grants.models import GrantApplication, ReportPhoto
    from mapping_portal import access

    if not access.can_manage_grants(user):
        return False
    return (
        ReportPhoto.objects.filter(report__award__application__in=GrantApplication.objects.for_user(user))
        .filter(Q(image=path) | Q(thumbnail=path))
        .exists()
    )


def _may_see_attachment(user, path):
    from grants.models import ApplicationAttachment, GrantApplication
    from mapping_portal import access

    if not access.can_view_application_documents(user):
        return False
    return ApplicationAttachment.objects.filter(
        application__in=GrantApplication.objects.for_user(user), file=path
    ).exists()
