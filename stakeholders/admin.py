"""Admin of the registry's reference lists (types, target groups) and, for repairs, its records."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from stakeholders.models import (
    AssessmentDomain,
    AssessmentIndicator,
    AssessmentTemplate,
    Membership,
    Organization,
    OrganizationType,
    Person,
    TargetGroup,
)


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


class AssessmentIndicatorInline(admin.StackedInline):
    model = AssessmentIndicator
    extra = 0


@admin.register(AssessmentDomain)
class AssessmentDomainAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ky", "name_ru", "template", "order"]
    list_filter = ["template"]
    inlines = [AssessmentIndicatorInline]

    def has_change_permission(self, request, obj=None):
        # A template version in use is never edited: make a new version of it instead.
        return super().has_change_permission(request, obj) and not (obj and obj.template.in_use)


@admin.register(AssessmentTemplate)
class AssessmentTemplateAdmin(admin.ModelAdmin):
    list_display = ["code", "version", "name_ky", "name_ru", "is_active", "in_use"]
    actions = ["make_new_version"]

    @admin.display(boolean=True, description=_("in use"))
    def in_use(self, obj):
        return obj.in_use

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj and obj.in_use)

    @admin.action(description=_("Make a new version to edit (assessments keep theirs)"))
    def make_new_version(self, request, queryset):
        for template in queryset:
            copy = template.new_version()
            self.message_user(
                request,
                _("Version %(version)s of %(name)s was created.") % {"version": copy.version, "name": copy.name},
            )


# --- Imports: read-only, for looking into what an import did ------------------------------------

from stakeholders.models import ImportBatch  # noqa: E402


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["original_name", "kind", "status", "row_count", "create_count", "update_count", "error_count"]
    list_filter = ["kind", "status"]
    list_select_related = ["created_by"]
    exclude = ["file"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
