"""A map of the pilot sites drawn on the server for the donor report: each site's boundary (PilotSite.boundary,
GeoJSON) and centre point, labelled in the active language, with a scale bar — no tiles, no network. The same
layout is drawn twice: as a ReportLab drawing for the PDF, and as a PNG (Pillow) for the XLSX, since ReportLab's
bitmap renderer is not installed."""

import io
import math
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from mapping_portal import pdf

# Colours: a covered site (the report's) in the portal's blue, the others in grey.
COVERED, OTHER, INK, PAPER = "#1f5fa8", "#9aa3ad", "#1d2733", "#f4f7fa"
KM_PER_DEGREE = 111.32


@dataclass
class Shape:
    name: str
    covered: bool
    rings: list = field(default_factory=list)  # [[(x, y), …], …] in the drawing's units, y upwards
    centre: tuple | None = None


@dataclass
class Layout:
    width: float
    height: float
    shapes: list
    scale_km: int = 0  # the scale bar's length in km, and in the drawing's units
    scale_length: float = 0.0
    note: str = ""


def _rings(geometry) -> list:
    """The outer rings of a Polygon or MultiPolygon as lists of (lon, lat); anything else gives none."""
    if not isinstance(geometry, dict):
        return []
    kind, coordinates = geometry.get("type"), geometry.get("coordinates") or []
    polygons = [coordinates] if kind == "Polygon" else coordinates if kind == "MultiPolygon" else []
    rings = []
    for polygon in polygons:
        try:
            ring = [(float(lon), float(lat)) for lon, lat, *_rest in polygon[0]]
        except (TypeError, ValueError, IndexError):
            continue
        if len(ring) >= 3:
            rings.append(ring)
    return rings


def layout(sites, covered_ids, width: float, height: float, margin: float = 24) -> Layout:
    """Sites projected into a box of width × height (equirectangular, x scaled by the cosine of the mean latitude,
    which is exact enough over the 200 km between the sites), y upwards."""
    raw = []
    for site in sites:
        rings = _rings(site.boundary)
        centre = (site.centre_lon, site.centre_lat) if site.centre_lat is not None else None
        raw.append((site, rings, centre))
    points = [p for _site, rings, centre in raw for p in ([centre] if centre else []) + [q for r in rings for q in r]]
    if not points:
        return Layout(width, height, [], note=_("The pilot sites have no location recorded yet."))
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    kx = math.cos(math.radians(sum(lats) / len(lats)))
    span_x = max((max(lons) - min(lons)) * kx, 0.05)
    span_y = max(max(lats) - min(lats), 0.05)
    scale = min((width - 2 * margin) / span_x, (height - 2 * margin) / span_y)
    mid_lon, mid_lat = (max(lons) + min(lons)) / 2, (max(lats) + min(lats)) / 2

    def project(lon, lat):
        return (width / 2 + (lon - mid_lon) * kx * scale, height / 2 + (lat - mid_lat) * scale)

    shapes = [
        Shape(
            site.name,
            site.pk in covered_ids,
            [[project(*p) for p in ring] for ring in rings],
            project(*centre) if centre else None,
        )
        for site, rings, centre in raw
    ]
    # A round scale bar of about a fifth of the width.
    km_per_unit = KM_PER_DEGREE / scale
    target = width / 5 * km_per_unit
    scale_km = next((km for km in (1, 2, 5, 10, 20, 25, 50, 100, 200) if km >= target * 0.6), 200)
    note = "" if any(shape.rings for shape in shapes) else _("Boundaries are not recorded yet: centres only.")
    return Layout(width, height, shapes, scale_km, scale_km / km_per_unit, note)


def drawing(sites, covered_ids, width: float, height: float):
    """The map as a ReportLab Drawing (vector, fonts embedded with the PDF's)."""
    from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, Rect, String
    from reportlab.lib import colors

    plan = layout(sites, covered_ids, width, height)
    art = Drawing(width, height)
    art.add(Rect(0, 0, width, height, fillColor=colors.HexColor(PAPER), strokeColor=colors.HexColor(OTHER)))
    for shape in plan.shapes:
        colour = colors.HexColor(COVERED if shape.covered else OTHER)
        for ring in shape.rings:
            art.add(
                Polygon(
                    [c for point in ring for c in point],
                    fillColor=colors.Color(colour.red, colour.green, colour.blue, alpha=0.18),
                    strokeColor=colour,
                    strokeWidth=1,
                )
            )
    for shape in plan.shapes:
        if shape.centre is None:
            continue
        colour = colors.HexColor(COVERED if shape.covered else OTHER)
        x, y = shape.centre
        art.add(Circle(x, y, 4, fillColor=colour, strokeColor=colors.white, strokeWidth=1))
        anchor = "end" if x > width * 0.7 else "start"
        dx = -7 if anchor == "end" else 7
        art.add(String(x + dx, y - 3, shape.name, fontName=pdf.BOLD, fontSize=9, fillColor=colors.HexColor(INK),
                       textAnchor=anchor))  # fmt: skip
    if plan.scale_length:
        x0, y0 = 12, 12
        art.add(Line(x0, y0, x0 + plan.scale_length, y0, strokeColor=colors.HexColor(INK), strokeWidth=2))
        art.add(String(x0, y0 + 5, _("%(km)s km") % {"km": plan.scale_km}, fontName=pdf.REGULAR, fontSize=7))
    if plan.note:
        art.add(String(width - 8, 8, plan.note, fontName=pdf.REGULAR, fontSize=7, textAnchor="end",
                       fillColor=colors.HexColor(INK)))  # fmt: skip
    return art


def _font_folder():
    """The folder of DejaVu Sans (the PDF's font), for Pillow."""
    for folder in pdf.FONT_DIRS:
        if (folder / f"{pdf.REGULAR}.ttf").exists() and (folder / f"{pdf.BOLD}.ttf").exists():
            return folder
    raise pdf.FontMissing


def png(sites, covered_ids, width: int = 640, height: int = 420) -> bytes:
    """The same map as a PNG (for the XLSX), drawn with Pillow and DejaVu Sans."""
    from PIL import Image, ImageDraw, ImageFont

    plan = layout(sites, covered_ids, width, height)
    image = Image.new("RGB", (width, height), PAPER)
    draw = ImageDraw.Draw(image, "RGBA")
    folder = _font_folder()
    bold = ImageFont.truetype(str(folder / f"{pdf.BOLD}.ttf"), 15)
    small = ImageFont.truetype(str(folder / f"{pdf.REGULAR}.ttf"), 12)

    def flip(point):  # Pillow's y runs downwards
        return (point[0], height - point[1])

    def rgb(hex_colour, alpha=255):
        return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)) + (alpha,)

    draw.rectangle([0, 0, width - 1, height - 1], outline=rgb(OTHER))
    for shape in plan.shapes:
        colour = COVERED if shape.covered else OTHER
        for ring in shape.rings:
            draw.polygon([flip(p) for p in ring], fill=rgb(colour, 46), outline=rgb(colour))
    for shape in plan.shapes:
        if shape.centre is None:
            continue
        x, y = flip(shape.centre)
        colour = COVERED if shape.covered else OTHER
        draw.ellipse([x - 6, y - 6, x + 6, y + 6], fill=rgb(colour), outline=(255, 255, 255, 255), width=2)
        text_width = draw.textlength(shape.name, font=bold)
        tx = x - 10 - text_width if x > width * 0.7 else x + 10
        draw.text((tx, y - 9), shape.name, font=bold, fill=rgb(INK))
    if plan.scale_length:
        draw.line([(16, height - 16), (16 + plan.scale_length, height - 16)], fill=rgb(INK), width=3)
        draw.text((16, height - 34), _("%(km)s km") % {"km": plan.scale_km}, font=small, fill=rgb(INK))
    if plan.note:
        note_width = draw.textlength(plan.note, font=small)
        draw.text((width - 10 - note_width, height - 22), plan.note, font=small, fill=rgb(INK))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
