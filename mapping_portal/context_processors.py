"""What every page needs to draw its frame: the navigation the user's role allows, the languages."""

from django.conf import settings
from django.urls import reverse

from mapping_portal import access
from mapping_portal.models import PilotSite


def portal(request):
    user = getattr(request, "user", None)
    return {
        "portal_languages": settings.LANGUAGES,
        "nav_sites": _nav_sites(user),
        "nav_admin_url": reverse("admin:index") if access.can_use_admin(user) else None,
    }


def _nav_sites(user):
    # Lazy: evaluated only when the template draws the menu (one query, none for the public).
    if access.is_public(user):
        return []
    return PilotSite.objects.for_user(user).only("slug", "name_ky", "name_ru", "name_en")
