"""Result types, limits and the preprocessing scale rule."""

from __future__ import annotations

import dataclasses

import pytest
from PIL import Image, ImageDraw

from docflow.ocr import OcrLimits, OcrLine, OcrPage, OcrResult, PreprocessOptions
from docflow.ocr.models import make_page
from docflow.ocr.prepare import prepare_for_ocr
from docflow.ocr.preprocess import choose_scale, estimate_text_height
from tests.support.ocr_corpus import render_receipt


def _page(number: int, *texts: tuple[str, float]) -> OcrPage:
    lines = tuple(OcrLine(text, confidence, (0, 0, 10, 10), number) for text, confidence in texts)
    return make_page(number=number, width=100, height=100, lines=lines, source="ocr", seconds=0.1)


def test_given_pages_when_result_built_then_text_lines_and_weighted_confidence() -> None:
    result = OcrResult(
        (_page(1, ("AB", 1.0), ("CDEF", 0.4)), _page(2, ("GH", 0.7))), "application/pdf", "eng", 1.0
    )
    assert result.text == "AB\nCDEF\n\f\nGH"
    assert [line.text for line in result.lines] == ["AB", "CDEF", "GH"]
    assert result.mean_confidence == pytest.approx((2 * 1.0 + 4 * 0.4 + 2 * 0.7) / 8)


def test_given_no_text_when_confidence_asked_then_zero() -> None:
    assert OcrResult((_page(1),), "image/png", "eng", 0.1).mean_confidence == 0.0


def test_given_result_types_when_mutated_then_frozen() -> None:
    line = OcrLine("A", 1.0, (0, 0, 1, 1), 1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        line.text = "B"  # type: ignore[misc]


def test_given_defaults_when_limits_created_then_documented_values() -> None:
    limits = OcrLimits()
    assert (limits.max_image_bytes, limits.max_pdf_bytes) == (15 * 1024 * 1024, 20 * 1024 * 1024)
    assert (limits.max_pixels, limits.max_side, limits.max_pdf_pages) == (40_000_000, 20_000, 20)
    assert (limits.pdf_dpi, limits.page_timeout_seconds) == (300, 30)


@pytest.mark.parametrize("field", ["max_pixels", "pdf_dpi", "page_timeout_seconds", "max_pdf_pages"])
def test_given_non_positive_limit_when_created_then_value_error(field: str) -> None:
    with pytest.raises(ValueError, match=field):
        OcrLimits(**{field: 0})


def test_given_rendered_lines_when_estimating_then_text_height_is_close_to_the_glyphs() -> None:
    height = estimate_text_height(render_receipt(size=28))
    assert height is not None
    assert 16 <= height <= 30
    bigger = estimate_text_height(render_receipt(size=56))
    assert bigger is not None
    assert 1.7 < bigger / height < 2.3


def test_given_picture_without_lines_when_estimating_then_none() -> None:
    image = Image.new("L", (400, 400), 255)
    ImageDraw.Draw(image).ellipse((100, 100, 300, 300), fill=0)
    assert estimate_text_height(image) is None


def test_given_text_heights_when_choosing_scale_then_only_out_of_range_text_is_resized() -> None:
    options = PreprocessOptions(min_text_height=16, max_text_height=48, target_text_height=24)
    assert choose_scale((800, 1600), 20, options) == 1.0
    assert choose_scale((800, 1600), 12, options) == 2.0
    assert choose_scale((3000, 4000), 96, options) == 0.25
    assert choose_scale((800, 1600), None, options) == 1.0
    assert choose_scale((1000, 3000), 6, options) == pytest.approx(3200 / 3000)  # long side cap


def test_given_small_text_when_prepared_then_enlarged_and_scale_reported() -> None:
    image = render_receipt(size=10)
    prepared = prepare_for_ocr(image)
    assert prepared.scale > 1.5
    assert prepared.image.width == round(image.width * prepared.scale)
