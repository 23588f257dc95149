"""Real OCR with the Tesseract binary on rendered receipts (marker ``ocr``)."""

from __future__ import annotations

import shutil

import pytest

from docflow.ocr import OcrLimits, read_document
from docflow.ocr.errors import OcrTimeoutError
from tests.support.ci import skip_unless
from tests.support.ocr_corpus import dotted, encode, pdf_with_image, render_receipt

pytestmark = [
    pytest.mark.ocr,
    skip_unless(shutil.which("tesseract") is not None, "needs the Tesseract binary"),
]


def test_given_rendered_receipt_when_read_then_words_lines_boxes_and_confidences() -> None:
    image = render_receipt()
    result = read_document(encode(image.convert("RGB"), "JPEG"), declared_type="image/jpeg", filename="k.jpg")
    # A uniform block (psm 6) may split a monospaced word at a wide letter gap: spaces are not compared.
    text = result.text.replace(" ", "")
    for word in ("K-MARKET", "KALLIO", "12.03.2025", "10,73", "KORTTIMAKSU", "VEROTON"):
        assert word in text
    (page,) = result.pages
    assert page.source == "ocr"
    assert (page.width, page.height) == image.size
    assert len(page.lines) == 9
    assert all("  " not in line.text for line in page.lines)
    tops = [line.bbox[1] for line in page.lines]
    assert tops == sorted(tops)
    for line in page.lines:
        x0, y0, x1, y1 = line.bbox
        assert 0 <= x0 < x1 <= page.width
        assert 0 <= y0 < y1 <= page.height
        assert 0.0 <= line.confidence <= 1.0
    assert result.mean_confidence > 0.8
    assert "fin" in result.languages


def test_given_dot_matrix_receipt_when_read_then_its_dots_are_joined_into_text() -> None:
    # Tesseract reads nothing of this page as printed; joined, it reads the figures.
    result = read_document(encode(dotted(render_receipt(size=40)), "PNG"))
    assert "1234567-1" in result.text
    assert "10,73" in result.text


def test_given_total_line_when_read_then_its_box_covers_the_rendered_text() -> None:
    image = render_receipt()
    result = read_document(encode(image, "PNG"))
    total = next(line for line in result.lines if "10,73" in line.text and "YHTEENS" in line.text)
    row = 6  # RECEIPT_LINES index of the YHTEENSA line; rows are 44 px apart from a 40 px margin
    assert abs(total.bbox[1] - (40 + row * 44)) < 20


def test_given_scanned_pdf_when_read_then_text_recognised() -> None:
    result = read_document(pdf_with_image(render_receipt()))
    assert result.pages[0].source == "ocr"
    assert "KORTTIMAKSU" in result.text.replace(" ", "")


def test_given_tiny_timeout_when_read_then_ocr_timeout() -> None:
    with pytest.raises(OcrTimeoutError):
        read_document(encode(render_receipt(), "PNG"), limits=OcrLimits(page_timeout_seconds=0.01))
