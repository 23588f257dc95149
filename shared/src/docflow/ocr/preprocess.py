"""Prepare a grayscale page image for Tesseract: a resolution where text is well sized."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image


@dataclass(frozen=True, slots=True)
class PreprocessOptions:
    """How a page is prepared. Images are scaled so their long side falls within the bounds."""

    min_long_side: int = 1200
    max_long_side: int = 2400


@dataclass(frozen=True, slots=True)
class PreparedImage:
    """The image Tesseract reads and the factor from page pixels to its pixels."""

    image: Image
    scale: float


def prepare_for_ocr(image: Image, options: PreprocessOptions | None = None) -> PreparedImage:
    """Scale a grayscale page so its long side lies within the configured bounds."""
    from PIL import Image as PILImage

    options = options or PreprocessOptions()
    long_side = max(image.size)
    if long_side > options.max_long_side:
        scale = options.max_long_side / long_side
    elif long_side < options.min_long_side:
        scale = options.min_long_side / long_side
    else:
        scale = 1.0
    if scale != 1.0:
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        image = image.resize(size, PILImage.Resampling.LANCZOS if scale < 1 else PILImage.Resampling.BICUBIC)
    return PreparedImage(image, scale)
