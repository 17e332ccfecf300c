"""GET /api/sites.geojson: public, one Point per site at its centre, boundaries and settlements where known."""

import pytest

from mapping_portal.models import KYRGYZSTAN_BOUNDS, PilotSite, Settlement
from tests.helpers import count_queries


def features_of(client, kind=None):
    response = client.get("/api/sites.geojson")
    assert response.status_code == 200
    data = response.json()
    assert data["type"] == "FeatureCollection"
    return [f for f in data["features"] if kind is None or f["properties"]["kind"] == kind]


def inside_kyrgyzstan(lon, lat):
    b = KYRGYZSTAN_BOUNDS
    return b["lon_min"] <= lon <= b["lon_max"] and b["lat_min"] <= lat <= b["lat_max"]


def test_each_pilot_site_is_a_point_feature_with_slug_kind_and_names(client, sites):
    features = features_of(client, "site")
    assert sorted(f["properties"]["slug"] for f in features) == ["akturpak", "kerben", "kyshtut"]
    for feature in features:
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] == "Point"
        assert set(feature["properties"]["names"]) == {"ky", "ru", "en"}
        assert all(feature["properties"]["names"].values())


def test_site_coordinates_lie_in_kyrgyzstan_and_are_lon_lat(client, sites):
    for feature in features_of(client, "site"):
        lon, lat = feature["geometry"]["coordinates"]
        assert inside_kyrgyzstan(lon, lat), feature["properties"]["slug"]
    kerben = next(f for f in features_of(client, "site") if f["properties"]["slug"] == "kerben")
    assert kerben["geometry"]["coordinates"] == pytest.approx([71.75826, 41.49399])


def test_precision_tells_exact_from_district_seat(client, sites):
    precision = {f["properties"]["slug"]: f["properties"]["precision"] for f in features_of(client, "site")}
    assert precision == {"kerben": "exact", "akturpak": "district_seat", "kyshtut": "district_seat"}


def test_the_public_gets_it_without_signing_in_and_it_is_cacheable(client, sites):
    response = client.get("/api/sites.geojson")
    assert response["Content-Type"] == "application/geo+json"
    assert "public" in response["Cache-Control"]


def test_a_site_without_a_centre_has_null_geometry(client, sites):
    site = sites["kyshtut"]
    site.set_centre(None, None)
    site.save()
    kyshtut = next(f for f in features_of(client, "site") if f["properties"]["slug"] == "kyshtut")
    assert kyshtut["geometry"] is None
    assert kyshtut["properties"]["located"] is False


def test_boundary_and_settlement_points_appear_when_known(client, sites):
    square = {"type": "Polygon", "coordinates": [[[70.8, 40.0], [70.9, 40.0], [70.9, 40.1], [70.8, 40.0]]]}
    PilotSite.objects.filter(slug="kyshtut").update(boundary=square)
    Settlement.objects.filter(soate_code="41705214835010").update(lat=40.05, lon=70.85)
    boundaries = features_of(client, "boundary")
    assert [(f["properties"]["slug"], f["geometry"]) for f in boundaries] == [("kyshtut", square)]
    points = features_of(client, "settlement")
    assert len(points) == 1
    assert points[0]["properties"]["slug"] == "kyshtut"
    assert points[0]["geometry"]["coordinates"] == [70.85, 40.05]


def test_query_count_does_not_grow_with_settlements(client, sites):
    # 1: the sites; 2: their settlements (prefetched) — whatever the number of settlements.
    before = count_queries(client, "/api/sites.geojson")
    for number in range(20):
        Settlement.objects.create(site=sites["kerben"], name_ru=f"Село {number}", lat=41.4, lon=71.7)
    assert count_queries(client, "/api/sites.geojson") == before == 2
