from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantsConfig(AppConfig):
    name = "grants"
    verbose_name = _("Small grants")

    def ready(self):
        import grants.hooks  # noqa: F401  (registers the app's providers on the core's hooks)
