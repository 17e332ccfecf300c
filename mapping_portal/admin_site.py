"""The Django admin site of the portal: reachable by admins only (the access policy decides)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from mapping_portal import access


class PortalAdminSite(admin.AdminSite):
    site_header = _("Mapping portal administration")
    site_title = _("Mapping portal")
    index_title = _("Users, roles and reference data")

    def has_permission(self, request):
        return access.can_use_admin(request.user)
