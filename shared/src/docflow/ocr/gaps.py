"""Rows of print the page reading left out, read again on their own.

Tesseract reads a receipt as one uniform block of text (:data:`docflow.ocr.engine.DEFAULT_PSM`), which
fits the body's one text size; a header line printed two or three times as tall (``POPULAR BOOK`` over
``CO. (M) SDN BHD``) can then come back as nothing at all. Runs of ink rows in the top of the page that
no read line covers, at least a text line tall, are cut out as bands across the page and read on their
own, where their size is the only one.

Below the header its layout analysis drops lines too: a line beside a picture (a QR code, an
advertisement printed in colour under the text) or right under a barcode (``3182 748433/01 02.03.20
15:59``, the only date on a Lidl receipt) is taken for part of the picture. In the text column that the
surely read lines show (:func:`docflow.ocr.weak_lines.text_column`; on a photo the table beside the
paper is no text), runs of ink rows that no read line covers, half a text line tall or more, are read on
their own as well. Rows dark over much of the column (a barcode, a solid block) are no text and split
the runs, so a line next to a barcode is read without it. Such a band still holds the picture's
edges, which lower Tesseract's confidence in the line it reads (``Bar: >»! da 10,00`` at 0.51), so
its lines are kept from a lower confidence than the header's; field confidences downstream start from
the line's, so what they read is not booked on its own strength.

The words read there with enough confidence join the page's fragments. A page whose reading covers
every printed row costs a row profile, nothing more.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from docflow.ocr.layout import Fragment

if TYPE_CHECKING:
    from PIL.Image import Image

    from docflow.ocr.engine import OcrEngine

#: Only this share of the page, from the top, is searched for large print: the header.
TOP_SHARE = 0.35
#: At most this many header bands are read again per page.
MAX_BANDS = 3
#: A run of uncovered ink rows in the header shorter than this many text heights is a speck, a rule
#: or a descender.
MIN_BAND_HEIGHT = 1.2
#: Rows this many text heights above or below a read line count as covered by it (accents, commas).
COVER_MARGIN = 0.3
#: Rows whose ink share (0..255 at the profile's width) is at most this count as blank.
BLANK_ROW = 3
#: Width the row profile is taken at.
PROFILE_WIDTH = 256
#: A line read in a header band with less confidence than this (a logo, grain) is dropped.
MIN_CONFIDENCE = 0.7
#: Ink is darker than this grey level (the page is prepared: paper white, ink dark).
INK_LEVEL = 160

#: At most this many left-out lines below the header are read again per page, from the top.
MAX_LINE_BANDS = 4
#: A run of uncovered ink rows below the header is a left-out line from this many text heights on.
MIN_LINE_HEIGHT = 0.5
#: Rows of the text column whose ink share (0..255) is above this are a barcode or a solid block:
#: printed text darkens at most about a third of a row (bold capitals), a barcode's bars 40-55 %.
DENSE_ROW = 110
#: A line read in a band below the header with less confidence than this is dropped.
MIN_LINE_CONFIDENCE = 0.45
#: Below the header, rows this many text heights beyond a read line's box count as covered by it. A
#: line's box already holds its accents and commas; Tesseract's box of a table row often reaches into
#: the row under it (``C 7,00% 6,59 0,46 7,05`` boxed down to the top of ``D 19,00% 1,50 0,28 1,78``
#: behind faint show-through), so a wider margin would leave too little of the next row uncovered.
LINE_COVER_MARGIN = 0.1
#: Below the header, blank rows fewer than this many text heights between ink rows belong to one line:
#: thin or faint print leaves rows between its strokes' ends that hold almost no ink.
LINE_GAP = 0.3

Band = tuple[int, int, int, int]


def _ink_profile(image: Image, box: Band) -> bytes:
    """The ink share (0..255) of each row of ``box`` in ``image``."""
    from PIL import Image as PILImage

    x0, y0, x1, y1 = box
    band = image.crop(box).point(lambda value: 255 if value < INK_LEVEL else 0)
    profile = band.resize((min(PROFILE_WIDTH, x1 - x0), y1 - y0), PILImage.Resampling.BOX)
    return profile.resize((1, y1 - y0), PILImage.Resampling.BOX).tobytes()


def _bridged(ink: list[bool], gap: int) -> list[bool]:
    """``ink`` with runs of fewer than ``gap`` blank rows between two ink rows filled."""
    bridged = list(ink)
    last: int | None = None
    for row, has_ink in enumerate(ink):
        if not has_ink:
            continue
        if last is not None and 0 < row - last - 1 < gap:
            bridged[last + 1 : row] = [True] * (row - last - 1)
        last = row
    return bridged


def _runs(
    ink: list[bool],
    fragments: list[Fragment],
    top: int,
    text_height: float,
    min_height: float,
    *,
    cover_margin: float = COVER_MARGIN,
    bridge: float = 0.0,
) -> list[tuple[int, int]]:
    """(top, bottom) row ranges (page rows; ``ink`` starts at row ``top``) of ink no fragment covers
    (rows within ``cover_margin`` text heights of its box count as covered), at least ``min_height``
    text heights tall; with ``bridge``, blank gaps shorter than that many text heights between ink
    rows count as ink (one line's rows) before the covered rows are taken out."""
    margin = round(cover_margin * text_height)
    if bridge:
        ink = _bridged(ink, round(bridge * text_height))
    for fragment in fragments:
        _, y0, _, y1 = fragment.bbox
        for row in range(max(top, y0 - margin), min(top + len(ink), y1 + margin)):
            ink[row - top] = False
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for row, has_ink in enumerate([*ink, False]):
        if has_ink and start is None:
            start = row
        elif not has_ink and start is not None:
            if row - start >= min_height * text_height:
                runs.append((top + start, top + row))
            start = None
    return runs


def uncovered_bands(image: Image, fragments: list[Fragment], text_height: float) -> list[tuple[int, int]]:
    """(top, bottom) row ranges in the top of ``image`` with ink that no fragment covers, at least
    :data:`MIN_BAND_HEIGHT` text heights tall, the first :data:`MAX_BANDS` of them."""
    top = int(image.height * TOP_SHARE)
    if top <= 0 or text_height <= 0:
        return []
    ink = [value > BLANK_ROW for value in _ink_profile(image, (0, 0, image.width, top))]
    return _runs(ink, fragments, 0, text_height, MIN_BAND_HEIGHT)[:MAX_BANDS]


def uncovered_lines(image: Image, fragments: list[Fragment]) -> list[Band]:
    """Boxes of the lines below the header that the reading left out: runs of print rows (some ink,
    not a barcode's) in the text column that no fragment covers, at least :data:`MIN_LINE_HEIGHT`
    text heights tall, the first :data:`MAX_LINE_BANDS` of them."""
    from docflow.ocr.weak_lines import text_column

    column = text_column(fragments, image.width)
    top = int(image.height * TOP_SHARE)
    if column is None or top >= image.height:
        return []
    left, right, text_height = column
    profile = _ink_profile(image, (left, top, right, image.height))
    ink = [BLANK_ROW < value <= DENSE_ROW for value in profile]
    runs = _runs(
        ink, fragments, top, text_height, MIN_LINE_HEIGHT, cover_margin=LINE_COVER_MARGIN, bridge=LINE_GAP
    )
    return [(left, y0, right, y1) for y0, y1 in runs[:MAX_LINE_BANDS]]


def _read_band(
    image: Image,
    box: Band,
    pad: int,
    min_confidence: float,
    *,
    engine: OcrEngine,
    languages: str,
    timeout_seconds: float,
) -> list[Fragment]:
    """The lines read in ``box`` (grown by ``pad`` rows) with at least ``min_confidence``, in page pixels."""
    x0, y0, x1, y1 = box
    y0, y1 = max(0, y0 - pad), min(image.height, y1 + pad)
    read: list[Fragment] = []
    crop = image.crop((x0, y0, x1, y1))
    for fragment in engine.recognize(crop, languages=languages, timeout_seconds=timeout_seconds):
        if fragment.confidence < min_confidence or not any(char.isalnum() for char in fragment.text):
            continue
        fx0, fy0, fx1, fy1 = fragment.bbox
        read.append(Fragment(fragment.text, fragment.confidence, (fx0 + x0, fy0 + y0, fx1 + x0, fy1 + y0)))
    return read


def read_uncovered(
    image: Image,
    fragments: list[Fragment],
    text_height: float | None,
    *,
    engine: OcrEngine,
    languages: str,
    timeout_seconds: float,
) -> list[Fragment]:
    """``fragments`` with the lines read in the header's uncovered bands and the left-out lines below
    it added (see the module documentation); ``fragments`` itself when there are none."""
    if text_height is None:
        heights = sorted(fragment.bbox[3] - fragment.bbox[1] for fragment in fragments)
        text_height = heights[len(heights) // 2] if heights else None
    if not text_height:
        return fragments
    read = partial(_read_band, image, engine=engine, languages=languages, timeout_seconds=timeout_seconds)
    pad = round(COVER_MARGIN * text_height)
    added: list[Fragment] = []
    for band_top, band_bottom in uncovered_bands(image, fragments, text_height):
        added += read((0, band_top, image.width, band_bottom), pad, MIN_CONFIDENCE)
    for box in uncovered_lines(image, fragments):
        added += read(box, pad, MIN_LINE_CONFIDENCE)
    return [*fragments, *added] if added else fragments
