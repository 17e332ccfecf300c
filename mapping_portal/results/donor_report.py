"""The donor report: one download (PDF or XLSX) in Kyrgyz, Russian or English for a period and a site — the
results against targets with their breakdowns (framework.build, so small cells are suppressed for whoever may not
see them), the activities and trainings held, the centres and initiative groups, the plans and their status, the
grants portfolio, the capacity change and a map of the pilot sites.

Everything is read through the apps' scoped querysets (`for_user`, `for_aggregates`) in a fixed number of queries;
`collect` gathers it, report_pdf and report_xlsx draw it. No person is named anywhere in the report."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.db.models import Count, DecimalField, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from mapping_portal import access, jobs, pdf
from mapping_portal.forms import QueryForm, site_field
from mapping_portal.models import ExportLog, PilotSite
from mapping_portal.results import framework, periods
from mapping_portal.results.models import Programme
from mapping_portal.shortcuts import require

FORMATS = ("pdf", "xlsx")
LANGUAGES = {"ky": "Кыргызча", "ru": "Русский", "en": "English"}
CAPACITY_MEASURE = "capacity_change"


@dataclass
class EventRow:
    kind: str
    by_site: dict  # {site id: events held}
    total: int


@dataclass
class SiteGrants:
    site: object
    grants: int = 0
    awarded: object = 0
    paid: object = 0
    reports: int = 0


@dataclass
class DonorReport:
    results: framework.Report
    language: str
    generated: datetime.datetime
    map_sites: list  # every pilot site (the public map shows them all); `results.sites` are the covered ones
    events: list = field(default_factory=list)  # [EventRow]
    # None: this user does not see these records one by one (viewers read aggregates only).
    centres: list | None = None
    groups: list | None = None
    plans: list = field(default_factory=list)
    grants_by_site: list | None = None
    projects: list | None = None
    calls: list = field(default_factory=list)
    capacity: framework.Figure | None = None

    @property
    def site_label(self) -> str:
        return ", ".join(site.name for site in self.results.sites) or "—"

    @property
    def language_name(self) -> str:
        return LANGUAGES[self.language]

    @property
    def covered_ids(self) -> set:
        return {site.pk for site in self.results.sites}


def collect(user, programme, period, site=None, language="ky") -> DonorReport:
    """Everything the report shows for `user`, read in the active language (call it under translation.override)."""
    from dialogues.models import DialoguePlatform, Event, EventKind, InitiativeGroup
    from dialogues.plans.models import ConflictPreventionPlan
    from grants.models import GrantApplication, GrantCall, GrantReport, Tranche
    from grants.models.applications import ApplicationStatus

    results = framework.build(user, programme, period, site)
    covered = [s.pk for s in results.sites]
    report = DonorReport(results, language, timezone.localtime(), list(PilotSite.objects.all()))

    # Activities and trainings: events held in the period, by kind and site (counts of events, no names).
    held = (
        Event.objects.for_aggregates(user)
        .filter(status=Event.Status.HELD, start_date__gte=period.start, start_date__lte=period.end, site__in=covered)
        .order_by()
        .values_list("kind", "site")
        .annotate(n=Count("pk"))
    )
    counts = {}
    for kind, site_id, n in held:
        counts.setdefault(kind, {})[site_id] = n
    report.events = [
        EventRow(label, counts[kind], sum(counts[kind].values())) for kind, label in EventKind.choices if kind in counts
    ]

    # Centres and initiative groups as of the end of the period, for those who see them one by one.
    if access.can_view_events(user):
        report.centres = list(
            DialoguePlatform.objects.for_user(user)
            .filter(site__in=covered)
            .exclude(opened_on__gt=period.end)
            .select_related("site", "host_organization")
            .order_by("site__slug", "name")
        )
        report.groups = list(
            InitiativeGroup.objects.for_user(user)
            .filter(organization__site__in=covered)
            .exclude(formed_on__gt=period.end)
            .select_related("organization__site")
            .order_by("organization__site__slug", "organization__sort_key")
        )

    # Plans: the latest version of each, with its status (viewers: the approved ones, as for_user says).
    report.plans = list(
        ConflictPreventionPlan.objects.for_user(user)
        .latest_versions()
        .filter(site__in=covered)
        .with_figures()
        .order_by("site__slug", "period_start", "pk")
    )

    # Grants: awards decided by the end of the period, paid and reported up to it; per project for those who see
    # awards one by one, per call for everyone who reads the grants' figures.
    money = DecimalField(max_digits=16, decimal_places=2)
    if access.can_view_awards_on_map(user):
        paid = (
            Tranche.objects.filter(award=OuterRef("award"), paid_date__lte=period.end)
            .order_by()
            .values("award")
            .annotate(s=Sum("paid_amount"))
            .values("s")
        )
        received = (
            GrantReport.objects.filter(award=OuterRef("award"), period_end__lte=period.end)
            .order_by()
            .values("award")
            .annotate(n=Count("pk"))
            .values("n")
        )
        report.projects = list(
            GrantApplication.objects.for_user(user)
            .filter(
                status=ApplicationStatus.APPROVED,
                award__isnull=False,
                award__decided_at__date__lte=period.end,
                site__in=covered,
            )
            .select_related("site", "organization", "call", "award")
            .annotate(
                paid_total=Coalesce(Subquery(paid, output_field=money), Value(0), output_field=money),
                report_count=Coalesce(Subquery(received, output_field=IntegerField()), Value(0)),
            )
            .order_by("site__slug", "award__decided_at", "pk")
        )
        by_site = {s.pk: SiteGrants(s) for s in results.sites}
        for project in report.projects:
            row = by_site[project.site_id]
            row.grants += 1
            row.awarded += project.award.amount
            row.paid += project.paid_total
            row.reports += project.report_count
        report.grants_by_site = list(by_site.values())
    if access.can_view_grant_figures(user):
        report.calls = list(
            GrantCall.objects.for_user(user)
            .exclude(status=GrantCall.Status.DRAFT)
            .filter(opens_on__lte=period.end)
            .with_totals()
            .order_by("opens_on", "pk")
        )

    report.capacity = next((f for f in results.figures if f.indicator.measure == CAPACITY_MEASURE), None)
    return report


def render_file(user, programme, period, site, language: str, fmt: str) -> bytes:
    """The report's file, everything in it (labels, names, dates) in `language`."""
    from mapping_portal.results import report_pdf, report_xlsx

    with translation.override(language):
        report = collect(user, programme, period, site, language)
        return report_pdf.render(report) if fmt == "pdf" else report_xlsx.render(report)


BAD_CHOICE = {
    "period": _("This period is not one of the project's. Choose a quarter, a year or the whole project."),
    "site": _("This pilot site does not exist or is not one of yours."),
    "language": _("The report is made in Kyrgyz, Russian or English only."),
}


@login_required
def download(request, fmt):
    """/<lang>/reports/donor-report.<pdf|xlsx>?period=…&site=…&language=ky|ru|en — a choice that is not valid
    answers 400 with the reason; nothing given takes the default (the whole project, every site, the page's
    language)."""
    user = request.user
    require(access.can_view_results(user))
    if fmt not in FORMATS:
        raise Http404
    programme = Programme.current()
    if programme is None:
        raise Http404
    problems = []
    period = periods.parse(request.GET.get("period") or periods.ALL, programme)
    if period is None:
        problems.append(BAD_CHOICE["period"])
    site = None
    if request.GET.get("site"):
        # Read through a query form's site field: a NUL or an unknown slug is refused, never sent to the database.
        site = QueryForm(request.GET, fields={"site": site_field(PilotSite.objects.for_user(user))}).get("site")
        if site is None:
            problems.append(BAD_CHOICE["site"])
    language = request.GET.get("language") or (translation.get_language() or "ky")[:2]
    if language not in LANGUAGES:
        problems.append(BAD_CHOICE["language"])
    if problems:
        return render(request, "mapping_portal/results/donor_report_error.html", {"problems": problems}, status=400)
    if not jobs.in_worker(request):
        # A few seconds on national data: made in the background, this same view run again by the worker.
        return jobs.download_later(request, _("Donor report, %(format)s") % {"format": fmt.upper()})
    try:
        content = render_file(user, programme, period, site, language, fmt)
    except pdf.FontMissing:
        return render(
            request,
            "mapping_portal/results/donor_report_error.html",
            {"problems": [_("The report's font (DejaVu Sans) is not installed on the server.")]},
            status=503,
        )
    ExportLog.objects.create(
        user=user,
        export="donor-report",
        format=fmt,
        filters={"period": [period.key], "site": [site.slug if site else ""], "language": [language]},
        personal_data=False,
        channel="web",
    )
    content_type = (
        "application/pdf" if fmt == "pdf" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = HttpResponse(content, content_type=content_type)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="donor-report-{period.key}-{language}-{stamp}.{fmt}"'
    return response
