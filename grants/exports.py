"""The small grants' exports: applications without personal data (staff, local authorities), and applicants
with their names and contacts (personal data: administrators only, every export logged)."""

from mapping_portal.listing import ExportSpec


def _field(name):
    return lambda obj: getattr(obj, name)


def _awarded(application):
    award = getattr(application, "award", None)
    return award.amount if award is not None else None


APPLICATION_COLUMNS = [
    ("id", _field("pk")),
    ("call_id", _field("call_id")),
    ("call", lambda a: a.call.title),
    ("site", lambda a: a.site.slug),
    ("kind", _field("kind")),
    ("title", _field("title")),
    ("organization", lambda a: a.organization.name if a.organization_id else ""),
    ("status", _field("status")),
    ("submitted_at", _field("submitted_at")),
    ("requested_amount", _field("requested_amount")),
    ("co_funding_amount", _field("co_funding_amount")),
    ("awarded_amount", _awarded),
    ("girls", _field("girls")),
    ("boys", _field("boys")),
    ("young_women", _field("young_women")),
    ("young_men", _field("young_men")),
    ("women", _field("women")),
    ("men", _field("men")),
]


def _all_applications():
    from grants.models import GrantApplication

    return GrantApplication.objects.select_related("call", "site", "organization", "award", "lead_applicant")


def application_export_spec() -> ExportSpec:
    """Applications as the list shows them, without the applicants' names."""
    return ExportSpec("grant-applications", APPLICATION_COLUMNS, all_rows=_all_applications)


def applicant_export_spec() -> ExportSpec:
    """The same rows with the lead applicant and team: personal data, administrators only, logged."""
    columns = [
        *APPLICATION_COLUMNS,
        ("lead_applicant_id", _field("lead_applicant_id")),
        ("lead_applicant", lambda a: a.lead_applicant.full_name),
        ("lead_applicant_sex", lambda a: a.lead_applicant.sex),
        ("lead_applicant_birth_year", lambda a: a.lead_applicant.birth_year),
        ("lead_applicant_phone", lambda a: a.lead_applicant.phone),
        ("team", lambda a: "; ".join(person.full_name for person in a.team.all())),
    ]
    return ExportSpec(
        "grant-applicants",
        columns,
        personal_data=True,
        all_rows=lambda: _all_applications().prefetch_related("team"),
    )


# --- Calls and rankings -----------------------------------------------------------------------------------------


def _call_sites(call):
    return "; ".join(site.slug for site in call.sites.all())


def _all_calls():
    from grants.models import GrantCall

    return GrantCall.objects.with_totals().prefetch_related("sites")


def call_export_spec() -> ExportSpec:
    """Calls as the list shows them, with what was awarded and paid (no personal data)."""
    columns = [
        ("id", _field("pk")),
        ("title_ky", _field("title_ky")),
        ("title_ru", _field("title_ru")),
        ("title_en", _field("title_en")),
        ("sites", _call_sites),
        ("kinds", lambda c: list(c.kinds)),
        ("opens_on", _field("opens_on")),
        ("closes_on", _field("closes_on")),
        ("envelope", _field("envelope")),
        ("max_per_grant", _field("max_per_grant")),
        ("awarded_total", _field("awarded_total")),
        ("paid_total", _field("paid_total")),
        ("status", _field("status")),
        ("accepts_online_applications", _field("accepts_online_applications")),
        ("requires_training", _field("requires_training")),
    ]
    return ExportSpec("grant-calls", columns, all_rows=_all_calls)


RANKING_COLUMNS = [
    ("call_id", _field("call_id")),
    ("rank", _field("rank")),
    ("id", _field("pk")),
    ("title", _field("title")),
    ("site", lambda a: a.site.slug),
    ("organization", lambda a: a.organization.name if a.organization_id else ""),
    ("kind", _field("kind")),
    ("requested_amount", _field("requested_amount")),
    ("reviews_submitted", _field("reviewed")),
    ("reviews_assigned", _field("assigned")),
    ("reviewers_recused", _field("recused")),
    ("average", _field("average")),
    ("lowest", _field("lowest")),
    ("highest", _field("highest")),
    ("standard_deviation", _field("deviation")),
    ("recommend_yes", _field("yes")),
    ("recommend_maybe", _field("maybe")),
    ("recommend_no", _field("no")),
    ("status", _field("status")),
]


def ranked(applications):
    """`GrantApplication.ranked()` with each application's rank within its call (1 = the highest average), as the
    ranking page numbers them: the window is computed in SQL, after the averages."""
    from django.db.models import F, Window
    from django.db.models.functions import RowNumber

    order = [F("average").desc(nulls_last=True), F("id").asc()]
    return (
        applications.ranked()
        .select_related("site", "organization")
        .annotate(rank=Window(RowNumber(), partition_by=[F("call_id")], order_by=order))
    )


def _criterion_value(criterion, measure):
    def value(application):
        cell = application.criterion_scores.get(criterion.pk)
        return cell[measure] if cell else None

    return value


def ranking_export_spec(criteria=()) -> ExportSpec:
    """A call's ranking as its page shows it: the submitted reviews' figures per application (no reviewer's or
    applicant's name); with `criteria` (one call's), per criterion the average, lowest and highest score, read from
    each application's `criterion_scores` ({criterion id: row of Score.objects.by_criterion})."""
    columns = list(RANKING_COLUMNS)
    for criterion in criteria:
        columns += [
            (f"criterion_{criterion.code}_{measure}", _criterion_value(criterion, measure))
            for measure in ("average", "lowest", "highest")
        ]
    return ExportSpec(
        "grant-ranking",
        columns,
        # Every call's ranking (without the criteria, which differ from call to call).
        all_rows=_all_rankings,
    )


def _all_rankings():
    from grants.models import GrantApplication

    return ranked(GrantApplication.objects.all()).order_by("call_id", "rank")
