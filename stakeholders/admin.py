"""Admin of the registry's reference lists (types, target groups) and, for repairs, its records."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from stakeholders.models import Membership, Organization, OrganizationType, Person, TargetGroup


@admin.register(OrganizationType)
class OrganizationTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ky", "name_ru", "name_en", "color", "order", "is_active"]
    list_editable = ["order", "is_active"]


@admin.register(TargetGroup)
class TargetGroupAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ky", "name_ru", "name_en", "order"]
    list_editable = ["order"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organization"]


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ["name_ky", "name_ru", "type", "site", "public_listing_consent", "needs_validation", "is_active"]
    list_filter = ["site", "type", "public_listing_consent", "needs_validation", "is_active"]
    search_fields = ["name_ky", "name_ru", "acronym"]
    list_select_related = ["type", "site"]
    readonly_fields = ["consent_recorded_at", "consent_recorded_by", "created_by", "version"]


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["full_name", "sex", "birth_year", "site", "is_active_citizen"]
    list_filter = ["site", "sex", "is_active_citizen"]
    search_fields = ["full_name", "full_name_latin"]
    list_select_related = ["site"]
    inlines = [MembershipInline]
