"""Estimate how far a page's text lines are tilted, from the projection profile of its ink.

Rows of a level page alternate between ink (text lines) and blank paper, so the ink summed along
each row (the projection profile) has sharp peaks; tilting the page smears them. The ink is split
into narrow vertical strips whose row sums are computed once; projecting along a candidate angle is
then only shifting each strip's sums by ``x * tan(angle)`` and adding them up, and the angle whose
profile has the largest sum of squares (the sharpest peaks) wins. Angles are searched coarse to fine:
every degree on a half-size copy first, then every tenth of a degree around the best.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from docflow.ocr.paper import otsu_threshold

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    from PIL.Image import Image

#: Width in pixels of the strips the ink is summed in.
STRIP_WIDTH = 12
#: Coarse and fine search steps in degrees.
COARSE_STEP = 1.0
FINE_STEP = 0.1
#: A page needs this share of ink pixels (and at most ``MAX_INK``) for an estimate.
MIN_INK = 0.002
MAX_INK = 0.4
#: The best angle's score must beat the level page's by this factor, or the page counts as level
#: (a photo, a logo, a page without lines of text).
MIN_GAIN = 1.02


def ink_mask(image: Image) -> npt.NDArray[np.bool_]:
    """Dark pixels of a grayscale image (Otsu's threshold) as a boolean array."""
    import numpy as np

    threshold = otsu_threshold(image.histogram())
    return np.asarray(image) <= threshold


def _profile_scores(
    ink: npt.NDArray[np.bool_], angles: npt.NDArray[np.floating[Any]]
) -> npt.NDArray[np.float64]:
    """The sum of squares of the ink's projection profile along each angle."""
    import numpy as np

    rows, width = ink.shape
    count = width // STRIP_WIDTH
    strips = ink[:, : count * STRIP_WIDTH].reshape(rows, count, STRIP_WIDTH).sum(axis=2, dtype=np.float64)
    offsets = (np.arange(count) + 0.5) * STRIP_WIDTH - count * STRIP_WIDTH / 2
    shifts = np.rint(np.outer(np.tan(np.radians(angles)), offsets)).astype(np.intp)
    pad = int(np.abs(shifts).max(initial=0))
    columns = np.ascontiguousarray(strips.T)
    scores = np.empty(len(angles))
    profile = np.empty(rows + 2 * pad)
    for index, shift in enumerate(shifts.tolist()):
        profile.fill(0.0)
        # Strip row y0 + x * tan(angle) lands in profile row y0: the line through y0 at that angle.
        for column, offset in zip(columns, shift, strict=True):
            profile[pad - offset : pad - offset + rows] += column
        scores[index] = float(np.dot(profile, profile))
    return scores


def estimate_skew(image: Image, max_degrees: float = 15.0) -> float | None:
    """The tilt of a grayscale page's text lines in degrees (positive: descending to the right).

    ``None`` when the page has too little or too much ink to tell; ``0.0`` when no angle sharpens
    its rows clearly more than leaving it level; otherwise within ``-max_degrees..max_degrees``.
    """
    return estimate_skew_of_ink(ink_mask(image), max_degrees)


def estimate_skew_of_ink(ink: npt.NDArray[np.bool_], max_degrees: float = 15.0) -> float | None:
    """:func:`estimate_skew` on an ink mask already made (e.g. only the ink of text blocks)."""
    import numpy as np

    share = float(ink.mean())
    if not MIN_INK <= share <= MAX_INK:
        return None
    if ink.shape[1] < 2 * STRIP_WIDTH:
        return None
    half = ink[: ink.shape[0] // 2 * 2, : ink.shape[1] // 2 * 2]
    half = np.asarray(half.reshape(half.shape[0] // 2, 2, half.shape[1] // 2, 2).any(axis=(1, 3)), dtype=bool)
    steps = math.floor(max_degrees / COARSE_STEP)
    coarse = np.arange(-steps, steps + 1) * COARSE_STEP
    coarse_scores = _profile_scores(half, coarse) if half.shape[1] >= 2 * STRIP_WIDTH else np.zeros(1)
    best = float(coarse[int(np.argmax(coarse_scores))]) if len(coarse_scores) > 1 else 0.0
    span = round(COARSE_STEP / FINE_STEP)
    fine = best + np.arange(-span, span + 1) * FINE_STEP
    fine = np.append(fine[np.abs(fine) <= max_degrees], 0.0)
    fine_scores = _profile_scores(ink, fine)
    level_score = float(fine_scores[-1])
    fine, fine_scores = fine[:-1], fine_scores[:-1]
    best_score = float(fine_scores.max())
    if best_score < level_score * MIN_GAIN:
        return 0.0
    # Several angles may tie (rounded shifts): take the middle of the best ones.
    ties = fine[fine_scores >= best_score * (1 - 1e-9)]
    return float(ties.mean())
