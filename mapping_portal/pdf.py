"""What every PDF of the portal shares (the decision letter, the printable plan): DejaVu Sans, a font that
has the Kyrgyz letters ң ө ү, found on the server (Debian: fonts-dejavu-core) and registered with ReportLab."""

from pathlib import Path

from django.conf import settings
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIRS = [
    Path(getattr(settings, "LETTER_FONT_DIR", "/usr/share/fonts/truetype/dejavu")),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),
]
REGULAR, BOLD = "DejaVuSans", "DejaVuSans-Bold"


class FontMissing(Exception):
    """DejaVu Sans is not installed (Debian: apt-get install fonts-dejavu-core); the views answer 503 with a
    message."""


def register_fonts(folders=None):
    """Register DejaVu Sans (regular and bold) once per process, from the first folder that has both."""
    if {REGULAR, BOLD} <= set(pdfmetrics.getRegisteredFontNames()):
        return
    for folder in FONT_DIRS if folders is None else folders:
        regular, bold = folder / f"{REGULAR}.ttf", folder / f"{BOLD}.ttf"
        if regular.exists() and bold.exists():
            pdfmetrics.registerFont(TTFont(REGULAR, str(regular)))
            pdfmetrics.registerFont(TTFont(BOLD, str(bold)))
            return
    raise FontMissing
