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
