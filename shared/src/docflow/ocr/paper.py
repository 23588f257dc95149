"""Find the receipt paper in a photo: the bright region standing out from a darker background.

A phone photo shows the receipt on a table or in a hand. Tesseract's layout analysis takes such a
page for a picture and skips the text it thinks belongs to the picture (often the right-aligned
amount column and whole total lines), so the page is cropped to the paper before OCR. A scan whose
paper fills the frame is left alone.

The paper is found on a thumbnail small enough to blur printed text into the paper's grey: Otsu's
threshold splits paper from background, the paper's columns are the span from the first to the last
mostly bright column, and its rows the same within those columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

#: Long side of the thumbnail the paper is looked for on.
THUMBNAIL_SIDE = 128
#: Paper must be at least this much brighter (0..255) than the background to be told apart.
MIN_CONTRAST = 60
#: A column or row belongs to the paper when at least this share of its pixels is bright.
PAPER_SHARE = 0.5
#: Crops that keep more than this share of the area are not worth it (a scan, a tight photo).
MAX_KEPT_AREA = 0.95
#: Crops that keep less than this share of the area found a bright spot, not the paper.
MIN_KEPT_AREA = 0.15

PaperBox = tuple[int, int, int, int]


def otsu_threshold(histogram: Sequence[int]) -> int:
    """The grey level that best separates a 256-bin histogram into dark and bright classes."""
    total = sum(histogram)
    weighted_total = sum(level * count for level, count in enumerate(histogram))
    best_level, best_spread = 0, -1.0
    dark_count, dark_weighted = 0, 0
    for level, count in enumerate(histogram):
        dark_count += count
        dark_weighted += level * count
        bright_count = total - dark_count
        if dark_count == 0:
            continue
        if bright_count == 0:
            break
        dark_mean = dark_weighted / dark_count
        bright_mean = (weighted_total - dark_weighted) / bright_count
        spread = dark_count * bright_count * (dark_mean - bright_mean) ** 2
        if spread > best_spread:
            best_level, best_spread = level, spread
    return best_level


def _mean(histogram: Sequence[int], start: int, stop: int) -> float:
    count = sum(histogram[start:stop])
    return sum(level * histogram[level] for level in range(start, stop)) / count if count else 0.0


def bright_span(shares: bytes, cutoff: int) -> tuple[int, int]:
    """``(start, stop)`` from the first to past the last value at or above ``cutoff``; ``(0, 0)`` if none."""
    bright = [index for index, value in enumerate(shares) if value >= cutoff]
    return (bright[0], bright[-1] + 1) if bright else (0, 0)


def find_paper(image: Image) -> PaperBox | None:
    """The box ``(x0, y0, x1, y1)`` of the paper in a grayscale image, or ``None`` to keep it whole."""
    from PIL import Image as PILImage

    thumbnail = image.copy()
    thumbnail.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    histogram = thumbnail.histogram()
    threshold = otsu_threshold(histogram)
    if _mean(histogram, threshold + 1, 256) - _mean(histogram, 0, threshold + 1) < MIN_CONTRAST:
        return None
    bright = thumbnail.point(lambda value: 255 if value > threshold else 0)
    cutoff = round(255 * PAPER_SHARE)
    columns = bright.resize((bright.width, 1), PILImage.Resampling.BOX).tobytes()
    x0, x1 = bright_span(columns, cutoff)
    if x1 <= x0:
        return None
    rows = bright.crop((x0, 0, x1, bright.height)).resize((1, bright.height), PILImage.Resampling.BOX)
    y0, y1 = bright_span(rows.tobytes(), cutoff)
    # A thumbnail pixel on the paper's edge still holds some background: step one pixel inwards
    # wherever the paper does not reach the frame.
    x0, y0 = x0 + (x0 > 0), y0 + (y0 > 0)
    x1, y1 = x1 - (x1 < bright.width), y1 - (y1 < bright.height)
    if x1 <= x0 or y1 <= y0:
        return None
    kept = (x1 - x0) * (y1 - y0) / (bright.width * bright.height)
    if not MIN_KEPT_AREA <= kept <= MAX_KEPT_AREA:
        return None
    scale_x, scale_y = image.width / bright.width, image.height / bright.height
    return (
        max(0, int(x0 * scale_x)),
        max(0, int(y0 * scale_y)),
        min(image.width, round(x1 * scale_x)),
        min(image.height, round(y1 * scale_y)),
    )
