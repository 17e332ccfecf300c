"""The dialogues' exports: events and centres (no personal data), attendance (personal data: admins only), and the
conflict-prevention plans with their actions (no personal data)."""

from mapping_portal.listing import ExportSpec


def _field(name):
    return lambda obj: getattr(obj, name)


def _codes(related, attribute="code"):
    return lambda obj: "; ".join(str(getattr(item, attribute)) for item in getattr(obj, related).all())


def event_export_spec(suppressing: bool = False) -> ExportSpec:
    """Events as the list shows them, with their counts: named participants and anonymous tallies apart — counts of
    1–4 people as "<5" when `suppressing` (for those who may not see small counts, as the list shows them).
    Computed in SQL (`SqlExportSpec.select` of the list's queryset, which carries `Event.objects.with_counts()`)."""
    from django.db.models import TextField, Value
    from django.db.models.functions import Coalesce

    from dialogues.models import Event
    from mapping_portal import suppression
    from mapping_portal.models import ThematicArea
    from mapping_portal.sql_export import Converted, SqlExportSpec, joined_related
    from stakeholders.models import Organization

    def people(name):
        return Converted(name, lambda count: suppression.count(count or 0, suppressing))

    columns = [
        ("id", "pk"),
        ("title", "title"),
        ("kind", "kind"),
        ("status", "status"),
        ("site", "site__slug"),
        ("platform", Coalesce("platform__name", Value(""), output_field=TextField())),
        ("start_date", "start_date"),
        ("end_date", "end_date"),
        ("days", _day_count("end_date", "start_date")),
        ("venue", "venue"),
        ("lat", "lat"),
        ("lon", "lon"),
        ("thematic_areas", joined_related(ThematicArea, "events")),
        ("organizers", joined_related(Organization, "organized_events", "pk")),
        ("facilitators", "facilitators"),
        ("participants_named", people("participant_count")),
        ("people_tallied", people("tallied_count")),
        ("overdue_actions", "overdue_actions"),
        ("outcomes", "outcomes"),
    ]
    spec = SqlExportSpec("events", columns)
    spec.all_rows = lambda: spec.select(Event.objects.with_counts())
    return spec


def platform_export_spec() -> ExportSpec:
    from dialogues.models import DialoguePlatform

    columns = [
        ("id", _field("pk")),
        ("name", _field("name")),
        ("site", lambda p: p.site.slug),
        ("host_organization", lambda p: p.host_organization_id),
        ("host_organization_name", lambda p: p.host_organization.name if p.host_organization_id else ""),
        ("status", _field("status")),
        ("opened_on", _field("opened_on")),
        ("address", _field("address")),
        ("lat", _field("lat")),
        ("lon", _field("lon")),
        ("events_held", _field("event_count")),
    ]
    return ExportSpec(
        "platforms",
        columns,
        all_rows=lambda: DialoguePlatform.objects.select_related("site", "host_organization").annotate(
            event_count=_held_count()
        ),
    )


def _held_count():
    from django.db.models import Count, Q

    return Count("events", filter=Q(events__status="held"))


def attendance_export_spec() -> ExportSpec:
    """Who attended which event on which days: personal data, for administrators only, always logged. Computed in
    SQL (`SqlExportSpec.select` of the list's queryset)."""
    from django.db.models import Func, IntegerField
    from django.db.models.lookups import GreaterThanOrEqual

    from dialogues.models import Attendance
    from mapping_portal.sql_export import SqlExportSpec

    columns = [
        ("event_id", "event_id"),
        ("event", "event__title"),
        ("event_site", "event__site__slug"),
        ("start_date", "event__start_date"),
        ("end_date", "event__end_date"),
        ("person_id", "person_id"),
        ("full_name", "person__full_name"),
        ("sex", "person__sex"),
        ("birth_year", "person__birth_year"),
        ("person_site", "person__site__slug"),
        ("role", "role"),
        # A list of dates: the writers make it "YYYY-MM-DD; YYYY-MM-DD", as they did the isoformat strings.
        ("days", "days"),
        ("days_attended", Func("days", function="cardinality", output_field=IntegerField())),
        # Attendance.attended_all_days: as many distinct days as the event has.
        ("attended_all_days", GreaterThanOrEqual(_distinct_days(), _day_count("event__end_date", "event__start_date"))),
    ]
    spec = SqlExportSpec("attendance", columns, personal_data=True)
    spec.all_rows = lambda: spec.select(Attendance.objects.order_by("event_id", "person_id"))
    return spec


def _day_count(end, start):
    """Event.day_count in SQL: a date minus a date is a number of days in PostgreSQL."""
    from django.db.models import F, Func, IntegerField

    return Func(F(end), F(start), template="(%(expressions)s + 1)", arg_joiner=" - ", output_field=IntegerField())


def _distinct_days():
    from django.db.models import F, Func, IntegerField

    return Func(
        F("days"),
        template="(SELECT count(DISTINCT day) FROM unnest(%(expressions)s) AS day)",
        output_field=IntegerField(),
    )


def plan_export_spec() -> ExportSpec:
    """Plans as the list shows them: site, authoring body, period, status, decision, counts and budget."""
    from dialogues.plans.models import ConflictPreventionPlan

    columns = [
        ("id", _field("pk")),
        ("title", _field("title")),
        ("site", lambda p: p.site.slug),
        ("authoring_body", _field("authoring_body_id")),
        ("authoring_body_name", lambda p: p.authoring_body.name),
        ("version", _field("version_number")),
        ("status", _field("status")),
        ("period_start", _field("period_start")),
        ("period_end", _field("period_end")),
        ("decision_number", _field("decision_number")),
        ("decision_date", _field("decision_date")),
        ("approving_body", _field("approving_body")),
        ("risks", _field("risk_count")),
        ("actions", _field("action_count")),
        ("budget_som", _field("budget_total")),
    ]
    return ExportSpec("plans", columns, all_rows=lambda: ConflictPreventionPlan.objects.with_figures())


def plan_action_export_spec() -> ExportSpec:
    """Every action of the plans a list selects: for following them up in a spreadsheet."""
    from dialogues.plans.models import PlanAction

    columns = [
        ("plan_id", _field("plan_id")),
        ("plan", lambda a: a.plan.title),
        ("site", lambda a: a.plan.site.slug),
        ("plan_status", lambda a: a.plan.status),
        ("id", _field("pk")),
        ("title", _field("title")),
        ("focus", _field("focus")),
        ("responsible_organizations", _codes("responsible_organizations", "pk")),
        ("partner_organizations", _codes("partner_organizations", "pk")),
        ("start_date", _field("start_date")),
        ("end_date", _field("end_date")),
        ("budget_som", _field("budget")),
        ("budget_source", _field("budget_source")),
        ("spent_som", _field("spent")),
        ("indicator", _field("indicator")),
        ("target", _field("target")),
        ("status", _field("status")),
        ("delayed", _field("is_delayed")),
    ]
    return ExportSpec(
        "plan-actions",
        columns,
        all_rows=lambda: (
            PlanAction.objects.select_related("plan__site")
            .prefetch_related("responsible_organizations", "partner_organizations")
            .order_by("plan_id", "start_date", "id")
        ),
    )


# --- Initiative groups ------------------------------------------------------------------------------------------


def _project_record(attribute, default=None):
    """What the project recorded about a group (dialogues.InitiativeGroup), if anything."""

    def value(organization):
        from dialogues.models import InitiativeGroup

        try:
            return getattr(organization.initiative_group, attribute)
        except InitiativeGroup.DoesNotExist:
            return default

    return value


def _last_meeting(organization):
    # `meetings` are prefetched newest first (dialogues.views.initiative_groups).
    return organization.meetings[0].start_date if organization.meetings else None


def initiative_group_export_spec() -> ExportSpec:
    """Initiative groups as their page shows them, members counted (never named)."""
    columns = [
        ("id", _field("pk")),
        ("name", _field("name")),
        ("site", lambda o: o.site.slug),
        ("formed_by_project", _project_record("formed_by_project", False)),
        ("formed_on", _project_record("formed_on")),
        ("problems", _project_record("problems", "")),
        ("thematic_areas", _codes("thematic_areas")),
        ("members", _field("member_count")),
        ("meetings", lambda o: len(o.meetings)),
        ("last_meeting", _last_meeting),
    ]
    return ExportSpec("initiative-groups", columns, all_rows=_all_initiative_groups)


def _all_initiative_groups():
    from dialogues.views.initiative_groups import initiative_group_organizations
    from mapping_portal.access import SYSTEM

    return initiative_group_organizations(SYSTEM)


def initiative_group_memberships(organizations):
    """The members of the given initiative groups (a queryset of organizations), one row per membership."""
    from stakeholders.models import Membership

    return (
        Membership.objects.filter(organization__in=organizations.values("pk"))
        .select_related("organization__site", "person")
        .order_by("organization__site", "organization__sort_key", "role", "person__full_name", "pk")
    )


def initiative_group_member_export_spec() -> ExportSpec:
    """Who belongs to which initiative group: personal data (names), for administrators only, always logged."""
    columns = [
        ("organization_id", _field("organization_id")),
        ("organization", lambda m: m.organization.name),
        ("site", lambda m: m.organization.site.slug),
        ("person_id", _field("person_id")),
        ("full_name", lambda m: m.person.full_name),
        ("sex", lambda m: m.person.sex),
        ("birth_year", lambda m: m.person.birth_year),
        ("role", _field("role")),
        ("since", _field("since")),
        ("until", _field("until")),
    ]
    return ExportSpec(
        "initiative-group-members",
        columns,
        personal_data=True,
        all_rows=lambda: initiative_group_memberships(_all_initiative_groups()),
    )
