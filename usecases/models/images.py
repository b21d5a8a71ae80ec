"""Uploaded images of section 2 drawings: what they are is read from their content by Pillow, never from the name or
type the browser gave; they are stored under a generated name and served (by usecases.views.DrawingImageView) as the
type Pillow found."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

# Pillow's format -> (media type, file extension). SVG and other markup never: it could carry script.
IMAGE_TYPES = {
    "PNG": ("image/png", "png"),
    "JPEG": ("image/jpeg", "jpg"),
    "GIF": ("image/gif", "gif"),
    "WEBP": ("image/webp", "webp"),
}


def image_detect(file) -> tuple[str, int, int] | None:
    """The format Pillow finds in the file's content and the image's width and height (read from its header, nothing
    decoded), or None when it is no image Pillow knows. The file is left at its start."""
    try:
        file.seek(0)
        with Image.open(file) as image:
            return image.format, image.width, image.height
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError):
        return None
    finally:
        file.seek(0)


def image_check(file) -> str:
    """The format of an uploaded drawing image, or a ValidationError: not a PNG, JPEG, GIF or WebP image, or more
    pixels than UCMR_DRAWING_MAX_PIXELS (a small file can unpack to gigabytes)."""
    found = image_detect(file)
    if found is None or found[0] not in IMAGE_TYPES:
        raise ValidationError("Upload a PNG, JPEG, GIF or WebP image.", code="invalid_image")
    image_format, width, height = found
    limit = settings.UCMR_DRAWING_MAX_PIXELS
    if width * height > limit:
        raise ValidationError(
            f"The image is {width} x {height} pixels; drawings may have at most {limit / 1e6:g} megapixels.",
            code="too_many_pixels",
        )
    return image_format


def drawing_upload_to(instance, filename: str) -> str:
    """A generated name (the uploaded one is never used), with the extension of the format found in the content."""
    found = image_detect(instance.image)
    extension = IMAGE_TYPES[found[0]][1] if found and found[0] in IMAGE_TYPES else "bin"
    return f"drawings/{timezone.now():%Y}/{uuid.uuid4().hex}.{extension}"
