"""What the small grants plug into the core's hooks (mapping_portal.hooks); imported by GrantsConfig.ready()."""

from django.db.models import Q

from grants import exports, profiles, timeline
from grants.models import ApplicationAttachment, GrantApplication, ReportPhoto
from mapping_portal import access, hooks


@hooks.reviewer_scopes.register
def organizations_under_review(user):
    """A reviewer reads the organizations of the applications assigned to them (not those they recused from)."""
    return GrantApplication.objects.for_user(user).filter(organization__isnull=False).values("organization")


@hooks.media.register(key="grant-photos")
def may_see_report_photo(user, path):
    """Report photos show people: staff and admins, for applications in their scope."""
    if not access.can_manage_grants(user):
        return False
    return (
        ReportPhoto.objects.filter(report__award__application__in=GrantApplication.objects.for_user(user))
        .filter(Q(image=path) | Q(thumbnail=path))
        .exists()
    )


@hooks.media.register(key="grant-attachments")
def may_see_attachment(user, path):
    if not access.can_view_application_documents(user):
        return False
    return ApplicationAttachment.objects.filter(
        application__in=GrantApplication.objects.for_user(user), file=path
    ).exists()


hooks.organization_timeline.register(timeline.applications)
hooks.person_timeline.register(timeline.person_grants)
hooks.person_sections.register(profiles.applications)

hooks.exports.register(exports.application_export_spec, key="grant-applications")
hooks.exports.register(exports.applicant_export_spec, key="grant-applicants")
