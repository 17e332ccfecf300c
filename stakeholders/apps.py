from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StakeholdersConfig(AppConfig):
    name = "stakeholders"
    verbose_name = _("Stakeholder registry")

    def ready(self):
        import stakeholders.hooks  # noqa: F401  (registers the registry's providers on the core's hooks)
