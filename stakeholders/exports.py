"""The registry's exports: column names are the model's field names, so an exported file imports back."""

from django.db.models import OuterRef, TextField, Value
from django.db.models.functions import Cast, Coalesce, Concat

from mapping_portal.listing import ExportSpec
from mapping_portal.models import ThematicArea
from mapping_portal.sql_export import SqlExportSpec, joined, joined_related
from stakeholders.models import (
    WASHINGTON_GROUP_QUESTIONS,
    CapacityAssessment,
    Membership,
    Organization,
    Person,
    TargetGroup,
)


def _field(name):
    return lambda obj: getattr(obj, name)


def _optional(path):
    # `obj.settlement.soate_code if obj.settlement_id else ""`: an empty cell when there is no link.
    return Coalesce(path, Value(""), output_field=TextField())


ORGANIZATION_COLUMNS = [
    ("id", "pk"),
    ("name_ky", "name_ky"),
    ("name_ru", "name_ru"),
    ("acronym", "acronym"),
    ("type", "type__code"),
    ("site", "site__slug"),
    ("settlement", _optional("settlement__soate_code")),
    ("address", "address"),
    ("lat", "lat"),
    ("lon", "lon"),
    ("registration_status", "registration_status"),
    ("registration_number", "registration_number"),
    ("year_founded", "year_founded"),
    ("thematic_areas", joined_related(ThematicArea, "organizations")),
    ("target_groups", joined_related(TargetGroup, "organizations")),
    ("women_led", "women_led"),
    ("youth_led", "youth_led"),
    ("staff_women", "staff_women"),
    ("staff_men", "staff_men"),
    ("volunteers_women", "volunteers_women"),
    ("volunteers_men", "volunteers_men"),
    ("board_women", "board_women"),
    ("board_men", "board_men"),
    ("board_youth", "board_youth"),
    ("phone", "phone"),
    ("email", "email"),
    ("website", "website"),
    ("description", "description"),
    ("public_listing_consent", "public_listing_consent"),
    ("consent_covers_sensitive", "consent_covers_sensitive"),
    ("needs_validation", "needs_validation"),
    ("is_active", "is_active"),
    ("updated_at", "updated_at"),
]


def organization_export_spec(with_funding_sources: bool) -> SqlExportSpec:
    """Organizations as the list shows them; funding sources only for those who may see them. Computed in SQL
    (`SqlExportSpec.select` of the list's queryset)."""
    columns = list(ORGANIZATION_COLUMNS)
    if with_funding_sources:
        columns.insert(-4, ("funding_sources", "funding_sources"))
    spec = SqlExportSpec("organizations", columns)
    spec.all_rows = lambda: spec.select(Organization.objects.all())
    return spec


def _memberships():
    # "organization id:role" of each membership, in the order of Membership.Meta (organization, then role).
    return joined(
        Membership.objects.filter(person=OuterRef("pk")).order_by("organization", "role", "pk"),
        Concat(Cast("organization_id", TextField()), Value(":"), "role", output_field=TextField()),
    )


def person_export_spec() -> SqlExportSpec:
    """People: personal data, for administrators only, and every export of it is logged. Computed in SQL."""
    columns = [
        ("id", "pk"),
        ("full_name", "full_name"),
        ("full_name_latin", "full_name_latin"),
        ("sex", "sex"),
        ("birth_year", "birth_year"),
        ("phone", "phone"),
        ("email", "email"),
        ("site", "site__slug"),
        ("settlement", _optional("settlement__soate_code")),
        ("is_active_citizen", "is_active_citizen"),
        *[(name, name) for name, _label in WASHINGTON_GROUP_QUESTIONS],
        ("vulnerable_groups", "vulnerable_groups"),
        ("consent_date", "consent_date"),
        ("consent_purpose", "consent_purpose"),
        ("memberships", _memberships()),
        ("updated_at", "updated_at"),
    ]
    spec = SqlExportSpec("people", columns, personal_data=True)
    spec.all_rows = lambda: spec.select(Person.objects.all())
    return spec


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
