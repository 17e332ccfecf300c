"""Grants on an organization's timeline (stakeholders.timeline): its applications and awards that the user may see."""

from django.urls import reverse
from django.utils.translation import gettext as _

from stakeholders.timeline import TimelineItem


def applications(user, organization):
    from grants.models import Award, GrantApplication

    items = []
    found = (
        GrantApplication.objects.for_user(user)
        .filter(organization=organization)
        .select_related("call")
        .order_by("-created_at")[:50]
    )
    found = list(found)
    awards = {award.application_id: award for award in Award.objects.filter(application__in=[a.pk for a in found])}
    for application in found:
        link = reverse("grants:application-detail", args=[application.pk])
        items.append(
            TimelineItem(
                application.submitted_at or application.created_at,
                "grant-application",
                _("Small-grant application: %(title)s") % {"title": application.title},
                f"{application.call.title} · {application.get_status_display()}",
                link,
            )
        )
        award = awards.get(application.pk)
        if award is not None:
            amount = f"{award.amount:,.0f}".replace(",", "\u00a0")
            items.append(
                TimelineItem(
                    award.decided_at,
                    "grant-award",
                    _("Small grant awarded: %(amount)s som") % {"amount": amount},
                    application.title,
                    link,
                )
            )
    return items
