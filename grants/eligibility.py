"""Eligibility of an application, read from the records (DESIGN.md §3): the automatic check that staff see
during eligibility screening before they decide.

Each rule is a function `rule(application) -> Check | None` (None: the rule does not apply to this call),
listed in RULES, with its short name in LABELS (what an application's history says of a rule it failed). A new rule
is one function appended there.

Failing a rule does not stop staff from sending an application on to review, but they must say why: grants.workflow
asks for the reason and records it with the rules failed (`failed()`).
"""

from dataclasses import dataclass

from django.db.models import F, Func, IntegerField
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dialogues.models import Attendance, AttendanceRole, EventKind
from mapping_portal.text import format_amount


@dataclass
class Check:
    name: str
    passed: bool
    detail: str = ""
    key: str = ""  # the rule's function name (set by check()): what a status change records of a failed rule


def check(application) -> list[Check]:
    """Every applicable rule's result for this application."""
    results = []
    for rule in RULES:
        result = rule(application)
        if result is not None:
            result.key = rule.__name__
            results.append(result)
    return results


def failed(application) -> list[Check]:
    """The applicable rules this application does not meet (none: it is eligible)."""
    return [result for result in check(application) if not result.passed]


def is_eligible(application) -> bool:
    return all(result.passed for result in check(application))


def within_maximum(application):
    requested, maximum = application.requested_amount, application.call.max_per_grant
    return Check(
        _("Budget within the maximum per grant"),
        0 < requested <= maximum,
        _("%(requested)s of %(maximum)s som")
        % {"requested": format_amount(requested), "maximum": format_amount(maximum)},
    )


def kind_of_call(application):
    return Check(
        _("A kind of project the call accepts"),
        application.kind in application.call.kinds,
        application.get_kind_display(),
    )


def site_of_call(application):
    sites = {site.pk for site in application.call.sites.all()}
    return Check(
        _("Lead applicant lives in one of the call's pilot sites"),
        application.site_id in sites and application.lead_applicant.site_id in sites,
        str(application.lead_applicant.site),
    )


def submitted_in_time(application):
    if application.submitted_at is None:
        return None
    submitted = timezone.localdate(application.submitted_at)  # the day in Bishkek, not in UTC
    return Check(
        _("Submitted by the closing date"),
        submitted <= application.call.closes_on,
        submitted.strftime("%d.%m.%Y"),
    )


def completed_training(application):
    """The call's training rule: the lead applicant attended every day of a training (of at least the call's
    number of days) held at one of the call's training sites (or its own sites when none are named)."""
    call = application.call
    if not call.requires_training:
        return None
    sites = [site.pk for site in call.training_sites.all()] or [site.pk for site in call.sites.all()]
    completed = trainings_completed(application.lead_applicant, sites, call.training_days)
    first = completed[0] if completed else None
    return Check(
        _("Completed the %(days)s-day training") % {"days": call.training_days},
        first is not None,
        f"{first.event.title} ({first.event.start_date:%d.%m.%Y})" if first else _("No completed training found."),
    )


def trainings_completed(person, site_ids, min_days):
    """The person's attendance at trainings of at least `min_days` days at these sites where they attended
    every day (the days column holds distinct days, so its length counts them)."""
    # date − date is a number of days in PostgreSQL; a three-day training spans 2 of them.
    span = Func(
        F("event__end_date"),
        F("event__start_date"),
        template="(%(expressions)s)",
        arg_joiner=" - ",
        output_field=IntegerField(),
    )
    attended = Func("days", function="cardinality", output_field=IntegerField())
    return list(
        Attendance.objects.filter(
            person=person,
            role=AttendanceRole.PARTICIPANT,
            event__kind=EventKind.TRAINING,
            event__site__in=site_ids,
        )
        .exclude(event__status="cancelled")
        .alias(span=span, attended=attended)
        .filter(span__gte=min_days - 1, attended__gt=F("span"))
        .select_related("event")
        .order_by("-event__start_date")
    )


RULES = [within_maximum, kind_of_call, site_of_call, submitted_in_time, completed_training]

LABELS = {
    "within_maximum": gettext_lazy("Budget within the maximum per grant"),
    "kind_of_call": gettext_lazy("A kind of project the call accepts"),
    "site_of_call": gettext_lazy("Lead applicant lives in one of the call's pilot sites"),
    "submitted_in_time": gettext_lazy("Submitted by the closing date"),
    "completed_training": gettext_lazy("Completed the call's training"),
}


def label_of(key) -> str:
    """A rule's short name, by its key (a key no longer in RULES is shown as it was recorded)."""
    return LABELS.get(key, key)
