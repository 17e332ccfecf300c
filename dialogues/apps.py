from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DialoguesConfig(AppConfig):
    name = "dialogues"
    verbose_name = _("Dialogues and plans")

    def ready(self):
        import dialogues.hooks  # noqa: F401  (registers the app's providers on the core's hooks)
