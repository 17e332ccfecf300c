"""GeoJSON of the pilot sites: centres (with their precision), boundaries and settlement points."""

from mapping_portal.models import PilotSite


def _point(lon, lat):
    return {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]}


def sites_feature_collection(sites=None) -> dict:
    """A FeatureCollection: one Point per site (null geometry while a site has no centre), plus a
    boundary feature and settlement points where the data has them. Every feature carries
    `slug`, `kind` and `names` so the map can label it in any language."""
    if sites is None:
        sites = PilotSite.objects.prefetch_related("settlements")
    features = []
    for site in sites:
        settlements = list(site.settlements.all())
        features.append(
            {
                "type": "Feature",
                "geometry": _point(site.centre_lon, site.centre_lat) if site.has_centre else None,
                "properties": {
                    "id": site.pk,
                    "slug": site.slug,
                    "kind": "site",
                    "site_kind": site.kind,
                    "names": site.names(),
                    "district": {"ky": site.district_ky, "ru": site.district_ru, "en": site.district_en},
                    "oblast": {"ky": site.oblast_ky, "ru": site.oblast_ru, "en": site.oblast_en},
                    "soate_code": site.soate_code,
                    "precision": site.centre_precision,
                    "located": site.has_centre,
                    "settlements": [s.names() for s in settlements],
                },
            }
        )
        if site.boundary:
            features.append(
                {
                    "type": "Feature",
                    "geometry": site.boundary,
                    "properties": {"slug": site.slug, "kind": "boundary", "names": site.names()},
                }
            )
        for settlement in settlements:
            if settlement.lat is not None:
                features.append(
                    {
                        "type": "Feature",
                        "geometry": _point(settlement.lon, settlement.lat),
                        "properties": {
                            "slug": site.slug,
                            "kind": "settlement",
                            "names": settlement.names(),
                            "soate_code": settlement.soate_code,
                        },
                    }
                )
    return {"type": "FeatureCollection", "features": features}
