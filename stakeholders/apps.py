from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StakeholdersConfig(AppConfig):
    name = "stakeholders"
    verbose_name = _("Stakeholder registry")

    def ready(self):
        from django.db.models import Q

        from mapping_portal import hooks, media
        from stakeholders.models import Organization
        from stakeholders.views.registry import site_figures

        # A logo is seen by whoever may see its organization (the public: consented ones only).
        media.register(
            "logos",
            lambda user, path: (
                Organization.objects.for_user(user).filter(Q(logo=path) | Q(logo_thumbnail=path)).exists()
            ),
        )
        hooks.register_site_figures(site_figures)
