"""Header rows the page reading left out, read again on their own.

Tesseract reads a receipt as one uniform block of text (:data:`docflow.ocr.engine.DEFAULT_PSM`), which
fits the body's one text size; a header line printed two or three times as tall (``POPULAR BOOK`` over
``CO. (M) SDN BHD``) can then come back as nothing at all. Runs of ink rows in the top of the page that
no read line covers, at least a text line tall, are cut out as bands across the page and read on their
own, where their size is the only one; the words read there with enough confidence join the page's
fragments. A page whose reading covers its header costs one row profile, nothing more.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docflow.ocr.layout import Fragment

if TYPE_CHECKING:
    from PIL.Image import Image

    from docflow.ocr.engine import OcrEngine

#: Only this share of the page, from the top, is searched: the header, where the large print is.
TOP_SHARE = 0.35
#: At most this many bands are read again per page.
MAX_BANDS = 3
#: A run of uncovered ink rows shorter than this many text heights is a speck, a rule or a descender.
MIN_BAND_HEIGHT = 1.2
#: Rows this many text heights above or below a read line count as covered by it (accents, commas).
COVER_MARGIN = 0.3
#: Rows whose ink share (0..255 at the profile's width) is at most this count as blank.
BLANK_ROW = 3
#: Width the row profile is taken at.
PROFILE_WIDTH = 256
#: A line read in a band with less confidence than this (a logo, grain) is dropped.
MIN_CONFIDENCE = 0.7
#: Ink is darker than this grey level (the page is prepared: paper white, ink dark).
INK_LEVEL = 160


def _ink_rows(image: Image, top: int) -> list[bool]:
    """Whether each of the first ``top`` rows of ``image`` holds ink."""
    from PIL import Image as PILImage

    band = image.crop((0, 0, image.width, top)).point(lambda value: 255 if value < INK_LEVEL else 0)
    profile = band.resize((min(PROFILE_WIDTH, image.width), top), PILImage.Resampling.BOX)
    profile = profile.resize((1, top), PILImage.Resampling.BOX)
    return [value > BLANK_ROW for value in profile.tobytes()]


def uncovered_bands(image: Image, fragments: list[Fragment], text_height: float) -> list[tuple[int, int]]:
    """(top, bottom) row ranges in the top of ``image`` with ink that no fragment covers, at least
    :data:`MIN_BAND_HEIGHT` text heights tall, the first :data:`MAX_BANDS` of them."""
    top = int(image.height * TOP_SHARE)
    if top <= 0 or text_height <= 0:
        return []
    ink = _ink_rows(image, top)
    margin = round(COVER_MARGIN * text_height)
    for fragment in fragments:
        _, y0, _, y1 = fragment.bbox
        for row in range(max(0, y0 - margin), min(top, y1 + margin)):
            ink[row] = False
    bands: list[tuple[int, int]] = []
    start: int | None = None
    for row, has_ink in enumerate([*ink, False]):
        if has_ink and start is None:
            start = row
        elif not has_ink and start is not None:
            if row - start >= MIN_BAND_HEIGHT * text_height:
                bands.append((start, row))
            start = None
    return bands[:MAX_BANDS]


def read_uncovered(
    image: Image,
    fragments: list[Fragment],
    text_height: float | None,
    *,
    engine: OcrEngine,
    languages: str,
    timeout_seconds: float,
) -> list[Fragment]:
    """``fragments`` with the lines read in the header's uncovered bands (see the module documentation)
    added; ``fragments`` itself when there are none."""
    if text_height is None:
        heights = sorted(fragment.bbox[3] - fragment.bbox[1] for fragment in fragments)
        text_height = heights[len(heights) // 2] if heights else None
    if not text_height:
        return fragments
    bands = uncovered_bands(image, fragments, text_height)
    if not bands:
        return fragments
    added: list[Fragment] = []
    pad = round(COVER_MARGIN * text_height)
    for band_top, band_bottom in bands:
        y0, y1 = max(0, band_top - pad), min(image.height, band_bottom + pad)
        crop = image.crop((0, y0, image.width, y1))
        for fragment in engine.recognize(crop, languages=languages, timeout_seconds=timeout_seconds):
            if fragment.confidence < MIN_CONFIDENCE or not any(char.isalnum() for char in fragment.text):
                continue
            x0, fy0, x1, fy1 = fragment.bbox
            added.append(Fragment(fragment.text, fragment.confidence, (x0, fy0 + y0, x1, fy1 + y0)))
    return [*fragments, *added] if added else fragments
