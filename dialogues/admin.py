"""Admin of the dialogues' records, for repairs by administrators (everyday work is on the portal's pages)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from dialogues.models import (
    Attendance,
    AttendanceTally,
    DialoguePlatform,
    Event,
    EventPhoto,
    FollowUpAction,
    InitiativeGroup,
    KnowledgeCheck,
)
from dialogues.plans.models import ConflictPreventionPlan, PlanAction, PlanStatusChange, Risk


@admin.register(DialoguePlatform)
class DialoguePlatformAdmin(SimpleHistoryAdmin):
    list_display = ["name", "site", "host_organization", "status", "opened_on"]
    list_filter = ["site", "status"]
    search_fields = ["name"]
    list_select_related = ["site", "host_organization"]
    raw_id_fields = ["host_organization", "coordinators"]


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    raw_id_fields = ["person"]


class KnowledgeCheckInline(admin.StackedInline):
    model = KnowledgeCheck
    extra = 0
    max_num = 1


class TallyInline(admin.TabularInline):
    model = AttendanceTally
    extra = 0


class ActionInline(admin.TabularInline):
    model = FollowUpAction
    extra = 0
    raw_id_fields = ["owner_organization"]


@admin.register(Event)
class EventAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "site", "start_date", "end_date", "status"]
    list_filter = ["site", "kind", "status"]
    search_fields = ["title"]
    date_hierarchy = "start_date"
    list_select_related = ["site"]
    raw_id_fields = ["platform", "organizers"]
    inlines = [TallyInline, KnowledgeCheckInline, ActionInline, AttendanceInline]


@admin.register(EventPhoto)
class EventPhotoAdmin(admin.ModelAdmin):
    list_display = ["event", "caption", "created_at"]
    raw_id_fields = ["event"]


@admin.register(InitiativeGroup)
class InitiativeGroupAdmin(SimpleHistoryAdmin):
    list_display = ["organization", "formed_by_project", "formed_on"]
    raw_id_fields = ["organization"]


# --- Conflict-prevention plans: status, snapshots and status changes belong to dialogues.plans.workflow ---------------


class RiskInline(admin.TabularInline):
    model = Risk
    extra = 0
    fields = ["description", "thematic_area", "likelihood", "impact"]


class PlanStatusChangeInline(admin.TabularInline):
    model = PlanStatusChange
    extra = 0
    fields = ["at", "by", "from_status", "to_status", "comment"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ConflictPreventionPlan)
class ConflictPreventionPlanAdmin(SimpleHistoryAdmin):
    list_display = ["title", "site", "version_number", "status", "period_start", "period_end"]
    list_filter = ["site", "status"]
    search_fields = ["title"]
    list_select_related = ["site"]
    raw_id_fields = ["authoring_body"]
    readonly_fields = ["status", "version_number", "decision_number", "decision_date", "approving_body"]
    inlines = [RiskInline, PlanStatusChangeInline]


@admin.register(PlanAction)
class PlanActionAdmin(SimpleHistoryAdmin):
    list_display = ["title", "plan", "focus", "status", "start_date", "end_date", "budget", "spent"]
    list_filter = ["plan__site", "status", "focus"]
    search_fields = ["title"]
    list_select_related = ["plan"]
    raw_id_fields = ["plan", "responsible_organizations", "partner_organizations", "risks"]
