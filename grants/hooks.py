"""What the small grants plug into the core's hooks (mapping_portal.hooks); imported by GrantsConfig.ready()."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

import grants.indicators  # noqa: F401  (registers the results framework's providers)
from grants import exports, profiles, timeline
from grants.filters import recent_report_q, tranche_due_q
from grants.models import (
    ApplicationAttachment,
    ApplicationStatus,
    Award,
    GrantApplication,
    GrantCall,
    ReportPhoto,
    Review,
    Score,
    Tranche,
)
from mapping_portal import access, hooks


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
hooks.exports.register(exports.call_export_spec, key="grant-calls")
hooks.exports.register(exports.ranking_export_spec, key="grant-ranking")


# --- The signed-in home (mapping_portal.homes) ------------------------------------------------------------------

NEXT_STEPS = {
    ApplicationStatus.DRAFT: gettext_lazy("A draft: finish it and submit it before the call closes."),
    ApplicationStatus.SUBMITTED: gettext_lazy("Submitted: the project checks that it is eligible."),
    ApplicationStatus.SCREENING: gettext_lazy("Being checked for eligibility."),
    ApplicationStatus.IN_REVIEW: gettext_lazy("With the reviewers: the decision comes after the review."),
    ApplicationStatus.APPROVED: gettext_lazy("Approved: carry out the project and report on it."),
    ApplicationStatus.REJECTED: gettext_lazy("Not funded this time."),
    ApplicationStatus.WITHDRAWN: gettext_lazy("Withdrawn."),
}


@hooks.home_items.register
def home_work_queue(user):
    """Staff and admins: applications in draft, to screen, in screening and to decide, those with a tranche due and
    those with a report in the last 30 days — each a count linking to the application list filtered so. One
    query."""
    if not access.can_manage_grants(user):
        return []
    status = {value: Count("pk", filter=Q(status=value)) for value in ApplicationStatus.values}
    figures = GrantApplication.objects.for_user(user).aggregate(
        **status,
        tranche_due=Count("pk", filter=tranche_due_q()),
        recent_report=Count("pk", filter=recent_report_q()),
    )
    applications = reverse("grants:application-list")
    return [
        hooks.HomeItem(
            "drafts", _("Grant applications in draft"), figures[ApplicationStatus.DRAFT], f"{applications}?status=draft"
        ),
        hooks.HomeItem(
            "grants",
            _("Applications submitted, to screen"),
            figures[ApplicationStatus.SUBMITTED],
            f"{applications}?status=submitted",
        ),
        hooks.HomeItem(
            "grants",
            _("Applications in eligibility screening"),
            figures[ApplicationStatus.SCREENING],
            f"{applications}?status=screening",
        ),
        hooks.HomeItem(
            "grants",
            _("Applications in review, to decide"),
            figures[ApplicationStatus.IN_REVIEW],
            f"{applications}?status=in_review",
        ),
        hooks.HomeItem(
            "grants", _("Awards with a tranche due"), figures["tranche_due"], f"{applications}?tranche_due=true"
        ),
        hooks.HomeItem(
            "grants",
            _("Reports received in the last 30 days"),
            figures["recent_report"],
            f"{applications}?recent_report=true",
        ),
    ]


@hooks.home_items.register
def home_reviews(user):
    """A grant reviewer: the reviews assigned to them, with their state and the call's closing date. One query."""
    if not access.can_review_applications(user):
        return []
    reviews = (
        Review.objects.assigned_to(user)
        .select_related("application__call")
        .order_by("application__call__closes_on", "pk")[:20]
    )
    return [
        hooks.HomeItem(
            "reviews",
            review.application.title,
            review.get_status_display(),
            reverse("grants:review-detail", args=[review.pk]),
            detail=_("%(call)s · closing date %(date)s")
            % {
                "call": review.application.call.title,
                "date": date_format(review.application.call.closes_on, "SHORT_DATE_FORMAT"),
            },
            urgent=review.status in {Review.Status.ASSIGNED, Review.Status.SCORING},
            action=_("Open the review") if review.status in {Review.Status.ASSIGNED, Review.Status.SCORING} else "",
        )
        for review in reviews
    ]


@hooks.home_items.register
def home_applicant(user):
    """An applicant: its own applications and their next step, and the calls it may apply to now. Two queries."""
    if not access.is_applicant(user):
        return []
    today = timezone.localdate()
    own = list(GrantApplication.objects.for_user(user).select_related("call").order_by("-created_at", "-pk")[:20])
    calls = (
        GrantCall.objects.for_user(user)
        .filter(
            accepts_online_applications=True,
            status=GrantCall.Status.OPEN,
            opens_on__lte=today,
            closes_on__gte=today,
        )
        .order_by("closes_on", "pk")[:10]
    )
    items = [
        hooks.HomeItem(
            "own-applications",
            application.title,
            application.get_status_display(),
            reverse("grants:application-detail", args=[application.pk]),
            detail=str(NEXT_STEPS.get(application.status, "")),
            urgent=application.status == ApplicationStatus.DRAFT and application.call.takes_online_applications(),
            action=_("Finish the application")
            if application.status == ApplicationStatus.DRAFT and application.call.takes_online_applications()
            else "",
        )
        for application in own
    ]
    items += [
        hooks.HomeItem(
            "open-calls",
            call.title,
            url=reverse("grants:call-detail", args=[call.pk]),
            detail=_("Open until %(date)s") % {"date": date_format(call.closes_on, "SHORT_DATE_FORMAT")},
            action=_("Read the call and apply"),
        )
        for call in calls
    ]
    return items


@hooks.home_items.register
def home_changes(user):
    """Staff and admins: the latest changes to the grant applications of their sites (simple-history). One query."""
    from mapping_portal.history import ACTIONS

    if not access.can_manage_grants(user):
        return []
    entries = (
        GrantApplication.history.filter(id__in=GrantApplication.objects.for_user(user).values("pk"))
        .select_related("history_user")
        .order_by("-history_date")[:20]
    )
    return [
        hooks.HomeItem(
            "changes",
            entry.title,
            url=reverse("grants:application-detail", args=[entry.id]),
            detail=f"{_('Grant application')} · {ACTIONS.get(entry.history_type, '')}"
            + (f" · {entry.history_user.username}" if entry.history_user else ""),
            when=entry.history_date,
        )
        for entry in entries
    ]


# --- The audit pages (mapping_portal.changes): the grants' kinds of record -----------------------------------------


def _awards_for(user):
    return Award.objects.filter(application__in=GrantApplication.objects.for_user(user))


_AUDITED = {
    "call": hooks.AuditedKind(GrantCall, hooks.link_to("grants:call-detail", "id")),
    "application": hooks.AuditedKind(GrantApplication, hooks.link_to("grants:application-detail", "id")),
    # A review has no page of its own for staff: its history page is its page, and leads back to the application.
    "review": hooks.AuditedKind(
        Review,
        hooks.history_page("review"),
        ("reviewer", "application"),
        scope=Review.objects.for_user,
        page=lambda review: reverse("grants:application-detail", args=[review.application_id]),
    ),
    "score": hooks.AuditedKind(
        Score, lambda entry: reverse("changes:record", args=["review", entry.review_id]), ("criterion",)
    ),
    "award": hooks.AuditedKind(
        Award, hooks.link_to("grants:application-detail", "application_id"), ("application",), scope=_awards_for
    ),
    "tranche": hooks.AuditedKind(
        Tranche, lambda entry: reverse("changes:record", args=["award", entry.award_id]), ("award__application",)
    ),
}
for _key, _kind in _AUDITED.items():
    hooks.audited.register(_kind, key=_key)
