"""The wall-clock limit of a whole document, not only of each page."""

from __future__ import annotations

import time

import pytest
from PIL.Image import Image

from docflow.ocr import OcrDocumentTimeoutError, OcrLimits, OcrTimeoutError, read_document
from docflow.ocr.layout import Fragment
from tests.support.ocr_corpus import encode, text_image


class SlowEngine:
    """Takes ``seconds`` per page, or gives up at the timeout it was given as Tesseract does."""

    languages = "eng"

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.timeouts: list[float] = []

    def recognize(self, image: Image, *, languages: str | None, timeout_seconds: float) -> list[Fragment]:
        self.timeouts.append(timeout_seconds)
        if self.seconds > timeout_seconds:
            time.sleep(timeout_seconds)
            raise OcrTimeoutError("page timeout")
        time.sleep(self.seconds)
        return []


def _tiff(pages: int) -> bytes:
    first, *rest = [text_image(f"PAGE {n}") for n in range(pages)]
    return encode(first, "TIFF", save_all=True, append_images=rest)


def test_pages_within_their_limit_still_stop_at_the_document_limit() -> None:
    engine = SlowEngine(0.3)
    limits = OcrLimits(page_timeout_seconds=30, document_timeout_seconds=0.8)
    started = time.perf_counter()
    with pytest.raises(OcrDocumentTimeoutError) as raised:
        read_document(_tiff(6), declared_type="image/tiff", limits=limits, engine=engine)
    assert time.perf_counter() - started < 1.5
    assert raised.value.code == "ocr_document_timeout"
    assert len(engine.timeouts) < 6
    # each page gets at most what is left of the document's time
    assert all(timeout <= 0.8 for timeout in engine.timeouts)
    assert engine.timeouts == sorted(engine.timeouts, reverse=True)


def test_a_page_cut_short_by_the_document_limit_is_a_document_timeout() -> None:
    limits = OcrLimits(page_timeout_seconds=30, document_timeout_seconds=0.3)
    with pytest.raises(OcrDocumentTimeoutError):
        read_document(_tiff(1), declared_type="image/tiff", limits=limits, engine=SlowEngine(5))


def test_a_page_over_its_own_limit_stays_a_page_timeout() -> None:
    limits = OcrLimits(page_timeout_seconds=0.2, document_timeout_seconds=60)
    with pytest.raises(OcrTimeoutError) as raised:
        read_document(_tiff(1), declared_type="image/tiff", limits=limits, engine=SlowEngine(5))
    assert raised.value.code == "ocr_timeout"


def test_a_document_within_its_limit_is_read_whole() -> None:
    limits = OcrLimits(document_timeout_seconds=5)
    result = read_document(_tiff(3), declared_type="image/tiff", limits=limits, engine=SlowEngine(0.01))
    assert len(result.pages) == 3


def test_the_document_limit_must_be_positive() -> None:
    with pytest.raises(ValueError, match="document_timeout_seconds"):
        OcrLimits(document_timeout_seconds=0)
