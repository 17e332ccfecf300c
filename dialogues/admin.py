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
)


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
    inlines = [TallyInline, ActionInline, AttendanceInline]


@admin.register(EventPhoto)
class EventPhotoAdmin(admin.ModelAdmin):
    list_display = ["event", "caption", "created_at"]
    raw_id_fields = ["event"]


@admin.register(InitiativeGroup)
class InitiativeGroupAdmin(SimpleHistoryAdmin):
    list_display = ["organization", "formed_by_project", "formed_on"]
    raw_id_fields = ["organization"]
