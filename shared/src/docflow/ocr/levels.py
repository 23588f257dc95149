"""Paper made white before Tesseract reads a page.

Tesseract's line recogniser reads the grey levels of the page it is given. On a page whose paper is a
light grey with grain (a photo, thermal paper, JPEG ringing) it reads thin print as noise: ``22.9 ak 7
29/`` for ``2,29 11,27`` on a clean photo whose paper is grey 247 with a little grain, and the same page
is read exactly once its paper is pure white. The paper is found as the light class of Otsu's threshold
(the grey level that best separates ink from paper); every pixel from the paper's darker grain (its
``PAPER_PERCENTILE``) up becomes white, the ink and the edges of its strokes keep their grey levels.
Cutting the page to pure black and white instead read those photos as well but lost faint characters
on real thermal receipts (SROIE dev scans: total 96 -> 82 %, company 74 -> 58 %); stretching the whole
page to a white paper lost more addresses than this. A page without ink and paper to tell apart is
left as it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

#: A page whose two classes lie closer than this (0..255) has no ink to separate from its paper.
MIN_CONTRAST = 48
#: The share of the paper's pixels (in %) darker than the level that becomes white.
PAPER_PERCENTILE = 10


def otsu_threshold(histogram: list[int]) -> int | None:
    """The grey level (0..255) that maximises the variance between the two classes of a 256-bin
    histogram: pixels below it are ink. ``None`` when the two classes' means are too close."""
    total = sum(histogram)
    if total == 0:
        return None
    grand = sum(level * count for level, count in enumerate(histogram))
    below = below_sum = 0
    best_level, best_variance, best_means = None, 0.0, (0.0, 0.0)
    for level in range(255):
        below += histogram[level]
        below_sum += level * histogram[level]
        above = total - below
        if below == 0 or above == 0:
            continue
        dark, light = below_sum / below, (grand - below_sum) / above
        variance = below * above * (light - dark) ** 2
        if variance > best_variance:
            best_level, best_variance, best_means = level, variance, (dark, light)
    if best_level is None or best_means[1] - best_means[0] < MIN_CONTRAST:
        return None
    return best_level + 1


def paper_level(histogram: list[int]) -> int | None:
    """The grey level from which a page's pixels count as paper (see the module documentation)."""
    threshold = otsu_threshold(histogram)
    if threshold is None:
        return None
    paper = histogram[threshold:]
    wanted, seen = sum(paper) * PAPER_PERCENTILE / 100, 0
    for offset, count in enumerate(paper):
        seen += count
        if seen >= wanted:
            return threshold + offset
    return None  # pragma: no cover - the loop always reaches the paper's total


def whiten_paper(image: Image) -> Image:
    """A grayscale page whose paper is white; unchanged without ink and paper to tell apart."""
    level = paper_level(image.histogram()[:256])
    if level is None or level >= 255:
        return image
    return image.point(lambda value: 255 if value >= level else value)
