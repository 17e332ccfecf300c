"""Uploaded images are checked by content, shrunk, and re-encoded without metadata; bad files are refused.

Every test image is made here in memory with Pillow; no database is needed.
"""

import io
import random
import struct
import warnings
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import ExifTags, Image, PngImagePlugin

from mapping_portal.images import CleanImage, clean_image

RED, GREEN, BLUE = (255, 0, 0), (0, 255, 0), (0, 0, 255)


@pytest.fixture(autouse=True)
def english_messages():
    # The messages are lazy: compare them in English, whatever language an earlier test left active.
    with translation.override("en"):
        yield


def encode(image, image_format, **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, image_format, **params)
    return buffer.getvalue()


def upload(data, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def noise(size, seed=1):
    """Random pixels: they compress badly, so the encoded file is large and its data fills most of it."""
    width, height = size
    return Image.frombytes("RGB", size, random.Random(seed).randbytes(width * height * 3))


def png_declaring(width, height) -> bytes:
    """A 1x1 PNG whose header claims another size, checksum fixed: a decompression bomb's shape."""
    data = bytearray(encode(Image.new("L", (1, 1)), "PNG"))
    # 8-byte signature, then the IHDR chunk: length (4), type (4), width (4), height (4), ..., CRC.
    struct.pack_into(">II", data, 16, width, height)
    struct.pack_into(">I", data, 29, zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def reopen(content_file) -> Image.Image:
    content_file.seek(0)
    image = Image.open(io.BytesIO(content_file.read()))
    image.load()
    return image


def refusal(data, name="photo.jpg", **limits) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        clean_image(upload(data, name=name), **limits)
    return caught.value


def close_to(pixel, colour, tolerance=40):
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour, strict=True))


def test_a_phone_photo_loses_its_gps_position_and_all_other_metadata():
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SomePhone"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (42.0, 52.0, 30.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (74.0, 36.0, 12.0)
    data = encode(
        Image.new("RGB", (800, 600), RED),
        "JPEG",
        exif=exif,
        icc_profile=b"not-really-a-profile" * 4,
        xmp=b"<x:xmpmeta>where the photo was taken</x:xmpmeta>",
        comment=b"taken at home",
    )
    # The upload really carries the position, so the test below is not vacuous.
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)

    result = clean_image(upload(data))

    assert isinstance(result, CleanImage)
    assert result.format == "JPEG"
    assert (result.width, result.height) == (800, 600)
    for content_file in (result.full, result.thumbnail):
        image = reopen(content_file)
        assert image.format == "JPEG"
        assert len(image.getexif()) == 0
        assert not {"exif", "xmp", "icc_profile", "comment"} & set(image.info)
        assert b"SomePhone" not in content_file.read()
    assert reopen(result.full).size == (800, 600)
    assert reopen(result.thumbnail).size == (240, 180)


def test_the_exif_orientation_is_applied_before_the_metadata_is_dropped():
    # Stored as 200x100, left half red, right half blue; orientation 6 means "turn 90° clockwise to view".
    stored = Image.new("RGB", (200, 100), RED)
    stored.paste(BLUE, (100, 0, 200, 100))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6

    result = clean_image(upload(encode(stored, "JPEG", exif=exif)))

    assert (result.width, result.height) == (100, 200)
    upright = reopen(result.full)
    assert upright.size == (100, 200)
    # Turned clockwise, the left (red) side is now on top.
    assert close_to(upright.getpixel((50, 20)), RED)
    assert close_to(upright.getpixel((50, 180)), BLUE)
    assert len(upright.getexif()) == 0


def test_a_png_with_transparency_stays_a_png_with_its_alpha_channel():
    logo = Image.new("RGBA", (300, 200), (0, 0, 0, 0))
    logo.paste((0, 128, 0, 255), (100, 50, 200, 150))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Editor"
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "drawn at 42.87N 74.60E")
    data = encode(logo, "PNG", exif=exif, pnginfo=text, icc_profile=b"not-really-a-profile" * 4)
    assert {"exif", "Comment", "icc_profile"} <= set(Image.open(io.BytesIO(data)).info)

    result = clean_image(upload(data, name="logo.png", content_type="image/png"))

    assert result.format == "PNG"
    assert result.full.name == "logo.png"
    assert result.thumbnail.name == "logo-thumb.png"
    image = reopen(result.full)
    assert image.format == "PNG"
    assert image.mode == "RGBA"
    assert image.getpixel((5, 5))[3] == 0
    assert image.getpixel((150, 100)) == (0, 128, 0, 255)
    assert not {"exif", "Comment", "icc_profile"} & set(image.info)
    assert reopen(result.thumbnail).mode == "RGBA"


def test_a_png_that_is_opaque_everywhere_becomes_a_jpeg():
    data = encode(Image.new("RGBA", (120, 80), (10, 20, 200, 255)), "PNG")

    result = clean_image(upload(data, name="banner.png"))

    assert result.format == "JPEG"
    assert result.full.name == "banner.jpg"
    assert reopen(result.full).mode == "RGB"


def test_a_palette_gif_with_a_transparent_colour_becomes_a_png_with_alpha():
    image = Image.new("P", (60, 60), 0)
    image.putpalette([255, 255, 255, 200, 0, 0] + [0] * (256 * 3 - 6))
    image.paste(1, (20, 20, 40, 40))
    data = encode(image, "GIF", transparency=0)

    result = clean_image(upload(data, name="mark.gif"))

    assert result.format == "PNG"
    cleaned = reopen(result.full)
    assert cleaned.getpixel((0, 0))[3] == 0
    assert cleaned.getpixel((30, 30)) == (200, 0, 0, 255)


def test_a_large_image_is_shrunk_to_the_longest_side_and_a_small_thumbnail():
    result = clean_image(upload(encode(Image.new("RGB", (3000, 1000), GREEN), "JPEG"), name="panorama.jpg"))

    assert (result.width, result.height) == (1600, 533)
    assert reopen(result.full).size == (1600, 533)
    thumbnail = reopen(result.thumbnail)
    assert max(thumbnail.size) <= 240
    assert thumbnail.size == (240, 80)
    assert result.full.name == "panorama.jpg"
    assert result.thumbnail.name == "panorama-thumb.jpg"


def test_a_large_portrait_photo_is_shrunk_by_its_height():
    result = clean_image(upload(encode(noise((1200, 3600)), "JPEG", quality=50)), max_bytes=20 * 1024 * 1024)

    assert (result.width, result.height) == (533, 1600)
    assert max(reopen(result.thumbnail).size) == 240


def test_the_size_limits_can_be_chosen_by_the_caller():
    result = clean_image(upload(encode(Image.new("RGB", (1000, 500), RED), "PNG")), max_side=400, thumb_side=100)

    assert (result.width, result.height) == (400, 200)
    assert reopen(result.thumbnail).size == (100, 50)


def test_a_small_image_is_not_enlarged():
    result = clean_image(upload(encode(Image.new("RGB", (120, 90), RED), "JPEG")))

    assert (result.width, result.height) == (120, 90)
    assert reopen(result.thumbnail).size == (120, 90)


def test_a_webp_is_accepted_and_stored_as_jpeg():
    result = clean_image(upload(encode(Image.new("RGB", (300, 200), BLUE), "WEBP"), name="photo.webp"))

    assert result.format == "JPEG"
    assert result.full.name == "photo.jpg"
    assert close_to(reopen(result.full).getpixel((150, 100)), BLUE)


def test_an_animated_gif_is_accepted_as_its_first_frame():
    frames = [Image.new("RGB", (100, 80), colour) for colour in (RED, GREEN, BLUE)]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    assert Image.open(io.BytesIO(data)).n_frames == 3

    result = clean_image(upload(data, name="animation.gif", content_type="image/gif"))

    assert result.format == "JPEG"
    assert (result.width, result.height) == (100, 80)
    cleaned = reopen(result.full)
    assert getattr(cleaned, "n_frames", 1) == 1
    assert close_to(cleaned.getpixel((50, 40)), RED)


def test_a_multi_picture_jpeg_from_a_phone_is_accepted_as_its_first_picture():
    data = encode(Image.new("RGB", (160, 120), RED), "MPO", save_all=True, append_images=[Image.new("RGB", (160, 120))])
    assert Image.open(io.BytesIO(data)).format == "MPO"

    result = clean_image(upload(data))

    assert result.format == "JPEG"
    assert close_to(reopen(result.full).getpixel((80, 60)), RED)


def test_a_cmyk_jpeg_is_stored_as_rgb():
    result = clean_image(upload(encode(Image.new("CMYK", (100, 100), (0, 255, 255, 0)), "JPEG")))

    cleaned = reopen(result.full)
    assert cleaned.mode == "RGB"
    assert close_to(cleaned.getpixel((50, 50)), RED)


def test_a_16_bit_greyscale_png_keeps_its_tones_instead_of_turning_white():
    data = encode(Image.new("I;16", (64, 64), 32768), "PNG")

    result = clean_image(upload(data, name="scan.png"))

    assert close_to(reopen(result.full).getpixel((32, 32)), (128, 128, 128), tolerance=3)


def test_an_upload_already_read_to_its_end_is_read_from_the_start():
    file = upload(encode(Image.new("RGB", (50, 50), RED), "JPEG"))
    file.read()

    assert clean_image(file).width == 50


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("logo.png", b"Our organization's logo will follow.\n" * 20),
        ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect/></svg>'),
        ("logo.svg", b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>'),
        ("photo.jpg", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"),
        ("photo.jpg", b""),
        # Real images, but not in a format we accept.
        ("photo.jpg", encode(Image.new("RGB", (20, 20), RED), "BMP")),
        ("photo.png", encode(Image.new("RGB", (20, 20), RED), "TIFF")),
    ],
    ids=["text-named-png", "svg-named-png", "svg", "pdf", "empty", "bmp", "tiff"],
)
def test_a_file_that_is_not_an_accepted_image_is_refused_whatever_its_name(name, data):
    error = refusal(data, name=name)

    assert error.code == "not_an_image"
    assert error.messages == ["The file is not an image in a supported format (JPEG, PNG, WebP or GIF)."]


@pytest.mark.parametrize("image_format", ["JPEG", "PNG"])
def test_an_image_cut_in_half_is_refused_as_damaged(image_format):
    data = encode(noise((300, 200)), image_format)

    error = refusal(data[: len(data) // 2])

    assert error.code == "corrupted"
    assert error.messages == ["The image file is damaged and cannot be read."]


def test_a_png_whose_data_checksum_is_wrong_is_refused_as_damaged():
    data = bytearray(encode(noise((40, 40)), "PNG"))
    data[-20] ^= 0xFF  # inside the last IDAT chunk's data, before its CRC and the IEND chunk

    assert refusal(bytes(data)).code == "corrupted"


@pytest.fixture
def decoders_created(monkeypatch):
    """Every pixel decoder Pillow creates while the test runs: none means no pixel was decoded."""
    created = []
    real_getdecoder = Image._getdecoder

    def spy(*args, **kwargs):
        created.append(args)
        return real_getdecoder(*args, **kwargs)

    monkeypatch.setattr(Image, "_getdecoder", spy)
    return created


@pytest.mark.parametrize(
    ("width", "height", "limits"),
    [
        (20_000, 20_000, {}),  # over twice Pillow's own limit: Pillow raises DecompressionBombError
        (10_000, 10_000, {"max_pixels": 200_000_000}),  # over Pillow's limit: its warning, turned into an error
        (6_000, 5_000, {}),  # under Pillow's limit, over ours (25 megapixels)
    ],
    ids=["pillow-error", "pillow-warning", "our-limit"],
)
def test_a_decompression_bomb_is_refused_from_its_header_without_decoding(decoders_created, width, height, limits):
    data = png_declaring(width, height)
    assert len(data) < 100

    error = refusal(data, name="logo.png", **limits)

    assert error.code == "too_many_pixels"
    assert decoders_created == []


def test_the_pixel_refusal_names_the_limit_in_megapixels():
    error = refusal(png_declaring(3000, 2000), max_pixels=5_000_000)

    assert error.code == "too_many_pixels"
    assert error.messages == [
        "The image has too many pixels. The limit is 5 megapixels: make it smaller and try again."
    ]


def test_an_image_at_the_pixel_limit_is_accepted():
    data = encode(Image.new("L", (100, 50)), "PNG")

    assert clean_image(upload(data), max_pixels=5_000).width == 100
    assert refusal(data, max_pixels=4_999).code == "too_many_pixels"


def test_refusing_a_bomb_leaves_pillow_and_the_warning_filters_as_they_were():
    limit_before, filters_before = Image.MAX_IMAGE_PIXELS, list(warnings.filters)

    refusal(png_declaring(10_000, 10_000), max_pixels=200_000_000)

    assert Image.MAX_IMAGE_PIXELS == limit_before
    assert warnings.filters == filters_before


def test_a_file_over_the_byte_limit_is_refused_before_it_is_decoded(decoders_created):
    error = refusal(b"\xff\xd8\xff" + b"\0" * (1024 * 1024), max_bytes=1024 * 1024)

    assert error.code == "too_large"
    assert error.messages == ["The file is too large. The limit is 1 MB."]
    assert decoders_created == []


def test_a_file_of_exactly_the_byte_limit_is_accepted():
    data = encode(Image.new("RGB", (40, 40), RED), "JPEG")

    assert clean_image(upload(data), max_bytes=len(data)).width == 40
    assert refusal(data, max_bytes=len(data) - 1).code == "too_large"


def test_the_default_byte_limit_is_5_mb():
    error = refusal(b"\0" * (5 * 1024 * 1024 + 1))

    assert error.code == "too_large"
    assert "5 MB" in error.messages[0]


@pytest.mark.parametrize(
    ("upload_name", "expected"),
    [
        ("Мой логотип!!.PNG", "image"),
        ("café menu (2).jpeg", "cafe-menu-2"),
        ("C:\\Users\\Aigul\\Desktop\\event_photo.JPG", "event_photo"),
        ("../../etc/passwd.png", "passwd"),
        ("Ош-2024 фото.jpg", "2024"),
        ("!!!.png", "image"),
        ("a" * 200 + ".jpg", "a" * 60),
    ],
)
def test_the_stored_names_are_ascii_and_take_the_new_extension(upload_name, expected):
    data = encode(Image.new("RGB", (30, 30), RED), "PNG")

    result = clean_image(upload(data, name=upload_name))

    assert result.full.name == f"{expected}.jpg"
    assert result.thumbnail.name == f"{expected}-thumb.jpg"


def test_a_file_without_a_name_is_stored_as_image():
    result = clean_image(ContentFile(encode(Image.new("RGB", (30, 30), RED), "JPEG")))

    assert result.full.name == "image.jpg"
    assert result.thumbnail.name == "image-thumb.jpg"


@pytest.mark.parametrize(
    ("width", "height", "code"),
    [
        (1, 15_000_000, "side_too_long"),  # under the pixel limit: such a PNG is ~30 KB and cost ~300 MB decoded
        (12_001, 1_000, "side_too_long"),
        (2_100, 100, "too_narrow"),
        (100, 2_100, "too_narrow"),
    ],
)
def test_an_image_too_long_on_one_side_or_too_narrow_is_refused_from_its_header(decoders_created, width, height, code):
    with translation.override("en"):
        error = refusal(png_declaring(width, height), name="strip.png")
        message = " ".join(error.messages)

    assert error.code == code
    assert f"{width:,}".replace(",", "\xa0") in message and f"{height:,}".replace(",", "\xa0") in message
    assert decoders_created == []


def test_a_long_panorama_within_the_shape_limit_is_accepted():
    assert clean_image(upload(encode(Image.new("RGB", (2_000, 100)), "JPEG"))).width == 1600


def test_a_png_has_a_lower_pixel_limit_than_a_jpeg_which_is_decoded_reduced(decoders_created):
    error = refusal(png_declaring(4_999, 4_999), name="big.png")

    assert error.code == "too_many_pixels" and decoders_created == []
    assert "16 megapixels" in " ".join(error.messages)
