"""Dot-matrix print: text whose strokes are rows of separate dots, which Tesseract reads as noise.

Impact printers and worn thermal heads print characters as grids of dots. Tesseract's line finder
sees specks, not strokes, and loses whole lines (on the benchmark corpus's tuning families, none of
the dot-printed scans kept both its date and total). Closing a page's ink (a 3x3 dilation, then an
erosion) fills the gaps between dots but barely changes solid strokes, so the share of ink it adds
tells dot print apart: on the corpus's tuning families, sparse dots 1.5-1.7 and dense dots (a pixel
apart, or scaled down) 1.15-1.31, solid print on scans and lightly damaged photos 1.00-1.09 (a
photo's blur has already joined its dots). A dot-printed page is blurred just enough to join its
dots into strokes before it is read. Thin, broken solid print (faint scans) can close as much as
dense dots (SROIE's scans up to 1.31) and is blurred too; measured with and without the blur, SROIE
reads about the same (test: company and date a point or two better, address three worse).

The ratio depends on the scale: where the text is taller than :data:`REFERENCE_TEXT_HEIGHT` (a phone
photo) the gaps between the dots are wider than the 3x3 closing, and a photo's blur joins them only in
part, so Tesseract still loses digits and words. Such a page is also measured at the reference text
height, where dot print still adds more ink than solid print does: on the benchmark corpus's tuning
families, lightly damaged photos of dot print 1.09-1.22, of solid print 1.00-1.07.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    from PIL.Image import Image

#: Closing ratio from which a page counts as dot print.
DOT_PRINT_RATIO = 1.12
#: Blur radius that joins the dots of text ``REFERENCE_TEXT_HEIGHT`` pixels tall.
JOIN_RADIUS = 1.5
REFERENCE_TEXT_HEIGHT = 24.0
#: The radius stays within these bounds whatever the text height.
MIN_RADIUS, MAX_RADIUS = 1.0, 3.0
#: Closing ratio at the reference text height from which a page whose text is at least that tall counts
#: as dot print.
SCALED_DOT_PRINT_RATIO = 1.08
#: Ink threshold after autocontrast (0..255).
_INK_BELOW = 128


#: A tall page is measured on this many bands of ``SAMPLE_ROWS`` rows spread over its height: the
#: ratio is a share over ink pixels, and the closing over the whole of a phone photo took 0.2 s.
SAMPLE_BANDS = 4
SAMPLE_ROWS = 256


def _sampled(image: Image) -> Image:
    """``image``, or bands of its rows spread evenly over a page taller than the bands together."""
    if image.height <= SAMPLE_BANDS * SAMPLE_ROWS:
        return image
    from PIL import Image as PILImage

    sample = PILImage.new(image.mode, (image.width, SAMPLE_BANDS * SAMPLE_ROWS), 255)
    step = (image.height - SAMPLE_ROWS) / (SAMPLE_BANDS - 1)
    for band in range(SAMPLE_BANDS):
        top = round(band * step)
        sample.paste(image.crop((0, top, image.width, top + SAMPLE_ROWS)), (0, band * SAMPLE_ROWS))
    return sample


def ink_closing_ratio(image: Image, factor: float = 1.0) -> float:
    """Ink pixels after a 3x3 closing divided by ink pixels before (1.0 for a page without ink),
    measured on :data:`SAMPLE_BANDS` bands of a tall page, reduced by ``factor`` when it is below 1."""
    import numpy as np
    from PIL import Image as PILImage
    from PIL import ImageOps

    page = _sampled(image)
    if factor < 1:
        size = (max(1, round(page.width * factor)), max(1, round(page.height * factor)))
        page = page.resize(size, PILImage.Resampling.LANCZOS)
    ink = np.asarray(ImageOps.autocontrast(page, cutoff=1)) < _INK_BELOW
    before = int(np.count_nonzero(ink))
    if before == 0:
        return 1.0
    return float(np.count_nonzero(closed_3x3(ink)) / before)


def _spread(mask: npt.NDArray[np.bool_], grow: bool) -> npt.NDArray[np.bool_]:
    """``mask`` dilated (``grow``) or eroded by a 3x3 square, the frame's pixels repeated beyond it."""
    import numpy as np

    combine = np.logical_or if grow else np.logical_and
    down = mask.copy()
    combine(down[1:], mask[:-1], out=down[1:])
    combine(down[:-1], mask[1:], out=down[:-1])
    result = down.copy()
    combine(result[:, 1:], down[:, :-1], out=result[:, 1:])
    combine(result[:, :-1], down[:, 1:], out=result[:, :-1])
    return result


def closed_3x3(mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """A boolean mask closed by a 3x3 square (dilation, then erosion), as Pillow's ``MaxFilter(3)`` then
    ``MinFilter(3)`` close a 0/255 image, in a fraction of their time (separable, on booleans)."""
    return _spread(_spread(mask, grow=True), grow=False)


def is_dot_print(image: Image, text_height: float | None = None) -> bool:
    """Whether the page's text is printed in separate dots (see the module documentation); with the
    page's ``text_height``, also measured at :data:`REFERENCE_TEXT_HEIGHT` when its text is that tall."""
    if ink_closing_ratio(image) >= DOT_PRINT_RATIO:
        return True
    if text_height is None or text_height < REFERENCE_TEXT_HEIGHT:
        return False
    factor = REFERENCE_TEXT_HEIGHT / text_height
    return ink_closing_ratio(image, factor) >= SCALED_DOT_PRINT_RATIO


def join_dots(image: Image, text_height: float | None) -> Image:
    """``image`` with dot-printed strokes joined by a blur scaled to the text; other pages as they are."""
    if not is_dot_print(image, text_height):
        return image
    from PIL import ImageFilter

    scale = (text_height or REFERENCE_TEXT_HEIGHT) / REFERENCE_TEXT_HEIGHT
    radius = min(MAX_RADIUS, max(MIN_RADIUS, JOIN_RADIUS * scale))
    return image.filter(ImageFilter.GaussianBlur(radius))
