"""The top of a page read a second time, as a layout of its own, for a merchant name read poorly.

The page is read as one uniform block of text (:data:`docflow.ocr.engine.DEFAULT_PSM`); a header with
a name printed two or three times as tall as the body, faint, or beside a logo then often comes back
garbled or cut short (``POPULAR BOOK`` without its ``CO. (M) SDN BHD`` line). Read again with
Tesseract's automatic page segmentation (:data:`HEADER_PSM`), the top of the page is split into blocks
of their own text size. This costs a tenth of a second or more per page, so the receipt reader asks
for it only when the first reading gave no merchant, or one it is unsure of
(:func:`docflow.receipts.scan.read_receipt`); :class:`HeaderReader` keeps what it needs until then.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from docflow.ocr.engine import recognize_in_mode
from docflow.ocr.errors import EXTRA_PASS_ERRORS
from docflow.ocr.kept_page import KeptPage
from docflow.ocr.layout import Fragment, build_lines

if TYPE_CHECKING:
    from PIL.Image import Image

    from docflow.ocr.engine import OcrEngine
    from docflow.ocr.models import OcrLine
    from docflow.ocr.preprocess import PreparedImage

#: The share of the prepared page, from the top, read again: the header.
HEADER_SHARE = 0.25
#: Tesseract's fully automatic page segmentation: blocks and lines of any size.
HEADER_PSM = 3
#: A header row is at least this many pixels tall in the prepared image (no estimate of the text height).
MIN_TEXT_HEIGHT = 12
#: Lines whose middle lies within this many text heights of the region's lower edge may be cut by it:
#: they stay as the page reading read them.
EDGE_LINES = 1.0

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class HeaderRead:
    """The header's lines as the second reading read them (page pixels), and the page row they end at:
    the page reading's lines whose middle lies above ``bottom`` are the ones these replace."""

    lines: tuple[OcrLine, ...]
    bottom: int
    page: int
    seconds: float


def header_fragments(
    image: Image, text_height: float | None, *, engine: OcrEngine, languages: str, timeout_seconds: float
) -> tuple[list[Fragment], int]:
    """The fragments read in the top :data:`HEADER_SHARE` of ``image`` (its pixels), and the row above
    which they are complete (lines cut by the region's lower edge left out)."""
    height = round(image.height * HEADER_SHARE)
    if height <= 0:
        return [], 0
    crop = image.crop((0, 0, image.width, height))
    fragments = recognize_in_mode(
        engine, crop, psm=HEADER_PSM, languages=languages, timeout_seconds=timeout_seconds
    )
    bottom = max(0, height - round(EDGE_LINES * max(text_height or 0.0, MIN_TEXT_HEIGHT)))
    kept = [fragment for fragment in fragments if (fragment.bbox[1] + fragment.bbox[3]) / 2 < bottom]
    return kept, bottom


class HeaderSource(Protocol):
    """What reads a page's header again on request: :class:`HeaderReader`, or saved lines."""

    def read(self) -> HeaderRead | None:
        """The header read again, or ``None`` when it cannot be."""
        ...


class HeaderReader(KeptPage):
    """Reads one prepared page's header again on request, within the document's time left; holds the
    prepared image until then (dropped once read)."""

    def __init__(
        self,
        prepared: PreparedImage,
        *,
        page: int,
        size: tuple[int, int],
        engine: OcrEngine,
        languages: str,
        timeout_seconds: float,
        deadline: float,
    ) -> None:
        super().__init__(
            prepared,
            page=page,
            engine=engine,
            languages=languages,
            timeout_seconds=timeout_seconds,
            deadline=deadline,
        )
        self._size = size

    def read(self) -> HeaderRead | None:
        """The header read again, or ``None`` when no time is left, it ran out of time, the engine failed
        on it or it was read already (once per page)."""
        prepared, self._prepared = self._prepared, None
        started = time.perf_counter()
        left = self._time_left()
        if prepared is None or left <= 0:
            return None
        text_height = prepared.image_text_height
        try:
            fragments, bottom = header_fragments(
                prepared.image,
                text_height,
                engine=self._engine,
                languages=self._languages,
                timeout_seconds=left,
            )
        except EXTRA_PASS_ERRORS as error:
            logger.warning("the header's second reading was given up: %s", error.code)
            return None
        in_page = (prepared.fragment_to_page(fragment, self._size) for fragment in fragments)
        page_bottom = prepared.to_page((0, bottom, 0, bottom))[1]
        lines = build_lines(in_page, page=self._page)
        return HeaderRead(lines, page_bottom, self._page, time.perf_counter() - started)
