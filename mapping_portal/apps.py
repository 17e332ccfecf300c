"""App configuration of the shared core, and of the Django admin that only admins reach."""

from django.apps import AppConfig
from django.contrib.admin.apps import SimpleAdminConfig
from django.utils.translation import gettext_lazy as _


class MappingPortalConfig(AppConfig):
    name = "mapping_portal"
    verbose_name = _("Mapping portal")


class PortalAdminConfig(SimpleAdminConfig):
    """The admin without autodiscovery.

    Autodiscovery would import django-leaflet's admin module, which needs GDAL (not installed):
    each app's admin module is imported explicitly in mapping_portal/urls.py instead.
    """

    default_site = "mapping_portal.admin_site.PortalAdminSite"
