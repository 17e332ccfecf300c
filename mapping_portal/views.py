"""Pages of the shared core: home, the map of the pilot sites, a site's page, health and sign-in."""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection, transaction
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import translate_url
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from mapping_portal import access, homes, hooks
from mapping_portal.forms import PortalAuthenticationForm, SiteLocationForm, style_filter_form
from mapping_portal.geo import geojson_response, sites_feature_collection
from mapping_portal.models import PilotSite, ThematicArea
from mapping_portal.shortcuts import get_for_user_or_404, require

logger = logging.getLogger("mapping_portal")


def map_context() -> dict:
    """What every page with a map needs: the tile source and the labels its script shows."""
    return {
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "map_labels": {
            "exact": _("exact location"),
            "approximate": _("approximate location: the district seat, not the site itself"),
            "unset": _("location not set"),
            "settlements": _("Settlements"),
            "boundary": _("Boundary"),
            "sitePage": _("Site page"),
            "pickedPoint": _("Chosen point"),
        },
    }


def home(request):
    """Signed in: the home of the user's role — what needs them (mapping_portal.homes). Everyone else: the public
    page about the project and its sites."""
    if not access.is_public(request.user):
        template, context = homes.home_context(request.user)
        return render(request, template, context)
    sites = PilotSite.objects.annotate(settlement_count=Count("settlements"))
    areas = ThematicArea.objects.all()
    return render(request, "mapping_portal/home.html", {"sites": sites, "areas": areas})


def map_page(request):
    """The map of the pilot sites and its layers. The organizations are filtered with the organization list's
    own FilterSet — the filters the user may use, but the sort order, which means nothing on a map — and the
    filter lives in the address, so that a link opens the same selection (and the same one as a list)."""
    from stakeholders.filters import BooleanChoiceFilter, OrganizationFilterSet
    from stakeholders.models import OrganizationType

    sites = list(PilotSite.objects.prefetch_related("settlements"))
    filterset = OrganizationFilterSet(request.GET or None, user=request.user)
    form = style_filter_form(filterset.form)
    names = [name for name in filterset.filters if name != "order"]
    chosen = {}
    if form.is_bound:
        form.is_valid()  # the values not understood are reported on the page and ignored, as on the list
        chosen = {name: form.cleaned_data[name] for name in names if form.cleaned_data.get(name) not in (None, "")}
    types = list(OrganizationType.objects.all())
    return render(
        request,
        "mapping_portal/map.html",
        {
            "sites": sites,
            "filter_form": form,
            # (field, whether it is a short yes/no choice that takes half a row)
            "map_filters": [(form[name], isinstance(filterset.filters[name], BooleanChoiceFilter)) for name in names],
            "filter_query": urlencode({name: request.GET.getlist(name) for name in chosen}, doseq=True),
            "active_filter_count": len(chosen),
            "focus_site": chosen["site"].slug if "site" in chosen else "",
            "organization_types": [t for t in types if t.is_active],
            "type_colors": {t.code: t.color for t in types if t.is_active},
            # What an organization's popup says, in the page's language (the layer gives codes and ids).
            "organization_names": {
                "types": {t.code: t.name for t in types},
                "sites": {site.slug: site.name for site in sites},
                "settlements": {s.pk: s.name for site in sites for s in site.settlements.all()},
                "labels": {
                    "type": _("Type"),
                    "site": _("Pilot site"),
                    "settlement": _("Settlement"),
                    "profile": _("Open the profile"),
                },
            },
            "grants_layer": access.can_view_awards_on_map(request.user),
            **map_context(),
        },
    )


@login_required
def site_detail(request, slug):
    site = get_for_user_or_404(PilotSite.objects.prefetch_related("settlements"), request.user, slug=slug)
    return render(
        request,
        "mapping_portal/site_detail.html",
        {
            "site": site,
            "settlements": site.settlements.all(),
            "figures": hooks.site_figures.gather(request.user, site),
            **map_context(),
        },
    )


@login_required
def site_location(request, slug):
    """An admin places a site's centre by clicking the map (or typing the coordinates)."""
    site = get_for_user_or_404(PilotSite, request.user, slug=slug)
    require(access.can_set_site_location(request.user, site))
    initial = {
        "centre_lat": site.centre_lat,
        "centre_lon": site.centre_lon,
        "centre_precision": "exact",
        "centre_note": site.centre_note,
    }
    form = SiteLocationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            site = PilotSite.objects.select_for_update().get(pk=site.pk)
            site.set_centre(
                form.cleaned_data["centre_lat"],
                form.cleaned_data["centre_lon"],
                form.cleaned_data["centre_precision"],
                form.cleaned_data["centre_note"],
            )
            site.save()
        messages.success(request, _("The centre of %(site)s was saved.") % {"site": site.name})
        return redirect("site-detail", slug=site.slug)
    return render(
        request,
        "mapping_portal/site_location.html",
        {"site": site, "form": form, **map_context()},
    )


@require_GET
def sites_geojson(request):
    """Public: the pilot sites as GeoJSON (the sites themselves are public; people never are)."""
    return geojson_response(sites_feature_collection(), public=True, max_age=300)


@never_cache
@require_GET
def healthz(request):
    """200 with the database's status when all is well; 503 when the database does not answer."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database does not answer")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_POST
def set_language(request):
    """Django's language switcher, made to work from any page whatever the browser's language.

    Django translates the `next` URL by resolving it under the *active* language, which comes
    from the browser when this unprefixed view runs: from /ky/map/ with an English browser it
    would not resolve, and the user would stay in Kyrgyz. Resolving under the page's own
    language fixes that.
    """
    page_language = translation.get_language_from_path(request.POST.get("next", ""))
    if page_language:
        translation.activate(page_language)
    return i18n.set_language(request)


class LoginView(auth_views.LoginView):
    """Sign-in; afterwards the user lands on the page they asked for, in their preferred language."""

    redirect_authenticated_user = True
    authentication_form = PortalAuthenticationForm

    def get_success_url(self):
        url = super().get_success_url()
        language = self.request.user.preferred_language
        if url_has_allowed_host_and_scheme(url, allowed_hosts={self.request.get_host()}):
            return translate_url(url, language)
        return url
