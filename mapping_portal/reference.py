"""Reference data the portal cannot work without: the three pilot sites and the five thematic areas.

Loaded from `mapping_portal/data/` (real geography, with its sources in SOURCES.md there).
Loading is idempotent and additive: missing rows are created, existing ones are left as they are,
so an administrator's corrections (a site's exact centre, a better Kyrgyz name) survive re-seeding.
"""

import json
from pathlib import Path

from django.db import transaction

from mapping_portal.models import LocationPrecision, PilotSite, Settlement, ThematicArea

DATA_DIR = Path(__file__).resolve().parent / "data"


def _names(prefix, names):
    return {f"{prefix}_{lang}": (names or {}).get(lang) or "" for lang in ("ky", "ru", "en")}


def _site_defaults(record):
    defaults = {
        "kind": record["kind"] if record["kind"] in PilotSite.Kind.values else PilotSite.Kind.AYIL_AIMAK,
        "soate_code": record["soate_code"],
        **_names("name", record["names"]),
        **_names("oblast", record["oblast"]),
        **_names("district", record["district"]),
    }
    if record.get("centre"):
        lon, lat = record["centre"]
        defaults.update(
            centre_lat=lat,
            centre_lon=lon,
            centre_precision=LocationPrecision.EXACT,
            centre_note=record.get("centre_note", ""),
        )
    elif record.get("centre_approx"):
        lon, lat = record["centre_approx"]
        defaults.update(
            centre_lat=lat,
            centre_lon=lon,
            centre_precision=LocationPrecision.DISTRICT_SEAT,
            centre_note=record.get("centre_approx_note", ""),
        )
    return defaults


@transaction.atomic
def load_reference_data() -> dict:
    """Create whatever reference rows are missing. Returns how many of each were created."""
    created = {"sites": 0, "settlements": 0, "thematic_areas": 0}
    for record in json.loads((DATA_DIR / "pilot_sites.json").read_text(encoding="utf-8")):
        site, was_created = PilotSite.objects.get_or_create(slug=record["slug"], defaults=_site_defaults(record))
        created["sites"] += was_created
        for settlement in record["settlements"]:
            point = settlement.get("point")
            _, was_created = Settlement.objects.get_or_create(
                soate_code=settlement["soate_code"],
                defaults={
                    "site": site,
                    **_names("name", settlement["names"]),
                    "lat": point[1] if point else None,
                    "lon": point[0] if point else None,
                },
            )
            created["settlements"] += was_created
    for record in json.loads((DATA_DIR / "thematic_areas.json").read_text(encoding="utf-8")):
        _, was_created = ThematicArea.objects.get_or_create(
            code=record["code"],
            defaults={
                "number": record["number"],
                "sensitive": record["sensitive"],
                "pillars": record["pillars"],
                **_names("name", record["names"]),
                **_names("description", record["descriptions"]),
            },
        )
        created["thematic_areas"] += was_created
    return created
