"""The map layer of the awarded grants (GeoJSON)."""

from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from grants.filters import GrantApplicationFilterSet
from grants.models import GrantApplication
from mapping_portal import access
from stakeholders.models import Organization


@require_GET
def awards_geojson(request):
    """The awarded grants the user may see one by one, as points at the applicant organization's point
    (an application without an organization, or whose organization has no point, is left out), filtered like
    the applications list. Admins and staff: their sites; local authorities: their sites' awards; everyone else
    an empty layer (viewers read the aggregates on the calls' pages). The link to the application only for those
    who may open it."""
    user = request.user
    features = []
    if access.can_view_awards_on_map(user):
        filterset = GrantApplicationFilterSet(
            request.GET, queryset=GrantApplication.objects.awarded_on_map(user), user=user
        )
        rows = (
            filterset.qs.filter(
                organization__in=Organization.objects.for_user(user),
                organization__lat__isnull=False,
                organization__lon__isnull=False,
            )
            .order_by("id")
            .values(
                "id",
                "title",
                "call_id",
                "call__title_ky",
                "call__title_ru",
                "call__title_en",
                "award__amount",
                "site__slug",
                "site__name_ky",
                "site__name_ru",
                "site__name_en",
                "organization__lat",
                "organization__lon",
            )
        )
        may_open = access.can_view_applications(user)
        features = [_award_feature(row, may_open) for row in rows]
    response = JsonResponse(
        {"type": "FeatureCollection", "features": features}, json_dumps_params={"ensure_ascii": False}
    )
    response["Content-Type"] = "application/geo+json"
    response["Cache-Control"] = "private, no-store"
    return response


def _award_feature(row, may_open) -> dict:
    properties = {
        "id": row["id"],
        "title": row["title"],
        "call_id": row["call_id"],
        "call": {language: row[f"call__title_{language}"] for language in ("ky", "ru", "en")},
        "amount": row["award__amount"],
        "site": row["site__slug"],
        "site_names": {language: row[f"site__name_{language}"] for language in ("ky", "ru", "en")},
    }
    if may_open:
        properties["url"] = reverse("grants:application-detail", args=[row["id"]])
    return {
        "type": "Feature",
        "geometry": {
            "type": "Point",
            "coordinates": [round(row["organization__lon"], 5), round(row["organization__lat"], 5)],
        },
        "properties": properties,
    }
