"""The process-wide OCR engine: in-process tesserocr when installed, else the ``tesseract`` command.

Kept apart from both engines so that neither imports the other.
"""

from __future__ import annotations

from functools import lru_cache

from docflow.ocr.engine import OcrEngine, TesseractEngine
from docflow.ocr.tesserocr_engine import TesserocrEngine, tesserocr_available


@lru_cache(maxsize=1)
def default_engine() -> OcrEngine:
    """The process-wide engine (a warm Lambda reuses it): tesserocr when installed, else the CLI."""
    if tesserocr_available():
        return TesserocrEngine()
    return TesseractEngine()
