"""A prepared page kept after the page reading, for the extra readings asked for later.

The receipt reader decides from the page reading's lines whether a part of the page is worth reading
again (the header: :mod:`docflow.ocr.header`; a line: :mod:`docflow.ocr.line_reader`). Each such reader
keeps the prepared image, the engine and its languages, and reads within the page's time limit and
what is left of the document's.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docflow.ocr.engine import OcrEngine
    from docflow.ocr.preprocess import PreparedImage


class KeptPage:
    """One prepared page (``None`` once its reader needs it no more), the engine that reads it again,
    and the time those readings may take."""

    def __init__(
        self,
        prepared: PreparedImage,
        *,
        page: int,
        engine: OcrEngine,
        languages: str,
        timeout_seconds: float,
        deadline: float,
    ) -> None:
        self._prepared: PreparedImage | None = prepared
        self._page = page
        self._engine = engine
        self._languages = languages
        self._timeout_seconds = timeout_seconds
        self._deadline = deadline

    def _time_left(self) -> float:
        """Seconds the next reading may take: the page's limit, within the document's deadline."""
        return min(self._timeout_seconds, self._deadline - time.perf_counter())
