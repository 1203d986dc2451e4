"""Checking, cleaning and thumbnailing images, at the level of the functions.

The profile form's behaviour with a bad photo (messages on the page, nothing lost) is tested in
creative/accounts/tests/test_profile.py; here: what the files themselves become.
"""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from creative.core import images
from creative.core.images import ImageUploadValidator, decode_image, make_thumbnail, reencode_image

NOT_AN_IMAGE = "Ce fichier n'est pas une image lisible. Envoyez une photo au format JPEG, PNG ou WebP."
GPS = 0x8825
MAKE = 0x010F
ORIENTATION = 0x0112


def encode(fmt="JPEG", size=(600, 400), mode="RGB", color=(11, 92, 122), **options):
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, format=fmt, **options)
    return out.getvalue()


def upload(content, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def opened(file):
    file.seek(0)
    image = Image.open(io.BytesIO(file.read()))
    image.load()
    return image


def exif_with_gps(orientation=None):
    exif = Image.Exif()
    exif[MAKE] = "Appareil de Camille"
    exif[GPS] = {1: "N", 2: (48.0, 23.0, 12.5), 3: "W", 4: (4.0, 29.0, 10.0)}
    if orientation:
        exif[ORIENTATION] = orientation
    return exif.tobytes()


def refusal(file, **kwargs):
    with pytest.raises(ValidationError) as caught:
        decode_image(file, **kwargs)
    return caught.value


# --- re-encoding ---------------------------------------------------------------------------


def test_reencoded_jpeg_loses_its_gps_position_and_comment():
    original = upload(encode(exif=exif_with_gps(), comment=b"Chez Camille, 12 rue de Siam"))
    before = opened(original)
    assert before.getexif().get_ifd(GPS) and before.info.get("comment")

    clean = reencode_image(original, name_prefix="profiles/")

    after = opened(clean)
    assert after.format == "JPEG" and after.size == (600, 400)
    assert not after.getexif() and not after.getexif().get_ifd(GPS)
    assert "exif" not in after.info and "comment" not in after.info
    assert clean.name.startswith("profiles/") and clean.name.endswith(".jpg") and "photo" not in clean.name


def test_reencoding_applies_the_exif_orientation():
    # A phone held upright stores a landscape sensor image and "rotate 90°" in EXIF.
    clean = reencode_image(upload(encode(size=(600, 400), exif=exif_with_gps(orientation=6))))
    after = opened(clean)
    assert after.size == (400, 600) and ORIENTATION not in after.getexif()


def test_reencoding_bounds_the_longest_side():
    after = opened(reencode_image(upload(encode(size=(3000, 1500))), max_side=800))
    assert after.size == (800, 400)


def test_a_png_named_jpg_and_announced_as_jpeg_is_accepted_as_png():
    disguised = upload(encode("PNG"), name="photo.jpg", content_type="image/jpeg")
    assert decode_image(disguised).format == "PNG"  # sniffed from the bytes, not the name or type
    clean = reencode_image(disguised)
    assert clean.name.endswith(".png") and opened(clean).format == "PNG"


def test_webp_stays_webp():
    clean = reencode_image(upload(encode("WEBP"), name="p.webp", content_type="image/webp"))
    assert clean.name.endswith(".webp") and opened(clean).format == "WEBP"


# --- refusals --------------------------------------------------------------------------------


def test_a_text_file_named_photo_jpg_is_refused_in_french():
    liar = upload(b"Ceci est un fichier texte, pas une photo.\n" * 20, name="photo.jpg", content_type="image/jpeg")
    error = refusal(liar)
    assert error.code == "invalid_image" and error.messages == [NOT_AN_IMAGE]
    with pytest.raises(ValidationError) as caught:
        reencode_image(liar)
    assert caught.value.messages == [NOT_AN_IMAGE]


def test_a_gif_is_refused_even_named_jpg():
    error = refusal(upload(encode("GIF", mode="P", color=3), name="anim.jpg"))
    assert error.code == "invalid_image_format"
    assert error.messages == ["Le format GIF n'est pas accepté. Envoyez une photo au format JPEG, PNG ou WebP."]


def test_a_truncated_jpeg_is_refused():
    whole = encode(size=(1200, 800))
    assert decode_image(upload(whole)).format == "JPEG"
    error = refusal(upload(whole[: len(whole) // 2]))
    assert error.code == "invalid_image" and error.messages == [NOT_AN_IMAGE]


def test_an_oversize_file_is_refused_before_being_decoded():
    error = refusal(upload(encode(size=(300, 200))), max_bytes=1000)
    assert error.code == "image_too_large"
    [message] = error.messages
    assert message.startswith("Cette image pèse ") and "la limite est de 1000" in message
    # The default limit is 5 MB; the bytes are not even read.
    error = refusal(upload(b"\xff" * (images.MAX_UPLOAD_BYTES + 1)))
    assert error.code == "image_too_large" and "la limite est de 5,0" in error.messages[0]


def test_an_image_with_too_many_pixels_is_refused(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)  # decompression bomb above twice this
    error = refusal(upload(encode("PNG", size=(100, 100)), name="bomb.png"))
    assert error.code == "image_too_large" and "trop de pixels" in error.messages[0]


def test_the_validator_checks_new_files_only():
    validator = ImageUploadValidator(max_bytes=10_000)
    validator(upload(encode(size=(50, 50))))
    with pytest.raises(ValidationError):
        validator(upload(b"pas une image"))
    stored = upload(b"pas une image")
    stored._committed = True  # a file already in storage was checked when it was uploaded
    validator(stored)
    assert validator == ImageUploadValidator(max_bytes=10_000) != ImageUploadValidator()


# --- thumbnails ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "expected"),
    [((3000, 2000), (480, 320)), ((1000, 3000), (120, 360)), ((480, 360), (480, 360)), ((200, 100), (200, 100))],
    ids=["landscape", "portrait", "exact", "small-not-enlarged"],
)
def test_thumbnail_fits_within_the_size(size, expected):
    thumbnail = make_thumbnail(upload(encode(size=size)))
    image = opened(thumbnail)
    assert image.size == expected
    assert image.format == "WEBP" and thumbnail.name.endswith(".webp")


def test_thumbnail_of_an_accepted_image_is_oriented_and_without_metadata():
    accepted = reencode_image(upload(encode(size=(1600, 1200), exif=exif_with_gps())))
    thumbnail = make_thumbnail(accepted, size=(200, 200), name_prefix="thumbs/")
    assert isinstance(thumbnail, ContentFile)
    assert thumbnail.name.startswith("thumbs/") and thumbnail.name.endswith(".webp")
    image = opened(thumbnail)
    assert image.size == (200, 150) and not image.getexif() and "xmp" not in image.info

    # Straight from an upload that still carries EXIF: turned upright, GPS gone.
    raw = upload(encode(size=(1600, 1200), exif=exif_with_gps(orientation=6), comment=b"secret"))
    image = opened(make_thumbnail(raw))
    assert image.size == (270, 360) and not image.getexif()


def test_thumbnail_keeps_transparency_in_webp():
    image = opened(make_thumbnail(upload(encode("PNG", mode="RGBA", color=(255, 0, 0, 0)), name="logo.png")))
    assert image.mode == "RGBA" and image.getpixel((0, 0))[3] == 0


@pytest.mark.parametrize(
    ("mode", "color", "fmt"),
    [
        ("P", 5, "PNG"),
        ("I;16", 3000, "PNG"),
        ("L", 128, "JPEG"),
        ("CMYK", (0, 50, 100, 0), "JPEG"),
        ("LA", (9, 0), "PNG"),
    ],
)
def test_thumbnail_of_other_colour_modes(mode, color, fmt):
    image = opened(make_thumbnail(upload(encode(fmt, mode=mode, color=color, size=(800, 600)))))
    assert image.format == "WEBP" and image.size == (480, 360)


def test_thumbnail_falls_back_to_jpeg_without_webp(monkeypatch):
    monkeypatch.setattr(images.features, "check", lambda feature: feature != "webp")
    thumbnail = make_thumbnail(upload(encode("PNG", mode="RGBA", color=(255, 0, 0, 0), size=(960, 720))))
    image = opened(thumbnail)
    assert thumbnail.name.endswith(".jpg") and image.format == "JPEG" and image.size == (480, 360)
    assert image.mode == "RGB" and min(image.getpixel((10, 10))) > 245  # transparency laid on white


def test_thumbnail_refuses_what_is_not_an_accepted_image():
    with pytest.raises(ValidationError) as caught:
        make_thumbnail(upload(b"<svg xmlns='http://www.w3.org/2000/svg'/>", name="x.jpg"))
    assert caught.value.messages == [NOT_AN_IMAGE]
    with pytest.raises(ValidationError):
        make_thumbnail(upload(encode("GIF", mode="P", color=1)))
