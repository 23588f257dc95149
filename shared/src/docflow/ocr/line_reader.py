"""One printed line read again, several times, each from a differently prepared copy of its band.

A number with a check digit (the Y-tunnus) that the page reading garbled (``1216072-3`` for
``1218072-3``, ``2204B891-D`` for ``2204891-0``) is often read right when its line is read on its own
from a copy of the page a little larger, smaller or softer: dot print and thin thermal print change
shape with the scale and the blur, and each copy is a fresh look at the same ink. The receipt reader
asks for this only for a line it needs and could not read or is unsure of (a Y-tunnus, a date:
:mod:`docflow.receipts.reread`) and weighs the readings against each other
(:func:`docflow.receipts.identifiers.agreed_business_id`); :class:`LineReader` keeps the first OCR
page's prepared image until its last line is read or the result is dropped.

Each copy is the line's band (the line's rows and :data:`BAND_MARGIN` text heights above and below it,
the page's full width) read as one line of text (:data:`LINE_PSM`); the copies are
:data:`LINE_COPIES`. On the benchmark corpus's tuning families the softened copy recovered most of the
Y-tunnus numbers dot print had garbled; the scaled copies add the witnesses that outvote a wrong
number a single garbled reading lets through the check digit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from docflow.ocr.engine import recognize_in_mode
from docflow.ocr.errors import EXTRA_PASS_ERRORS
from docflow.ocr.kept_page import KeptPage

if TYPE_CHECKING:
    from PIL.Image import Image

    from docflow.ocr.layout import Fragment
    from docflow.ocr.preprocess import PreparedImage

logger = logging.getLogger(__name__)

#: Tesseract's mode for an image that is a single line of text.
LINE_PSM = 7
#: Text heights of the page kept above and below the line's box.
BAND_MARGIN = 0.6
#: A band is at least this many pixels tall (no estimate of the text height).
MIN_TEXT_HEIGHT = 12
#: At most this many lines are read again per document.
MAX_LINES = 3
#: Radius of the Gaussian blur of the softened copy, in pixels of the prepared image.
SOFTEN_RADIUS = 1.0


def _scaled(factor: float) -> Callable[[Image], Image]:
    def scale(band: Image) -> Image:
        from PIL import Image as PILImage

        size = (max(1, round(band.width * factor)), max(1, round(band.height * factor)))
        return band.resize(size, PILImage.Resampling.LANCZOS)

    return scale


def _softened(band: Image) -> Image:
    from PIL import ImageFilter

    return band.filter(ImageFilter.GaussianBlur(SOFTEN_RADIUS))


def _as_prepared(band: Image) -> Image:
    return band


#: The copies of a band that are read, in order: as prepared, softened, larger, smaller.
LINE_COPIES: tuple[Callable[[Image], Image], ...] = (_as_prepared, _softened, _scaled(1.5), _scaled(0.75))


class LineSource(Protocol):
    """What reads a line of the first OCR page again on request: :class:`LineReader`, or saved readings."""

    def read(self, page: int, bbox: tuple[int, int, int, int]) -> tuple[str, ...]:
        """The texts each copy of the line's band was read as (empty when it cannot be read again)."""
        ...


class LineReader(KeptPage):
    """Reads lines of one prepared page again on request, within the document's time left, at most
    :data:`MAX_LINES` of them; holds the prepared image until the last of them is read."""

    #: Lines this reader may still read (the class's start value, counted down per reader).
    _lines_left: int = MAX_LINES

    def read(self, page: int, bbox: tuple[int, int, int, int]) -> tuple[str, ...]:
        """The texts each copy of the band of the line at ``bbox`` (page pixels) was read as; nothing
        for another page, past :data:`MAX_LINES` lines, or once the time is up (the copies read by
        then are kept). An engine failure ends the readings of that line."""
        if page != self._page or self._prepared is None:
            return ()
        band = self._band(self._prepared, bbox)
        if band is None:
            return ()
        self._lines_left -= 1
        if self._lines_left <= 0:
            self._prepared = None  # the last line allowed: the page image is not needed any more
        texts: list[str] = []
        for copy in LINE_COPIES:
            image = copy(band)
            left = self._time_left()
            if left <= 0:
                break
            try:
                fragments = self._recognize(image, left)
            except EXTRA_PASS_ERRORS as error:
                logger.warning("a line's second reading was given up: %s", error.code)
                break
            texts.append(" ".join(fragment.text for fragment in fragments))
        return tuple(texts)

    @staticmethod
    def _band(prepared: PreparedImage, bbox: tuple[int, int, int, int]) -> Image | None:
        """The line's rows of the prepared image, with a margin above and below, the page's width."""
        image = prepared.image
        _, line_top, _, line_bottom = prepared.from_page(bbox)
        margin = BAND_MARGIN * max(prepared.image_text_height or 0.0, MIN_TEXT_HEIGHT)
        top = max(0, round(line_top - margin))
        bottom = min(image.height, round(line_bottom + margin))
        if bottom - top < MIN_TEXT_HEIGHT:
            return None
        return image.crop((0, top, image.width, bottom))

    def _recognize(self, image: Image, timeout_seconds: float) -> list[Fragment]:
        return recognize_in_mode(
            self._engine, image, psm=LINE_PSM, languages=self._languages, timeout_seconds=timeout_seconds
        )
