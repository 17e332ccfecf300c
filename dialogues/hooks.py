"""What dialogues and plans plug into the core's hooks (mapping_portal.hooks); imported by DialoguesConfig.ready():
the site page's figures, the event photos' media rule, the organization and person timelines (dialogues.timeline),
the exports, and the results framework's indicators (dialogues.indicators)."""

import datetime

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dialogues import counting, exports, indicators, timeline  # noqa: F401  (indicators registers providers)
from dialogues.models import DialoguePlatform, Event, EventKind, EventPhoto, FollowUpAction
from dialogues.plans.models import APPROVED_STATUSES, ActionStatus, ConflictPreventionPlan, PlanAction, PlanStatus
from mapping_portal import access, homes, hooks


@hooks.site_figures.register
def site_figures(user, site):
    """Counts for a pilot site's page: events and trainings held (one query), and the unique people reached
    and trained at its events, read from the reach summary (one query; the breakdowns are on the results
    page, linked)."""
    if not access.can_view_dialogue_results(user):
        return []
    held = Q(status=Event.Status.HELD)
    figures = (
        Event.objects.for_aggregates(user)
        .filter(site=site)
        .aggregate(events=Count("pk", filter=held), trainings=Count("pk", filter=held & Q(kind=EventKind.TRAINING)))
    )
    events_url = reverse("dialogues:event-list") + f"?site={site.slug}" if access.can_view_events(user) else ""
    results_url = reverse("dialogues:results") + f"?site={site.slug}"
    reached, trained = counting.reach_totals(site)
    suppressing = not access.can_view_small_counts(user)
    return [
        hooks.Figure(_("Events held"), figures["events"], events_url),
        hooks.Figure(_("Trainings held"), figures["trainings"], events_url),
        hooks.Figure(_("People reached (unique, named)"), counting.shown_total(reached, suppressing), results_url),
        hooks.Figure(_("People who completed a training"), counting.shown_total(trained, suppressing), results_url),
    ]


@hooks.site_figures.register
def plan_site_figures(user, site):
    """The site page's plan figures, in one query: plans approved and followed, their actions done and delayed;
    linked to the site's follow-up page."""
    if not access.can_view_plans(user):
        return []
    figures = (
        ConflictPreventionPlan.objects.for_user(user)
        .followed_at(site)
        .aggregate(
            plans=Count("pk", distinct=True),
            done=Count("actions", filter=Q(actions__status=ActionStatus.DONE)),
            delayed=Count("actions", filter=PlanAction.delayed_q("actions__", today=timezone.localdate())),
        )
    )
    dashboard = reverse("plans:site-dashboard", args=[site.slug])
    return [
        hooks.Figure(_("Conflict-prevention plans approved"), figures["plans"], dashboard),
        hooks.Figure(_("Plan actions done"), figures["done"], dashboard),
        hooks.Figure(_("Plan actions delayed"), figures["delayed"], dashboard),
    ]


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
hooks.exports.register(exports.initiative_group_export_spec, key="initiative-groups")
hooks.exports.register(exports.initiative_group_member_export_spec, key="initiative-group-members")


# --- The signed-in home (mapping_portal.homes) ------------------------------------------------------------------

DUE_SOON_DAYS = 14  # a plan action is "due" on a local authority's home when it ends within two weeks


def _date_param(day):
    return day.strftime("%d.%m.%Y")


@hooks.home_items.register
def home_work_queue(user):
    """Staff and admins: events past their date still marked planned, events with follow-up actions overdue, plans in
    draft and plans sent back to staff with changes requested — each a count linking to the list filtered so. Two
    queries."""
    if not access.can_manage_registry(user):
        return []
    today = timezone.localdate()
    overdue = Exists(FollowUpAction.objects.filter(FollowUpAction.overdue_q(), event=OuterRef("pk")))
    events = Event.objects.for_user(user).aggregate(
        past=Count("pk", filter=Q(status=Event.Status.PLANNED, start_date__lt=today)),
        overdue=Count("pk", filter=Q(overdue)),
    )
    plans = ConflictPreventionPlan.objects.for_user(user).aggregate(
        draft=Count("pk", filter=Q(status=PlanStatus.DRAFT)),
        changes=Count("pk", filter=Q(status=PlanStatus.CHANGES_REQUESTED)),
    )
    event_list, plan_list = reverse("dialogues:event-list"), reverse("plans:plan-list")
    yesterday = _date_param(today - datetime.timedelta(days=1))
    return [
        hooks.HomeItem(
            "drafts",
            _("Events past their date, still marked planned"),
            events["past"],
            f"{event_list}?status=planned&date_to={yesterday}",
        ),
        hooks.HomeItem("drafts", _("Conflict-prevention plans in draft"), plans["draft"], f"{plan_list}?status=draft"),
        hooks.HomeItem(
            "follow-up", _("Events with follow-up actions overdue"), events["overdue"], f"{event_list}?overdue=true"
        ),
        hooks.HomeItem(
            "follow-up",
            _("Plans sent back with changes requested"),
            plans["changes"],
            f"{plan_list}?status=changes_requested",
        ),
    ]


@hooks.home_items.register
def home_local_authority(user):
    """A local authority: each plan of its sites waiting for its review (first, with the button to review it), the
    plan actions due within two weeks or delayed per site, and the events coming up. Three queries."""
    if homes.shows(user, "plan-review") and access.can_review_plans(user):
        plans = ConflictPreventionPlan.objects.for_user(user)
        waiting = list(plans.filter(status=PlanStatus.SUBMITTED).select_related("site").order_by("submitted_at")[:5])
        today = timezone.localdate()
        soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
        actions = (
            PlanAction.objects.filter(plan__in=plans.filter(status__in=APPROVED_STATUSES))
            .exclude(plan__next_version__status__in=APPROVED_STATUSES)
            .values("plan__site__slug", "plan__site__name_ky", "plan__site__name_ru", "plan__site__name_en")
            .annotate(
                delayed=Count("pk", filter=PlanAction.delayed_q(today=today)),
                due=Count(
                    "pk",
                    filter=~Q(status=ActionStatus.DONE)
                    & Q(end_date__gte=today, end_date__lte=soon)
                    & ~PlanAction.delayed_q(today=today),
                ),
            )
            .order_by("plan__site__slug")
        )
        coming = list(
            Event.objects.for_user(user)
            .filter(status=Event.Status.PLANNED, start_date__gte=today)
            .select_related("site")
            .order_by("start_date", "pk")[:5]
        )
        items = [
            hooks.HomeItem(
                "plan-review",
                plan.title,
                url=reverse("plans:plan-detail", args=[plan.pk]),
                detail=_("%(site)s · submitted for review on %(date)s")
                % {"site": plan.site.name, "date": date_format(plan.submitted_at, "SHORT_DATE_FORMAT")}
                if plan.submitted_at
                else plan.site.name,
                urgent=True,
                action=_("Review the plan"),
            )
            for plan in waiting
        ]
        language = translation.get_language() or "ky"
        for row in actions:
            name = row.get(f"plan__site__name_{language}") or row["plan__site__name_ky"]
            dashboard = reverse("plans:site-dashboard", args=[row["plan__site__slug"]])
            items.append(hooks.HomeItem("plan-actions", _("Plan actions delayed"), row["delayed"], dashboard, name))
            items.append(
                hooks.HomeItem("plan-actions", _("Plan actions due within two weeks"), row["due"], dashboard, name)
            )
        items += [
            hooks.HomeItem(
                "events",
                event.title,
                url=reverse("dialogues:event-detail", args=[event.pk]),
                detail=f"{date_format(event.start_date, 'SHORT_DATE_FORMAT')} · {event.site.name}",
            )
            for event in coming
        ]
        return items
    return []


@hooks.home_items.register
def home_results(user):
    """A viewer: the results summary — unique people reached and trained, and by sex — read from the reach summary
    of its sites, small counts suppressed as on the results page (dialogues.counting). Two queries."""
    if not (homes.shows(user, "results") and access.can_view_dialogue_results(user)):
        return []
    events = Event.objects.for_aggregates(user)
    counts = counting.count_people_at_sites(access.site_scope_ids(user), events)
    suppressing = not access.can_view_small_counts(user)
    summary = counting.summary(counts, suppressing)
    results = reverse("dialogues:results")
    items = [
        hooks.HomeItem("results", _("People reached (unique, named)"), summary["reached"], results),
        hooks.HomeItem("results", _("People who completed a training"), summary["trained"], results),
        hooks.HomeItem("results", _("People counted without names (tallies)"), summary["tally_reached"], results),
    ]
    by_sex = counting.breakdowns(counts, [], suppressing)[1]
    items += [
        hooks.HomeItem(
            "results-by-sex", str(label), reached, results, detail=_("completed a training: %(n)s") % {"n": trained}
        )
        for label, reached, trained in by_sex.rows
    ]
    return items


@hooks.home_items.register
def home_changes(user):
    """Staff and admins: the latest changes to the events and plans of their sites (simple-history). Two queries."""
    from mapping_portal.history import ACTIONS

    if not access.can_manage_registry(user):
        return []
    items = []
    for model, url_name, kind in (
        (Event, "dialogues:event-detail", _("Event")),
        (ConflictPreventionPlan, "plans:plan-detail", _("Conflict-prevention plan")),
    ):
        entries = (
            model.history.filter(id__in=model.objects.for_user(user).values("pk"))
            .select_related("history_user")
            .order_by("-history_date")[:20]
        )
        items += [
            hooks.HomeItem(
                "changes",
                entry.title,
                url=reverse(url_name, args=[entry.id]),
                detail=f"{kind} · {ACTIONS.get(entry.history_type, '')}"
                + (f" · {entry.history_user.username}" if entry.history_user else ""),
                when=entry.history_date,
            )
            for entry in entries
        ]
    return items


# --- The audit pages (mapping_portal.changes): the dialogues' and plans' kinds of record ------------------------

hooks.audited.register(
    hooks.AuditedKind(DialoguePlatform, hooks.link_to("dialogues:platform-detail", "id")), key="platform"
)
hooks.audited.register(hooks.AuditedKind(Event, hooks.link_to("dialogues:event-detail", "id")), key="event")
hooks.audited.register(
    hooks.AuditedKind(ConflictPreventionPlan, hooks.link_to("plans:plan-detail", "id"), ("site",)), key="plan"
)
