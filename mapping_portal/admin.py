"""The Django admin: users, roles and reference data, for admins only."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from mapping_portal import access
from mapping_portal.accounts import send_reset_links
from mapping_portal.models import ExportLog, PilotSite, Settlement, ThematicArea, User


@admin.register(User)
class PortalUserAdmin(UserAdmin, SimpleHistoryAdmin):
    list_display = ["username", "first_name", "last_name", "email", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active", "sites"]
    filter_horizontal = ["sites"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name", "email", "preferred_language"]}),
        (_("Role and pilot sites"), {"fields": ["role", "sites", "is_active"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "password1", "password2", "role", "sites"]}),
    ]
    actions = ["send_password_reset"]

    def has_password_reset_permission(self, request):
        return access.can_send_password_reset(request.user)

    @admin.action(description=_("Send a password-reset link"), permissions=["password_reset"])
    def send_password_reset(self, request, queryset):
        """Email each selected user a link to set a new password, in their preferred language."""
        users = list(queryset)
        sent = send_reset_links(users, request)
        if sent:
            message = ngettext(
                "A password-reset link was sent to %(count)d user.",
                "A password-reset link was sent to %(count)d users.",
                sent,
            )
            self.message_user(request, message % {"count": sent}, messages.SUCCESS)
        skipped = len(users) - sent
        if skipped:
            message = ngettext(
                "%(count)d user got no link: no email address, an inactive account, no password, or the mail "
                "could not be sent.",
                "%(count)d users got no link: no email address, an inactive account, no password, or the mail "
                "could not be sent.",
                skipped,
            )
            self.message_user(request, message % {"count": skipped}, messages.WARNING)


class SettlementInline(admin.TabularInline):
    model = Settlement
    extra = 0
    fields = ["name_ky", "name_ru", "name_en", "soate_code", "lat", "lon"]


@admin.register(PilotSite)
class PilotSiteAdmin(SimpleHistoryAdmin):
    list_display = ["slug", "name_ky", "name_ru", "kind", "soate_code", "centre_precision"]
    readonly_fields = ["boundary_source"]
    inlines = [SettlementInline]


@admin.register(ThematicArea)
class ThematicAreaAdmin(SimpleHistoryAdmin):
    list_display = ["number", "code", "name_ky", "name_ru", "sensitive", "pillars"]
    list_editable = ["sensitive"]


@admin.register(ExportLog)
class ExportLogAdmin(admin.ModelAdmin):
    """The export log (DESIGN.md §6), read only: who exported what, when, with which filters (the admin's home
    links here)."""

    list_display = ["created_at", "user", "export", "format", "rows", "personal_data", "channel"]
    list_filter = ["personal_data", "channel", "export"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
