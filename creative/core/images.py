"""Checking and cleaning uploaded images.

A file is accepted only if Pillow fully decodes it as one of the allowed formats,
whatever its name or announced content type says. Accepted images are re-encoded:
EXIF (GPS position, camera serial…) is dropped, orientation applied, size bounded.
Thumbnails (`make_thumbnail`) are small WebP copies made the same way.
"""

import io
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError, features

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# Metadata an image may carry in `Image.info`; EXIF and XMP are only written when passed to
# save(), but a JPEG comment is copied from the original.
METADATA_KEYS = ("exif", "xmp", "XML:com.adobe.xmp", "comment")


@deconstructible
class ImageUploadValidator:
    """Refuse files larger than `max_bytes` or that do not decode as JPEG, PNG or WebP."""

    def __init__(self, max_bytes=MAX_UPLOAD_BYTES, formats=tuple(ALLOWED_FORMATS)):
        self.max_bytes = max_bytes
        self.formats = tuple(formats)

    def __call__(self, file):
        if getattr(file, "_committed", False):
            return  # already stored: it was checked when uploaded
        decode_image(file, max_bytes=self.max_bytes, formats=self.formats)

    def __eq__(self, other):
        return (
            isinstance(other, ImageUploadValidator)
            and self.max_bytes == other.max_bytes
            and self.formats == other.formats
        )


def decode_image(file, *, max_bytes=MAX_UPLOAD_BYTES, formats=tuple(ALLOWED_FORMATS)):
    """Return the decoded PIL image, or raise ValidationError with a message for people."""
    size = getattr(file, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(
            _("Cette image pèse %(size)s : la limite est de %(limit)s. Réduisez-la avant de l'envoyer."),
            code="image_too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(max_bytes)},
        )
    not_an_image = ValidationError(
        _("Ce fichier n'est pas une image lisible. Envoyez une photo au format JPEG, PNG ou WebP."),
        code="invalid_image",
    )
    try:
        file.seek(0)
        image = Image.open(file)
        image_format = image.format
        image.load()  # decode every pixel: a truncated or disguised file fails here
    except Image.DecompressionBombError:
        raise ValidationError(
            _("Cette image a trop de pixels. Réduisez ses dimensions avant de l'envoyer."), code="image_too_large"
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise not_an_image from None
    finally:
        file.seek(0)
    if image_format not in formats:
        raise ValidationError(
            _("Le format %(format)s n'est pas accepté. Envoyez une photo au format JPEG, PNG ou WebP."),
            code="invalid_image_format",
            params={"format": image_format or "?"},
        )
    return image


def reencode_image(file, *, max_side=1600, name_prefix=""):
    """A clean copy of an accepted image: oriented, at most `max_side` pixels, without metadata."""
    image = decode_image(file)
    image_format = image.format
    image = ImageOps.exif_transpose(image)
    image.thumbnail((max_side, max_side))
    if image_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    _drop_metadata(image)
    out = io.BytesIO()
    options = {"quality": 85} if image_format in ("JPEG", "WEBP") else {"optimize": True}
    image.save(out, format=image_format, **options)  # no exif= argument: metadata is dropped
    return ContentFile(out.getvalue(), name=f"{name_prefix}{uuid.uuid4().hex}.{ALLOWED_FORMATS[image_format]}")


def _drop_metadata(image):
    """Forget what Pillow would copy from the original on save by itself (a JPEG's comment)."""
    for key in METADATA_KEYS:
        image.info.pop(key, None)


def _thumbnail_format():
    """WebP when this Pillow can write it (smaller), JPEG otherwise."""
    return "WEBP" if features.check("webp") else "JPEG"


def make_thumbnail(file, *, size=(480, 360), name_prefix=""):
    """A small copy of an accepted image fitting within `size`, oriented, without metadata.

    WebP (JPEG if this Pillow lacks WebP). Transparency is kept in WebP and laid on white in
    JPEG. A smaller image is not enlarged.
    """
    image = ImageOps.exif_transpose(decode_image(file))
    image.thumbnail(size, Image.Resampling.LANCZOS)
    image_format = _thumbnail_format()
    if image.has_transparency_data:
        image = image.convert("RGBA")
        if image_format == "JPEG":
            background = Image.new("RGB", image.size, "white")
            background.paste(image, mask=image.getchannel("A"))
            image = background
    elif image.mode not in ("RGB", "L"):
        image = image.convert("RGB")  # palette, CMYK, 16-bit greyscale…
    _drop_metadata(image)
    out = io.BytesIO()
    image.save(out, format=image_format, quality=80)  # no exif= argument: metadata is dropped
    extension = "webp" if image_format == "WEBP" else "jpg"
    return ContentFile(out.getvalue(), name=f"{name_prefix}{uuid.uuid4().hex}.{extension}")
