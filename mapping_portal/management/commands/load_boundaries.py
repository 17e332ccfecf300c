"""manage.py load_boundaries PATH: real boundaries, centres and village points from a GeoJSON file.

Typical inputs: the OCHA COD-AB ADM3 layer for Kyrgyzstan, or an OpenStreetMap extract. Each
feature is matched to a pilot site or settlement by official (SOATE) code where any property
holds one, otherwise by name (Kyrgyz, Russian or Latin spelling). Polygons become site
boundaries; points become settlement points (or a site centre, when matched to the site by code).
Everything is checked before anything is written, and the whole file loads or nothing does.
"""

import json
import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from mapping_portal.models import LocationPrecision, PilotSite, Settlement, point_in_kyrgyzstan
from mapping_portal.text import match_key

NAME_PROPERTIES = [
    "name",
    "name:ky",
    "name:ru",
    "name:en",
    "name_ky",
    "name_ru",
    "name_en",
    "ADM3_EN",
    "ADM3_RU",
    "ADM3_KY",
    "ADM3_REF",
    "NAME_3",
    "shapeName",
]
# Words that say what kind of unit a name is, not which one: dropped before names are compared.
GENERIC_WORDS = re.compile(
    r"(айыл(ь)?н(ый|ой)\s+аймак|айыл\s+аймагы|айыл\s+өкмөтү|аил(ь)?н(ый|ой)\s+округ|шаары|город|"
    r"ayil\s+aimak|aiyl\s+aimak|ayyl\s+aymak|aiyl\s+okmotu|ayil\s+okmotu|\ba/?o\b|\btown\b|\bcity\b)",
    re.IGNORECASE,
)
RUSSIAN_ADJECTIVE = re.compile(r"(ский|ской|ская)\b", re.IGNORECASE)


def name_key(name: str) -> str:
    """Compare 'Ак-Турпакский айыльный аймак', 'Актурпак айыл аймагы' and 'Ak-Turpak A/O' as equal."""
    name = GENERIC_WORDS.sub(" ", name or "")
    name = RUSSIAN_ADJECTIVE.sub("", name)
    return match_key(name)


def _positions(geometry):
    """Every [lon, lat] position in a GeoJSON geometry."""
    coords = geometry.get("coordinates")

    def walk(value):
        if isinstance(value, list) and len(value) >= 2 and all(isinstance(v, (int, float)) for v in value[:2]):
            yield value
        elif isinstance(value, list):
            for item in value:
                yield from walk(item)

    return list(walk(coords))


class Command(BaseCommand):
    help = "Load pilot-site boundaries, centres and settlement points from a GeoJSON file."

    def add_arguments(self, parser):
        parser.add_argument("path", help="A GeoJSON FeatureCollection (RFC 7946, longitude/latitude).")
        parser.add_argument("--dry-run", action="store_true", help="Report what would match; change nothing.")
        parser.add_argument("--source", default="", help="Where the data comes from (stored with boundaries).")

    def handle(self, *args, path, dry_run, source, **options):
        features = self.read(Path(path))
        sites = list(PilotSite.objects.all())
        settlements = list(Settlement.objects.select_related("site"))
        by_code = {s.soate_code: s for s in sites} | {s.soate_code: s for s in settlements if s.soate_code}
        site_names = self.names_index(sites)
        settlement_names = self.names_index(settlements)

        changes, report, problems = [], [], []
        for number, feature in enumerate(features, start=1):
            geometry = feature.get("geometry") or {}
            properties = feature.get("properties") or {}
            label = self.label(number, properties)
            kind = geometry.get("type")
            if kind not in {"Polygon", "MultiPolygon", "Point"}:
                report.append(
                    f"skipped   {label}: geometry {kind or 'missing'} is not a Polygon, MultiPolygon or Point"
                )
                continue
            positions = _positions(geometry)
            if not positions or not all(point_in_kyrgyzstan(lat, lon) for lon, lat in (p[:2] for p in positions)):
                problems.append(f"{label}: coordinates outside Kyrgyzstan (is it longitude, latitude order, WGS 84?)")
                continue

            target, how = self.match(properties, kind, by_code, site_names, settlement_names)
            if target is None:
                report.append(f"unmatched {label}{': ' + how if how else ''}")
                continue
            if kind == "Point" and isinstance(target, PilotSite) and how != "code":
                report.append(
                    f"unmatched {label}: a point matched to a site by name only is ambiguous; give its SOATE code"
                )
                continue
            if isinstance(target, Settlement) and kind != "Point":
                report.append(f"skipped   {label}: settlement boundaries are not stored")
                continue
            changes.append((target, geometry))
            report.append(f"matched   {label} → {self.describe(target)} (by {how})")

        for line in report:
            self.stdout.write(line)
        if problems:
            raise CommandError("Nothing was loaded. Fix these features first:\n  " + "\n  ".join(problems))

        matched_sites = {t.pk for t, _ in changes if isinstance(t, PilotSite)}
        missing = [s.slug for s in sites if s.pk not in matched_sites]
        self.stdout.write(
            f"{len(changes)} of {len(features)} features matched; sites without a match in this file: "
            f"{', '.join(missing) if missing else 'none'}."
        )
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
            return
        self.apply(changes, source or Path(path).name)
        self.stdout.write(self.style.SUCCESS(f"Loaded {len(changes)} features."))

    def read(self, path):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as error:
            raise CommandError(f"No such file: {path}") from error
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"{path} is not a GeoJSON file (JSON error: {error})") from error
        if (
            not isinstance(data, dict)
            or data.get("type") != "FeatureCollection"
            or not isinstance(data.get("features"), list)
        ):
            raise CommandError(f"{path} is not a GeoJSON FeatureCollection.")
        return [f for f in data["features"] if isinstance(f, dict)]

    @staticmethod
    def names_index(objects):
        index = {}
        for obj in objects:
            for name in obj.names().values():
                if name:
                    index.setdefault(name_key(name), set()).add(obj)
        return index

    @staticmethod
    def label(number, properties):
        name = next((str(properties[k]) for k in NAME_PROPERTIES if properties.get(k)), "")
        return f"#{number} {name!r}" if name else f"#{number}"

    @staticmethod
    def match(properties, kind, by_code, site_names, settlement_names):
        for value in properties.values():
            if isinstance(value, (str, int)) and str(value).strip() in by_code:
                return by_code[str(value).strip()], "code"
        index = site_names if kind != "Point" else settlement_names
        candidates = set()
        for key in NAME_PROPERTIES:
            if properties.get(key):
                candidates |= index.get(name_key(str(properties[key])), set())
        if len(candidates) == 1:
            return candidates.pop(), "name"
        if len(candidates) > 1:
            return None, "its name fits several: " + ", ".join(sorted(str(c) for c in candidates))
        return None, ""

    @staticmethod
    def describe(target):
        if isinstance(target, PilotSite):
            return f"site {target.slug}"
        return f"settlement {target.name} ({target.site.slug})"

    @transaction.atomic
    def apply(self, changes, source):
        for target, geometry in changes:
            if isinstance(target, PilotSite):
                site = PilotSite.objects.select_for_update().get(pk=target.pk)
                if geometry["type"] == "Point":
                    lon, lat = geometry["coordinates"][:2]
                    site.set_centre(lat, lon, LocationPrecision.EXACT, f"loaded from {source}")
                else:
                    site.boundary = geometry
                    site.boundary_source = source[:300]
                site.save()
            else:
                lon, lat = geometry["coordinates"][:2]
                target.lat, target.lon = lat, lon
                target.save()
