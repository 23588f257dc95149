"""PDF reading: text layer without OCR, rasterising, resolution choice and stream bomb checks."""

from __future__ import annotations

import pytest

from docflow.ocr import OcrLimits, read_document
from docflow.ocr.errors import CorruptFileError, DecompressionBombError
from docflow.ocr.layout import Fragment
from docflow.ocr.pdf import check_compressed_streams, render_dpi
from tests.support.ocr_corpus import (
    deflate_bomb,
    pdf_flate_bomb,
    pdf_with_image,
    pdf_with_text,
    render_receipt,
)

from .fakes import RecordingEngine


def test_given_pdf_with_text_layer_when_read_then_lines_come_from_it_without_ocr() -> None:
    engine = RecordingEngine()
    result = read_document(
        pdf_with_text(["K-MARKET KALLIO", "YHTEENSA 10,73"]), declared_type="application/pdf", engine=engine
    )
    assert engine.images == []
    (page,) = result.pages
    assert page.source == "text-layer"
    assert page.text == "K-MARKET KALLIO\nYHTEENSA 10,73"
    assert result.content_type == "application/pdf"
    assert result.languages == ""
    first, second = result.lines
    assert first.confidence == 1.0
    assert first.bbox[1] < second.bbox[1]
    x0, y0, x1, y1 = first.bbox
    assert 0 <= x0 < x1 <= page.width
    assert 0 <= y0 < y1 <= page.height
    assert (page.width, page.height) == (1250, 1667)  # 300 x 400 pt at 300 dpi


def test_given_scanned_pdf_when_read_then_page_rasterised_for_ocr() -> None:
    engine = RecordingEngine([Fragment("YHTEENSA 10,73", 0.9, (10, 10, 200, 40))], languages="fin+eng")
    result = read_document(pdf_with_image(render_receipt()), engine=engine)
    (image,) = engine.images
    assert result.pages[0].source == "ocr"
    assert result.languages == "fin+eng"
    assert result.text == "YHTEENSA 10,73"
    assert image.mode == "L"
    assert (result.pages[0].width, result.pages[0].height) == (1250, 1667)


def test_given_scan_with_only_a_stamp_in_its_text_layer_when_read_then_ocr_is_used() -> None:
    engine = RecordingEngine([Fragment("YHTEENSA 10,73", 0.9, (10, 10, 200, 40))])
    result = read_document(pdf_with_image(render_receipt(), text_lines=["Scan 2025-0001"]), engine=engine)
    assert len(engine.images) == 1
    assert result.pages[0].source == "ocr"


def test_given_scan_with_a_full_text_layer_when_read_then_the_layer_is_used() -> None:
    engine = RecordingEngine()
    lines = ["K-MARKET KALLIO", "MAITO 1L 1,29", "RUISLEIPA 2,49", "KAHVI 500G 6,95", "YHTEENSA 10,73"]
    result = read_document(pdf_with_image(render_receipt(), text_lines=lines), engine=engine)
    assert engine.images == []
    assert result.pages[0].source == "text-layer"
    assert result.text.splitlines() == lines


def test_given_requested_languages_when_read_then_engine_receives_them_and_page_timeout() -> None:
    engine = RecordingEngine()
    limits = OcrLimits(page_timeout_seconds=7)
    result = read_document(pdf_with_image(render_receipt()), engine=engine, languages="swe", limits=limits)
    assert engine.calls == [("swe", 7)]
    assert result.languages == "swe"


def test_given_huge_page_when_choosing_dpi_then_pixels_stay_within_limits() -> None:
    limits = OcrLimits()
    dpi = render_dpi(14_400, 14_400, limits)  # 200 x 200 inches
    side = 200 * dpi
    assert side * side <= limits.max_pixels
    assert side <= limits.max_side
    assert render_dpi(595, 842, limits) == 300  # A4 keeps the full resolution


def test_given_zero_sized_page_when_choosing_dpi_then_corrupt() -> None:
    with pytest.raises(CorruptFileError):
        render_dpi(0, 842, OcrLimits())


def test_given_stream_just_under_cap_when_checked_then_accepted_and_over_cap_rejected() -> None:
    limits = OcrLimits(max_pdf_stream_bytes=4_000_000)
    check_compressed_streams(b"1 0 obj\n<<>>\nstream\n" + deflate_bomb(3_000_000) + b"\nendstream", limits)
    with pytest.raises(DecompressionBombError):
        check_compressed_streams(pdf_flate_bomb(5_000_000), limits)


def test_given_many_streams_under_cap_when_total_exceeds_budget_then_rejected() -> None:
    limits = OcrLimits(max_pdf_stream_bytes=4_000_000)  # 16 MB for all streams together
    stream = b"stream\n" + deflate_bomb(3_000_000) + b"\nendstream\n"
    check_compressed_streams(stream * 5, limits)
    with pytest.raises(DecompressionBombError):
        check_compressed_streams(stream * 6, limits)
