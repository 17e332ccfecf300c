"""App configuration of the shared core, and of the Django admin that only admins reach."""

from django.apps import AppConfig
from django.contrib.admin.apps import SimpleAdminConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def install_results_framework(sender, using, apps=None, **kwargs):
    """The default results framework, where it is missing: after `migrate` (as its data migration does) and after
    `flush`, which empties every table and then sends post_migrate — as Django recreates content types and
    permissions (the transactional and browser tests flush after each test)."""
    from django.apps import apps as live_apps

    from mapping_portal.results import defaults

    apps = apps or live_apps  # migrate passes the migrated state's apps; flush passes none
    if (
        apps.is_installed("mapping_portal")
        and not apps.get_model("mapping_portal", "Programme").objects.using(using).exists()
    ):
        defaults.install(apps)


class MappingPortalConfig(AppConfig):
    default = True  # this module has two AppConfigs: without it Django would use a plain one and skip ready()
    name = "mapping_portal"
    verbose_name = _("Mapping portal")

    def ready(self):
        post_migrate.connect(install_results_framework, sender=self, dispatch_uid="install_results_framework")


class PortalAdminConfig(SimpleAdminConfig):
    """The admin without autodiscovery.

    Autodiscovery would import django-leaflet's admin module, which needs GDAL (not installed):
    each app's admin module is imported explicitly in mapping_portal/urls.py instead.
    """

    default_site = "mapping_portal.admin_site.PortalAdminSite"
