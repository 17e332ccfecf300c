"""Uploaded images (organization logos, event photos): checked by content, shrunk and re-encoded without metadata."""

import io
import math
import posixpath
import re
import unicodedata
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

# Pillow's names for the formats we accept. Its JPEG reader reports the multi-picture JPEG that many
# phones write as "MPO"; the first picture is the photo.
OPENED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
ACCEPTED_FORMATS = {*OPENED_FORMATS, "MPO"}
JPEG_QUALITY = 85
# Leaves room for the upload_to folder within FileField's default max_length of 100.
MAX_NAME_LENGTH = 60
# Checked from the header, before any pixel is decoded. The pixel count alone lets a 1 × 24,000,000 PNG
# (47 KB) through, and decoding it costs ~460 MB: each side and the shape are limited too.
MAX_SIDE = 12_000  # pixels, either side
MAX_ASPECT_RATIO = 20  # the long side at most 20 times the short one (phone panoramas are under 8)
# Only JPEG can be decoded at a reduced scale (draft): the others cost 4 bytes per pixel in full, so
# their pixel limit is lower (16 megapixels: 64 MB decoded, where 25 megapixels cost ~180 MB).
UNREDUCIBLE_MAX_PIXELS = 16_000_000
DRAFT_FORMATS = ("JPEG", "MPO")

TOO_LARGE = _("The file is too large. The limit is %(limit)s MB.")
NOT_AN_IMAGE = _("The file is not an image in a supported format (JPEG, PNG, WebP or GIF).")
TOO_MANY_PIXELS = _("The image has too many pixels. The limit is %(limit)s megapixels: make it smaller and try again.")
CORRUPTED = _("The image file is damaged and cannot be read.")
SIDE_TOO_LONG = _(
    "The image is %(width)s × %(height)s pixels; each side may be at most %(limit)s pixels. Make it smaller and "
    "try again."
)
TOO_NARROW = _(
    "The image is %(width)s × %(height)s pixels: too long and narrow. The long side may be at most %(ratio)s "
    "times the short one."
)

# Modes whose samples go above 255 (16-bit greyscale PNGs). Converting them straight to RGB clips
# every value above 255 to white, so they are scaled down to 8 bits first.
WIDE_MODES = {"I", "I;16", "I;16L", "I;16B", "I;16N"}
ALPHA_MODES = {"RGBA", "RGBa", "LA", "La", "PA"}


@dataclass(frozen=True)
class CleanImage:
    """A re-encoded upload, safe to store and to serve: no metadata, bounded size."""

    full: ContentFile
    thumbnail: ContentFile
    width: int
    height: int
    format: str  # "JPEG" or "PNG"


def clean_image(
    upload,
    *,
    max_bytes=5 * 1024 * 1024,
    max_pixels=25_000_000,
    max_side=1600,
    thumb_side=240,
) -> CleanImage:
    """Check an uploaded image by its content and re-encode it; raise ValidationError if it is refused.

    Pillow's own decompression-bomb limit (Image.MAX_IMAGE_PIXELS) applies too, so a `max_pixels`
    above it has no effect.
    """
    data = _read(upload, max_bytes)
    # Locally only: the global warning filters and Image.MAX_IMAGE_PIXELS are left as they are.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        pixels = _decode(data, max_pixels=max_pixels, max_side=max_side)
    try:
        if pixels.mode in ("RGB", "RGBA", "L", "LA"):
            # Shrunk first, so that the conversions below copy a small image, not the full one.
            pixels.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    except Exception:
        raise ValidationError(CORRUPTED, code="corrupted") from None
    pixels, image_format = _flatten(pixels)

    try:
        pixels.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        # A new image made from the pixel values alone, so that nothing of the upload's info
        # (EXIF, XMP, ICC profile, comments, PNG text chunks) can reach the encoder.
        full = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())
        thumb = full.copy()
        thumb.thumbnail((thumb_side, thumb_side), Image.Resampling.LANCZOS)
        full_bytes, thumb_bytes = _encode(full, image_format), _encode(thumb, image_format)
    except Exception:
        raise ValidationError(CORRUPTED, code="corrupted") from None

    full_name, thumb_name = _file_names(getattr(upload, "name", ""), "jpg" if image_format == "JPEG" else "png")
    return CleanImage(
        full=ContentFile(full_bytes, name=full_name),
        thumbnail=ContentFile(thumb_bytes, name=thumb_name),
        width=full.width,
        height=full.height,
        format=image_format,
    )


def _read(upload, max_bytes) -> bytes:
    """The upload's bytes, refused before reading if the declared size is over the limit."""
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise _too_large(max_bytes)
    if hasattr(upload, "seek"):
        upload.seek(0)
    # One byte more than allowed, so that a file whose declared size was wrong is still caught.
    data = upload.read(max_bytes + 1)
    if hasattr(upload, "seek"):
        upload.seek(0)
    if len(data) > max_bytes:
        raise _too_large(max_bytes)
    return data


def _decode(data, *, max_pixels, max_side) -> Image.Image:
    """The first frame's pixels, fully decoded, upright (EXIF orientation applied)."""
    image = _open(data, max_pixels)
    # Image.open reads only the header, so the size is known before any pixel is decoded.
    check_dimensions(image, max_pixels)
    width, height = image.size
    try:
        image.verify()
    except Exception:
        raise ValidationError(CORRUPTED, code="corrupted") from None

    # verify() leaves the image unusable; decode from a fresh one.
    image = _open(data, max_pixels)
    try:
        if image.format in ("JPEG", "MPO"):
            # JPEG can decode at 1/2, 1/4 or 1/8 scale: a 12-megapixel phone photo then costs
            # a quarter of the memory and time, and still has more pixels than max_side needs.
            scale = min(1.0, max_side / max(width, height))
            if scale < 1.0:
                image.draft(image.mode, (math.ceil(width * scale), math.ceil(height * scale)))
        image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(max_pixels) from None
    except Exception:
        raise ValidationError(CORRUPTED, code="corrupted") from None

    try:
        # In place: without an orientation tag exif_transpose would return a full copy of the pixels.
        ImageOps.exif_transpose(image, in_place=True)
        return image
    except Exception:
        # A broken EXIF block does not make the picture unreadable; it is dropped anyway.
        return image


def check_dimensions(image, max_pixels=25_000_000, *, reducible=None):
    """Refuse, from the header alone, an image whose decoding would cost too much: pixels, sides, shape.
    `reducible`: whether it will be decoded at a reduced scale (by default: if its format allows it)."""
    width, height = image.size
    if not (image.format in DRAFT_FORMATS if reducible is None else reducible):
        max_pixels = min(max_pixels, UNREDUCIBLE_MAX_PIXELS)
    if width * height > max_pixels:
        raise _too_many_pixels(max_pixels)
    size = {"width": _integer(width), "height": _integer(height)}
    if max(width, height) > MAX_SIDE:
        raise ValidationError(SIDE_TOO_LONG, code="side_too_long", params={**size, "limit": _integer(MAX_SIDE)})
    if min(width, height) < 1 or max(width, height) > MAX_ASPECT_RATIO * min(width, height):
        raise ValidationError(TOO_NARROW, code="too_narrow", params={**size, "ratio": MAX_ASPECT_RATIO})


def _integer(value) -> str:
    return number_format(value, force_grouping=True)


def _open(data, max_pixels) -> Image.Image:
    """Image.open restricted to the accepted formats: reads the header only."""
    try:
        image = Image.open(io.BytesIO(data), formats=OPENED_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(max_pixels) from None
    except UnidentifiedImageError:
        raise ValidationError(NOT_AN_IMAGE, code="not_an_image") from None
    except Exception:
        raise ValidationError(CORRUPTED, code="corrupted") from None
    if image.format not in ACCEPTED_FORMATS:
        raise ValidationError(NOT_AN_IMAGE, code="not_an_image")
    return image


def _flatten(image) -> tuple[Image.Image, str]:
    """RGBA and "PNG" if some pixel is see-through, otherwise RGB and "JPEG"."""
    try:
        if image.mode in WIDE_MODES:
            image = image.convert("I").point(lambda value: value / 256).convert("L")
        if image.mode in ALPHA_MODES or "transparency" in image.info:
            rgba = image.convert("RGBA")
            # An alpha channel that is opaque everywhere (common in PNG exports) is no transparency.
            if rgba.getchannel("A").getextrema()[0] < 255:
                return rgba, "PNG"
            return rgba.convert("RGB"), "JPEG"
        return (image if image.mode == "RGB" else image.convert("RGB")), "JPEG"
    except Exception:
        raise ValidationError(CORRUPTED, code="corrupted") from None


def _encode(image, image_format) -> bytes:
    buffer = io.BytesIO()
    if image_format == "JPEG":
        image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    else:
        image.save(buffer, "PNG")
    return buffer.getvalue()


def _file_names(upload_name, extension) -> tuple[str, str]:
    """The full image's and the thumbnail's names: the upload's base name, ASCII letters, digits, - and _."""
    # Browsers on Windows have sent full paths with backslashes.
    base = str(upload_name or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem = posixpath.splitext(base)[0]
    # "café" becomes "cafe"; scripts without an ASCII spelling (Cyrillic) drop out.
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", ascii_stem).strip("-_")[:MAX_NAME_LENGTH].strip("-_") or "image"
    return f"{safe}.{extension}", f"{safe}-thumb.{extension}"


def _too_large(max_bytes) -> ValidationError:
    return ValidationError(TOO_LARGE, code="too_large", params={"limit": _number(max_bytes / (1024 * 1024))})


def _too_many_pixels(max_pixels) -> ValidationError:
    # The refusal names the limit that applies, which is Pillow's when it is the lower one.
    limit = min(max_pixels, Image.MAX_IMAGE_PIXELS or max_pixels)
    return ValidationError(TOO_MANY_PIXELS, code="too_many_pixels", params={"limit": _number(limit / 1_000_000)})


def _number(value) -> str:
    """5 rather than 5.0; one decimal, with the active language's separator, when needed."""
    value = round(value, 1)
    return str(int(value)) if value == int(value) else number_format(value)
