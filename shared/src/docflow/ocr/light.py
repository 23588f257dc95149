"""Flatten uneven light on a photographed page: divide by the paper's brightness, then stretch.

A shadow or a lamp makes the paper darker on one side; Tesseract's single global threshold then
loses the text in the dark part or turns the paper there into ink. The paper's brightness at each
point (the background) is estimated on a reduced copy: a maximum filter wider than a character
removes the text, a blur smooths the rest. Dividing the page by it makes the paper evenly white and
keeps the contrast of the ink; the result is stretched so the ink is dark again. A page whose
background is already even (a scan, an evenly lit photo) is left alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    from PIL.Image import Image

#: Long side of the copy the background is estimated on.
BACKGROUND_SIDE = 160
#: Side of the maximum filter on that copy (odd): wider than a character, narrower than a shadow.
TEXT_FILTER = 5
#: Blur radius on that copy.
BLUR_RADIUS = 2
#: A background whose brightness varies less than this (5th to 95th percentile, 0..255) is even.
EVEN_RANGE = 24
#: The darkest share of pixels mapped to black when stretching.
INK_SHARE = 0.005


def estimate_background(image: Image) -> Image:
    """The paper's brightness across a grayscale page, at a reduced size (text filtered out)."""
    from PIL import Image as PILImage
    from PIL import ImageFilter

    factor = max(1, max(image.size) // BACKGROUND_SIDE)
    small = image.reduce(factor) if factor > 1 else image.copy()
    # Dark text is removed by the maximum filter; the medium filter smooths out small noise first.
    small = small.filter(ImageFilter.MedianFilter(3)).filter(ImageFilter.MaxFilter(TEXT_FILTER))
    small = small.filter(ImageFilter.GaussianBlur(BLUR_RADIUS))
    return small if small.mode == "L" else small.convert("L", dither=PILImage.Dither.NONE)


def is_even(background: Image) -> bool:
    """Whether a background estimate is practically uniform."""
    import numpy as np

    values = np.asarray(background)
    low, high = np.percentile(values, (5, 95))
    return bool(high - low < EVEN_RANGE)


def flatten_light(image: Image, *, force: bool = False) -> Image | None:
    """The page with an even background and stretched contrast, or ``None`` when it is lit evenly.

    ``force`` flattens an evenly lit page too (its contrast is still stretched).
    """
    import numpy as np
    from PIL import Image as PILImage

    background = estimate_background(image)
    if not force and is_even(background):
        return None
    # In place on the page-sized arrays: the same values without a temporary per step.
    full = np.asarray(background.resize(image.size, PILImage.Resampling.BILINEAR), dtype=np.float32)
    np.maximum(full, 1.0, out=full)
    pixels = np.asarray(image, dtype=np.float32)
    pixels /= full
    return stretch_ratio(pixels)


def stretch_ratio(ratio: Any) -> Image | None:
    """A page divided by its background (1.0: paper) as an image: the darkest ``INK_SHARE`` black, the
    median white; ``None`` when it has no contrast to stretch."""
    import numpy as np
    from PIL import Image as PILImage

    sample = ratio[::3, ::3]
    low = float(np.quantile(sample, INK_SHARE))
    high = float(np.median(sample))
    if high - low < 0.05:
        return None
    stretched = ratio - low
    stretched *= 255.0 / (high - low)
    return PILImage.fromarray(np.clip(stretched, 0, 255, out=stretched).astype(np.uint8))


def window_max(pixels: npt.NDArray[np.uint8], window: int) -> npt.NDArray[np.uint8]:
    """The brightest value in a ``window`` x ``window`` square around each pixel (separable)."""
    import numpy as np

    half = window // 2
    rows, columns = pixels.shape
    padded = np.pad(pixels, ((half, half), (0, 0)), mode="edge")
    down = padded[:rows].copy()
    for shift in range(1, 2 * half + 1):
        np.maximum(down, padded[shift : shift + rows], out=down)
    padded = np.pad(down, ((0, 0), (half, half)), mode="edge")
    result = padded[:, :columns].copy()
    for shift in range(1, 2 * half + 1):
        np.maximum(result, padded[:, shift : shift + columns], out=result)
    return np.asarray(result, dtype=np.uint8)


#: Long side of the copy :func:`paper_relative` takes the paper's brightness on.
LOCAL_SIDE = 800
#: Side of the window (pixels of that copy) the paper beside the ink is looked for in: wider than a
#: character's strokes and counters at the text heights a prepared page has.
LOCAL_WINDOW = 9
#: Ink at or below this share of the paper's brightness beside it becomes black; the paper white.
LOCAL_BLACK = 0.5


def paper_relative(image: Image) -> Image:
    """The page divided by the brightness of the paper right beside each pixel, stretched so that
    ``LOCAL_BLACK`` of it is black and the paper white.

    :func:`flatten_light` evens out light that changes over a page's width; a shadow's edge, the
    light on a curled paper and the grey of low-contrast print change over a few lines, and
    Tesseract's one global threshold then loses whole lines in the speckle of a grey paper. The
    paper's brightness is the brightest pixel within a few characters (on a reduced copy), so
    each stroke is judged against the paper around it, whatever the light there.
    """
    import numpy as np
    from PIL import Image as PILImage
    from PIL import ImageFilter

    factor = max(1, -(-max(image.size) // LOCAL_SIDE))
    small = image.reduce(factor) if factor > 1 else image
    paper = window_max(np.asarray(small.filter(ImageFilter.BoxBlur(1)), dtype=np.uint8), LOCAL_WINDOW)
    paper_image = PILImage.fromarray(paper).filter(ImageFilter.BoxBlur(1))
    full = np.asarray(paper_image.resize(image.size, PILImage.Resampling.BILINEAR), dtype=np.float32)
    np.maximum(full, np.float32(1.0), out=full)
    # In place on the page-sized arrays: the same values without a temporary per step.
    ratio = np.asarray(image, dtype=np.float32)
    ratio /= full
    ratio -= LOCAL_BLACK
    ratio *= 255.0 / (1.0 - LOCAL_BLACK)
    return PILImage.fromarray(np.clip(ratio, 0, 255, out=ratio).astype(np.uint8))
