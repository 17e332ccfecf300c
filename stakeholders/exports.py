"""The registry's exports: column names are the model's field names, so an exported file imports back."""

from django.db.models import Prefetch

from mapping_portal.listing import ExportSpec
from stakeholders.models import WASHINGTON_GROUP_QUESTIONS, CapacityAssessment, Membership, Organization, Person


def _codes(related):
    return lambda obj: "; ".join(item.code for item in getattr(obj, related).all())


def _field(name):
    return lambda obj: getattr(obj, name)


ORGANIZATION_COLUMNS = [
    ("id", _field("pk")),
    ("name_ky", _field("name_ky")),
    ("name_ru", _field("name_ru")),
    ("acronym", _field("acronym")),
    ("type", lambda o: o.type.code),
    ("site", lambda o: o.site.slug),
    ("settlement", lambda o: o.settlement.soate_code if o.settlement_id else ""),
    ("address", _field("address")),
    ("lat", _field("lat")),
    ("lon", _field("lon")),
    ("registration_status", _field("registration_status")),
    ("registration_number", _field("registration_number")),
    ("year_founded", _field("year_founded")),
    ("thematic_areas", _codes("thematic_areas")),
    ("target_groups", _codes("target_groups")),
    ("women_led", _field("women_led")),
    ("youth_led", _field("youth_led")),
    ("staff_women", _field("staff_women")),
    ("staff_men", _field("staff_men")),
    ("volunteers_women", _field("volunteers_women")),
    ("volunteers_men", _field("volunteers_men")),
    ("board_women", _field("board_women")),
    ("board_men", _field("board_men")),
    ("board_youth", _field("board_youth")),
    ("phone", _field("phone")),
    ("email", _field("email")),
    ("website", _field("website")),
    ("description", _field("description")),
    ("public_listing_consent", _field("public_listing_consent")),
    ("consent_covers_sensitive", _field("consent_covers_sensitive")),
    ("needs_validation", _field("needs_validation")),
    ("is_active", _field("is_active")),
    ("updated_at", _field("updated_at")),
]


def organization_export_spec(with_funding_sources: bool) -> ExportSpec:
    """Organizations as the list shows them; funding sources only for those who may see them."""
    columns = list(ORGANIZATION_COLUMNS)
    if with_funding_sources:
        columns.insert(-4, ("funding_sources", _field("funding_sources")))
    return ExportSpec(
        "organizations",
        columns,
        all_rows=lambda: Organization.objects.select_related("type", "site", "settlement").prefetch_related(
            "thematic_areas", "target_groups"
        ),
    )


def _memberships(person):
    return "; ".join(f"{m.organization_id}:{m.role}" for m in person.memberships.all())


def person_export_spec() -> ExportSpec:
    """People: personal data, for administrators only, and every export of it is logged."""
    columns = [
        ("id", _field("pk")),
        ("full_name", _field("full_name")),
        ("full_name_latin", _field("full_name_latin")),
        ("sex", _field("sex")),
        ("birth_year", _field("birth_year")),
        ("phone", _field("phone")),
        ("email", _field("email")),
        ("site", lambda p: p.site.slug),
        ("settlement", lambda p: p.settlement.soate_code if p.settlement_id else ""),
        ("is_active_citizen", _field("is_active_citizen")),
        *[(name, _field(name)) for name, _label in WASHINGTON_GROUP_QUESTIONS],
        ("vulnerable_groups", _field("vulnerable_groups")),
        ("consent_date", _field("consent_date")),
        ("consent_purpose", _field("consent_purpose")),
        ("memberships", _memberships),
        ("updated_at", _field("updated_at")),
    ]
    return ExportSpec(
        "people",
        columns,
        personal_data=True,
        all_rows=lambda: Person.objects.select_related("site", "settlement").prefetch_related(
            Prefetch("memberships", queryset=Membership.objects.order_by("organization_id"))
        ),
    )


def _domain_scores(assessment):
    return "; ".join(f"{code}={score}" for code, score in assessment.domain_scores().items() if score is not None)


def assessment_export_spec() -> ExportSpec:
    """Assessments with their computed scores: overall, and per domain as `code=score; …`."""
    columns = [
        ("id", _field("pk")),
        ("organization_id", _field("organization_id")),
        ("organization", lambda a: a.organization.name),
        ("site", lambda a: a.organization.site.slug),
        ("organization_type", lambda a: a.organization.type.code),
        ("date", _field("date")),
        ("kind", _field("kind")),
        ("method", _field("method")),
        ("status", _field("status")),
        ("template", lambda a: f"{a.template.code}@{a.template.version}"),
        ("overall_score", lambda a: a.overall_score()),
        ("domain_scores", _domain_scores),
        ("assessor", _field("assessor")),
    ]

    return ExportSpec(
        "assessments",
        columns,
        all_rows=lambda: CapacityAssessment.objects.select_related(
            "organization__site", "organization__type", "template"
        ).prefetch_related("template__domains__indicators", "scores"),
    )
