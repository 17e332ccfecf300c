"""Grants on a person's profile (stakeholders.profiles): the applications they lead or are in the team of."""

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from mapping_portal import access
from mapping_portal.templatetags.portal import som
from stakeholders.profiles import PersonSection, SectionItem


def applications(user, person):
    """For admins and staff (the people who manage grants): the person's applications within their sites, as lead
    applicant or team member, newest first, with the award where there is one — in one query."""
    from grants.models import GrantApplication

    if not access.can_manage_grants(user):
        return None
    in_team = GrantApplication.team.through.objects.filter(grantapplication=OuterRef("pk"), person=person)
    found = (
        GrantApplication.objects.for_user(user)
        .filter(Q(lead_applicant=person) | Exists(in_team))
        .select_related("call", "award")
        .order_by("-created_at", "-id")[:50]
    )
    items = []
    for application in found:
        role = _("lead applicant") if application.lead_applicant_id == person.pk else _("team member")
        detail = [application.call.title, application.get_status_display(), role]
        award = getattr(application, "award", None)
        if award is not None:
            detail.append(_("awarded %(amount)s") % {"amount": som(award.amount)})
        items.append(
            SectionItem(
                application.title,
                " · ".join(detail),
                reverse("grants:application-detail", args=[application.pk]),
            )
        )
    return PersonSection(_("Small-grant applications"), items)
