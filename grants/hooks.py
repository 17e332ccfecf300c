"""What the small grants plug into the core's hooks (mapping_portal.hooks); imported by GrantsConfig.ready()."""

from django.db.models import Q

from grants import exports, profiles, timeline
from grants.models import ApplicationAttachment, GrantApplication, ReportPhoto
from mapping_portal import hooks


@hooks.reviewer_scopes.register
def organizations_under_review(user):
    """A reviewer reads the organizations of the applications assigned to them (not those they recused from)."""
    return GrantApplication.objects.for_user(user).filter(organization__isnull=False).values("organization")


@hooks.media.register(key="grant-photos")
def report_photo_visible(user, path):
    """A report photo or its thumbnail, within `ReportPhoto.objects.for_user` (`access.can_view_report_photos`)."""
    return ReportPhoto.objects.for_user(user).filter(Q(image=path) | Q(thumbnail=path)).exists()


@hooks.media.register(key="grant-attachments")
def attachment_visible(user, path):
    """An application's document, within `ApplicationAttachment.objects.for_user`."""
    return ApplicationAttachment.objects.for_user(user).filter(file=path).exists()


hooks.organization_timeline.register(timeline.applications)
hooks.person_timeline.register(timeline.person_grants)
hooks.person_sections.register(profiles.applications)

hooks.exports.register(exports.application_export_spec, key="grant-applications")
hooks.exports.register(exports.applicant_export_spec, key="grant-applicants")
