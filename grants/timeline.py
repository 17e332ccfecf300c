"""Grants on the timelines (stakeholders.timeline): an organization's applications and awards, a person's
applications, awards and tranches paid — what the user may see."""

from django.urls import reverse
from django.utils.translation import gettext as _

from mapping_portal import access
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


def person_grants(user, person):
    """A person's timeline (stakeholders.timeline.register_person): the applications they lead or are in the team of
    (when entered, when submitted), their awards and the tranches paid — for admins and staff, within their sites;
    in three queries whatever the number of applications."""
    from grants.models import GrantApplication, Tranche

    if not access.can_manage_grants(user):
        return []
    found = list(
        GrantApplication.objects.for_user(user)
        .filter(pk__in=GrantApplication.objects.of_person(person.pk).values("pk"))
        .select_related("call", "award")
        .order_by("-created_at", "-id")[:100]
    )
    paid = Tranche.objects.filter(award__application__in=[a.pk for a in found], paid_date__isnull=False)
    tranches = {}
    for tranche in paid.order_by("paid_date", "number"):
        tranches.setdefault(tranche.award_id, []).append(tranche)
    items = []
    for application in found:
        link = reverse("grants:application-detail", args=[application.pk])
        role = _("lead applicant") if application.lead_applicant_id == person.pk else _("team member")
        items.append(
            TimelineItem(
                application.created_at,
                "grant-application",
                _("Small-grant application: %(title)s") % {"title": application.title},
                f"{application.call.title} · {role}",
                link,
            )
        )
        if application.submitted_at:
            items.append(
                TimelineItem(
                    application.submitted_at,
                    "grant-submitted",
                    _("Application submitted: %(title)s") % {"title": application.title},
                    application.get_status_display(),
                    link,
                )
            )
        award = getattr(application, "award", None)
        if award is None:
            continue
        items.append(
            TimelineItem(
                award.decided_at,
                "grant-award",
                _("Small grant awarded: %(amount)s som") % {"amount": _amount(award.amount)},
                application.title,
                link,
            )
        )
        for tranche in tranches.get(award.pk, []):
            items.append(
                TimelineItem(
                    tranche.paid_date,
                    "grant-tranche",
                    _("Tranche %(number)s paid: %(amount)s som")
                    % {"number": tranche.number, "amount": _amount(tranche.paid_amount)},
                    application.title,
                    link,
                )
            )
    return items


def _amount(value) -> str:
    return f"{value:,.0f}".replace(",", "\u00a0")
