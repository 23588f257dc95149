"""Decode an uploaded image safely: restricted decoders, size checks before pixels are decoded.

Only the first frame of an animated image is read; each page of a multi-page TIFF is read. Pages
are returned upright (EXIF orientation applied), in 8-bit grayscale, with transparency flattened
onto white and every metadata field (EXIF, XMP, ICC) dropped.
"""

from __future__ import annotations

import contextlib
import io
import math
import warnings
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from docflow.ocr.errors import (
    CorruptFileError,
    DecompressionBombError,
    DimensionsTooLargeError,
    DocumentError,
    EmptyDocumentError,
    TooManyPagesError,
    TooManyPixelsError,
    TruncatedFileError,
    UnsupportedTypeError,
)
from docflow.ocr.limits import OcrLimits
from docflow.ocr.sniff import GIF, HEIC, JPEG, PNG, TIFF, WEBP

if TYPE_CHECKING:
    from PIL.Image import Image

#: The single Pillow decoder allowed for each content type.
PIL_FORMATS: dict[str, str] = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP", TIFF: "TIFF", GIF: "GIF", HEIC: "HEIF"}

#: Images smaller than this on either side cannot hold readable text.
MIN_SIDE = 8
#: Largest spread between the darkest and lightest pixel of a thumbnail that still counts as blank.
BLANK_CONTRAST = 24

_TRUNCATION_HINTS = ("truncated", "premature end", "unexpected end", "not enough data", "broken data stream")


def check_dimensions(width: int, height: int, limits: OcrLimits) -> None:
    """Raise when an image of this size may not be decoded."""
    if width > limits.max_side or height > limits.max_side:
        raise DimensionsTooLargeError(f"Image sides may be at most {limits.max_side} pixels")
    if width * height > limits.max_pixels:
        raise TooManyPixelsError(f"Image may have at most {limits.max_pixels} pixels")
    if width < MIN_SIDE or height < MIN_SIDE:
        raise EmptyDocumentError("Image is too small to contain text")


def _register_heif() -> None:
    try:
        from pillow_heif import register_heif_opener
    except ImportError as exc:
        raise UnsupportedTypeError("HEIC images are not supported on this server") from exc
    register_heif_opener()


def _decode_error(exc: Exception) -> DocumentError:
    text = str(exc).lower()
    if isinstance(exc, EOFError) or any(hint in text for hint in _TRUNCATION_HINTS):
        return TruncatedFileError("Image data ends before the image is complete")
    return CorruptFileError("Image data cannot be decoded")


@contextlib.contextmanager
def _decoding() -> Iterator[None]:
    """Decoder warnings silenced (bomb warnings raised), decoder exceptions mapped to DocumentErrors."""
    from PIL import Image, UnidentifiedImageError

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            yield
        except DocumentError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise DecompressionBombError("Image declares far more pixels than allowed") from exc
        except UnidentifiedImageError as exc:
            raise CorruptFileError("Image data cannot be decoded") from exc
        except Exception as exc:  # Decoders raise many types (OSError, SyntaxError, ValueError, ...).
            raise _decode_error(exc) from exc


def _load_checked(image: Image, limits: OcrLimits) -> None:
    check_dimensions(*image.size, limits)
    image.load()
    # Frame extents may grow the canvas while decoding (GIF): check again.
    check_dimensions(*image.size, limits)


def _open(data: bytes, content_type: str) -> Image:
    from PIL import Image, ImageFile

    ImageFile.LOAD_TRUNCATED_IMAGES = False
    return Image.open(io.BytesIO(data), formats=[PIL_FORMATS[content_type]])


def _page_count(image: Image, limits: OcrLimits) -> int:
    """Pages of a multi-page TIFF, found by walking at most ``max_pdf_pages + 1`` directories."""
    count = 1
    while True:
        try:
            image.seek(count)
        except EOFError:
            break
        count += 1
        if count > limits.max_pdf_pages:
            raise TooManyPagesError(f"Image may have at most {limits.max_pdf_pages} pages")
    image.seek(0)
    return count


def _upright_grayscale(image: Image) -> Image:
    from PIL import ExifTags, ImageOps
    from PIL import Image as PILImage

    decoded = image
    with contextlib.suppress(Exception):  # A broken EXIF block only loses the orientation hint.
        # Only a turned image is transposed: without a turn Pillow would copy the whole photo.
        if image.getexif().get(ExifTags.Base.Orientation, 1) != 1:
            image = ImageOps.exif_transpose(image) or image
    if image.mode in {"RGBA", "LA", "PA"} or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = PILImage.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = PILImage.alpha_composite(background, rgba)
    if image.mode != "L":
        image = image.convert("L")
    elif image is decoded:
        image = image.copy()  # The decoder's own image: the next TIFF page is read into it.
    image.info.clear()
    return image


#: Long side of the thumbnail a page's blankness is judged on.
BLANK_SIDE = 256


def thumbnail_size(size: tuple[int, int], side: int) -> tuple[int, int] | None:
    """The size Pillow's ``Image.thumbnail((side, side))`` gives an image of ``size`` (aspect ratio
    kept, each side rounded to the nearer ratio), or ``None`` when it already fits."""
    width, height = size
    if side >= width and side >= height:
        return None
    aspect = width / height

    def nearest(number: float, error: Callable[[int], float]) -> int:
        return max(min(math.floor(number), math.ceil(number), key=error), 1)

    if aspect <= 1:
        return nearest(side * aspect, lambda n: abs(aspect - n / side)), side
    return side, nearest(side / aspect, lambda n: 0 if n == 0 else abs(aspect - side / n))


def is_blank(image: Image) -> bool:
    """Whether a grayscale image is practically one flat colour (a blank page)."""
    from PIL import Image as PILImage

    # Pillow's thumbnail of the page, without first copying the whole page as ``thumbnail`` needs.
    size = thumbnail_size(image.size, BLANK_SIDE)
    thumbnail = image if size is None else image.resize(size, PILImage.Resampling.BICUBIC, reducing_gap=2.0)
    low, high = thumbnail.getextrema()
    return bool(high - low < BLANK_CONTRAST)  # type: ignore[operator]


def iter_image_pages(data: bytes, content_type: str, limits: OcrLimits) -> Iterator[Image]:
    """The pages of an image upload, each upright and in grayscale, decoded one at a time.

    A multi-page TIFF yields each page (at most ``max_pdf_pages``), skipping blank ones; any other
    format yields its first frame only. Raises a :class:`DocumentError` for anything that is not a
    decodable image within the limits, and :class:`EmptyDocumentError` when every page is blank.
    """
    if content_type == HEIC:
        _register_heif()
    with _decoding():
        image = _open(data, content_type)
        check_dimensions(*image.size, limits)
        pages = _page_count(image, limits) if content_type == TIFF else 1
    yielded = False
    for index in range(pages):
        with _decoding():
            if index:
                image.seek(index)
            _load_checked(image, limits)
            gray = _upright_grayscale(image)
        if is_blank(gray):
            continue
        yielded = True
        yield gray
    if not yielded:
        raise EmptyDocumentError("Image is blank")


def decode_image(data: bytes, content_type: str, limits: OcrLimits) -> Image:
    """The first non-blank page of an image upload (see :func:`iter_image_pages`)."""
    return next(iter_image_pages(data, content_type, limits))
