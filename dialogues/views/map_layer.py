"""The dialogues' map layer: centres and events with a point, as GeoJSON built by PostgreSQL."""

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from dialogues.filters import EventFilterSet
from dialogues.models import DialoguePlatform, Event
from mapping_portal import access


@require_GET
def dialogues_geojson(request):
    """Dialogue and resource centres and events with a point, access-scoped, events filtered like the list.

    Events without a point of their own stand at their centre's point. Built by PostgreSQL as JSON.
    """
    user = request.user
    features = []
    if access.can_view_events(user):
        events = EventFilterSet(request.GET, queryset=Event.objects.for_user(user)).qs
        event_rows = (
            events.filter(Q(lat__isnull=False) | Q(platform__lat__isnull=False))
            .order_by()
            .values(
                "id",
                "title",
                "kind",
                "start_date",
                "status",
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
        features = _geojson_features(event_rows, platform_rows)
    body = '{"type": "FeatureCollection", "features": ' + (features or "[]") + "}"
    response = HttpResponse(body, content_type="application/geo+json")
    response["Cache-Control"] = "private, no-store"
    return response


GEOJSON_SQL = """
SELECT coalesce(json_agg(f), '[]'::json)::text FROM (
    SELECT json_build_object('type', 'Feature',
        'geometry', json_build_object('type', 'Point', 'coordinates',
            json_build_array(round(e.point_lon::numeric, 5), round(e.point_lat::numeric, 5))),
        'properties', json_build_object('layer', 'event', 'id', e.id, 'name', e.title, 'kind', e.kind,
            'date', to_char(e.start_date, 'DD.MM.YYYY'), 'status', e.status, 'site', e.site_slug)) AS f
    FROM ({events}) AS e
    UNION ALL
    SELECT json_build_object('type', 'Feature',
        'geometry', json_build_object('type', 'Point', 'coordinates',
            json_build_array(round(p.lon::numeric, 5), round(p.lat::numeric, 5))),
        'properties', json_build_object('layer', 'platform', 'id', p.id, 'name', p.name, 'status', p.status,
            'site', p.site_slug))
    FROM ({platforms}) AS p
) AS features
"""


def _geojson_features(event_rows, platform_rows) -> str:
    try:
        events_sql, events_params = event_rows.query.sql_with_params()
        platforms_sql, platforms_params = platform_rows.query.sql_with_params()
    except EmptyResultSet:
        return "[]"
    with connection.cursor() as cursor:
        cursor.execute(
            GEOJSON_SQL.format(events=events_sql, platforms=platforms_sql), (*events_params, *platforms_params)
        )
        return cursor.fetchone()[0]
