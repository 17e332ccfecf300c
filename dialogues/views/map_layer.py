"""The dialogues' map layer: centres and events with a point, as GeoJSON built by PostgreSQL."""

from django.db.models import CharField, F, Func, Q, Value
from django.db.models.functions import Coalesce
from django.views.decorators.http import require_GET

from dialogues.filters import EventFilterSet
from dialogues.models import DialoguePlatform, Event
from mapping_portal import access
from mapping_portal.geo import EMPTY, PointLayer, geojson_response, point_layers


@require_GET
def dialogues_geojson(request):
    """Dialogue and resource centres and events with a point, access-scoped, events filtered like the list.

    Events without a point of their own stand at their centre's point.
    """
    user = request.user
    if not access.can_view_events(user):
        return geojson_response(EMPTY)
    events = EventFilterSet(request.GET, queryset=Event.objects.for_user(user)).qs
    event_rows = (
        events.filter(Q(lat__isnull=False) | Q(platform__lat__isnull=False))
        .order_by()
        .values(
            "id",
            "title",
            "kind",
            "status",
            date=Func(F("start_date"), Value("DD.MM.YYYY"), function="to_char", output_field=CharField()),
            point_lat=Coalesce("lat", "platform__lat"),
            point_lon=Coalesce("lon", "platform__lon"),
            site_slug=F("site__slug"),
        )
    )
    platform_rows = (
        DialoguePlatform.objects.for_user(user)
        .filter(lat__isnull=False)
        .order_by()
        .values("id", "name", "status", "lat", "lon", site_slug=F("site__slug"))
    )
    event_layer = PointLayer(
        event_rows,
        lat="point_lat",
        lon="point_lon",
        constants={"layer": "event"},
        properties={
            "id": "id",
            "name": "title",
            "kind": "kind",
            "date": "date",
            "status": "status",
            "site": "site_slug",
        },
    )
    platform_layer = PointLayer(
        platform_rows,
        lat="lat",
        lon="lon",
        constants={"layer": "platform"},
        properties={"id": "id", "name": "name", "status": "status", "site": "site_slug"},
    )
    return geojson_response(point_layers(event_layer, platform_layer))
