from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StakeholdersConfig(AppConfig):
    name = "stakeholders"
    verbose_name = _("Stakeholder registry")

    def ready(self):
        from django.db.models import Q

        from mapping_portal import media
        from stakeholders.models import Organization

        # A logo is seen by whoever may see its organization (the public: consented ones only).
        media.register(
            "logos",
            lambda user, path: (
                Organization.objects.for_user(user).filter(Q(logo=path) | Q(logo_thumbnail=path)).exists()
            ),
        )
