"""The map layer of the awarded grants (GeoJSON, built by PostgreSQL: mapping_portal.geo)."""

from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.views.decorators.http import require_GET

from grants.filters import GrantApplicationFilterSet
from grants.models import GrantApplication
from mapping_portal import access
from mapping_portal.geo import PointLayer, geojson_response, point_layers
from stakeholders.models import Organization

LANGUAGES = ("ky", "ru", "en")


@require_GET
def awards_geojson(request):
    """The awarded grants the user may see one by one, as points at the applicant organization's point
    (an application without an organization, or whose organization has no point, is left out), filtered like
    the applications list. Admins and staff: their sites; local authorities: their sites' awards; everyone else
    an empty layer (viewers read the aggregates on the calls' pages). The link to the application only for those
    who may open it."""
    user = request.user
    layers = []
    if access.can_view_awards_on_map(user):
        filterset = GrantApplicationFilterSet(
            request.GET, queryset=GrantApplication.objects.awarded_on_map(user), user=user
        )
        awarded = filterset.qs.filter(
            organization__in=Organization.objects.for_user(user),
            organization__lat__isnull=False,
            organization__lon__isnull=False,
        )
        layers.append(map_layer(awarded, with_links=access.can_view_applications(user)))
    return geojson_response(point_layers(*layers))


def map_layer(applications, *, with_links) -> PointLayer:
    """Each awarded application: its title, call (in each language), amount (as the text "35000.00"), pilot site
    (slug, names) and, `with_links`, the address of its page."""
    columns = {
        "amount": Cast("award__amount", CharField()),
        "site_slug": F("site__slug"),
        "lat": F("organization__lat"),
        "lon": F("organization__lon"),
        **{f"call_{language}": F(f"call__title_{language}") for language in LANGUAGES},
        **{f"site_{language}": F(f"site__name_{language}") for language in LANGUAGES},
    }
    properties = {
        "id": "id",
        "title": "title",
        "call_id": "call_id",
        "call": {language: f"call_{language}" for language in LANGUAGES},
        "amount": "amount",
        "site": "site_slug",
        "site_names": {language: f"site_{language}" for language in LANGUAGES},
    }
    if with_links:
        before, after = reverse("grants:application-detail", args=[0]).rsplit("0", 1)
        columns["url"] = Concat(Value(before), Cast("id", CharField()), Value(after), output_field=CharField())
        properties["url"] = "url"
    rows = applications.order_by("id").values("id", "title", "call_id", **columns)
    return PointLayer(rows, lat="lat", lon="lon", properties=properties)
