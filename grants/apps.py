from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantsConfig(AppConfig):
    name = "grants"
    verbose_name = _("Small grants")

    def ready(self):
        import grants.exports  # noqa: F401  (registers the exports for `manage.py export`)
