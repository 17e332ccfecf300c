"""manage.py load_boundaries: match features by SOATE code or name, report, load all or nothing."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from mapping_portal.models import PilotSite, Settlement

KYSHTUT_SQUARE = {"type": "Polygon", "coordinates": [[[70.55, 39.95], [70.75, 39.95], [70.75, 40.1], [70.55, 39.95]]]}
KERBEN_SQUARE = {"type": "Polygon", "coordinates": [[[71.7, 41.45], [71.8, 41.45], [71.8, 41.55], [71.7, 41.45]]]}


def feature(geometry, **properties):
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def write(tmp_path, *features):
    path = tmp_path / "boundaries.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": list(features)}), encoding="utf-8")
    return str(path)


def load(path, *args):
    out = StringIO()
    call_command("load_boundaries", path, *args, stdout=out)
    return out.getvalue()


def test_polygons_are_matched_by_code_and_by_russian_name(tmp_path, sites):
    path = write(
        tmp_path,
        feature(KYSHTUT_SQUARE, ADM3_PCODE="KG05214", soate="41705214835000", ADM3_EN="Kyshtut"),
        feature(KERBEN_SQUARE, **{"name:ru": "город Кербен"}),
    )
    report = load(path, "--source", "test extract")
    assert "→ site kyshtut (by code)" in report
    assert "→ site kerben (by name)" in report
    assert "sites without a match in this file: akturpak" in report
    kyshtut = PilotSite.objects.get(slug="kyshtut")
    assert kyshtut.boundary == KYSHTUT_SQUARE
    assert kyshtut.boundary_source == "test extract"


def test_names_match_across_spellings_and_unit_words(tmp_path, sites):
    path = write(tmp_path, feature(KYSHTUT_SQUARE, ADM3_EN="Ak-Turpak A/O"))
    assert "→ site akturpak (by name)" in load(path, "--dry-run")
    path = write(tmp_path, feature(KYSHTUT_SQUARE, name="Ак-Турпакский айыльный аймак"))
    assert "→ site akturpak (by name)" in load(path, "--dry-run")


def test_settlement_points_are_matched_by_latin_name(tmp_path, sites):
    path = write(tmp_path, feature({"type": "Point", "coordinates": [70.6, 40.02]}, name="Charbak"))
    report = load(path)
    assert "→ settlement" in report
    charbak = Settlement.objects.get(name_ru="Чарбак")
    assert (charbak.lat, charbak.lon) == (40.02, 70.6)


def test_a_point_with_a_site_code_becomes_the_exact_centre(tmp_path, sites):
    path = write(tmp_path, feature({"type": "Point", "coordinates": [70.6, 40.03]}, soate_code="41705214835000"))
    load(path)
    kyshtut = PilotSite.objects.get(slug="kyshtut")
    assert (kyshtut.centre_lat, kyshtut.centre_lon, kyshtut.centre_precision) == (40.03, 70.6, "exact")


def test_unmatched_and_ambiguous_features_are_reported_not_guessed(tmp_path, sites):
    path = write(
        tmp_path,
        feature(KERBEN_SQUARE, name="Таш-Кумыр"),
        feature({"type": "LineString", "coordinates": [[71.7, 41.4], [71.8, 41.5]]}, name="road"),
    )
    report = load(path)
    assert "unmatched #1 'Таш-Кумыр'" in report
    assert "skipped   #2 'road'" in report
    assert not PilotSite.objects.exclude(boundary=None).exists()


def test_coordinates_outside_kyrgyzstan_load_nothing(tmp_path, sites):
    swapped = {"type": "Polygon", "coordinates": [[[39.95, 70.55], [39.95, 70.75], [40.1, 70.75], [39.95, 70.55]]]}
    path = write(tmp_path, feature(KERBEN_SQUARE, soate="41703211610010"), feature(swapped, soate="41705214835000"))
    with pytest.raises(CommandError, match="outside Kyrgyzstan"):
        load(path)
    assert not PilotSite.objects.exclude(boundary=None).exists()


def test_dry_run_changes_nothing(tmp_path, sites):
    path = write(tmp_path, feature(KERBEN_SQUARE, soate="41703211610010"))
    assert "Dry run" in load(path, "--dry-run")
    assert PilotSite.objects.get(slug="kerben").boundary is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not a GeoJSON file"),
        ('{"type": "Feature"}', "not a GeoJSON FeatureCollection"),
        (None, "No such file"),
    ],
)
def test_bad_files_get_a_clear_message(tmp_path, sites, content, message):
    path = tmp_path / "input.geojson"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        load(str(path))
