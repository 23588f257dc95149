"""Dot-matrix print is told apart from solid print and joined into strokes before OCR."""

from __future__ import annotations

import pytest
from PIL import Image

from docflow.ocr import dots
from docflow.ocr.dots import (
    DOT_PRINT_RATIO,
    UPSCALE,
    UPSCALE_BELOW,
    ink_closing_ratio,
    is_dot_print,
    join_dots,
)
from docflow.ocr.prepare import prepare_for_ocr
from docflow.ocr.preprocess import PreprocessOptions
from tests.support.ocr_corpus import RECEIPT_LINES, dotted, render_receipt


def test_solid_print_is_not_dot_print() -> None:
    solid = render_receipt()
    assert ink_closing_ratio(solid) < 1.2
    assert not is_dot_print(solid)


def test_dotted_print_is_dot_print() -> None:
    assert ink_closing_ratio(dotted(render_receipt())) >= DOT_PRINT_RATIO


def test_a_blank_page_is_not_dot_print() -> None:
    assert ink_closing_ratio(Image.new("L", (200, 100), 255)) == 1.0


def test_solid_print_is_left_as_it_is() -> None:
    solid = render_receipt()
    assert join_dots(solid, 28) is solid


def test_dots_are_joined_into_strokes() -> None:
    joined = join_dots(dotted(render_receipt()), 28)
    assert ink_closing_ratio(joined) < DOT_PRINT_RATIO


def test_preparation_joins_dots_only_when_switched_on() -> None:
    page = dotted(render_receipt())
    assert is_dot_print(prepare_for_ocr(page, PreprocessOptions(join_dots=False)).image)
    assert not is_dot_print(prepare_for_ocr(page).image)


def test_small_dot_text_is_enlarged_and_binarised_as_it_is_joined() -> None:
    page = dotted(render_receipt())
    joined = join_dots(page, UPSCALE_BELOW - 1)
    assert joined.size == (page.width * UPSCALE, page.height * UPSCALE)
    assert sum(joined.histogram()[1:255]) == 0  # black and white only
    assert not is_dot_print(joined)


def test_dot_text_of_a_good_height_keeps_its_size() -> None:
    page = dotted(render_receipt())
    assert join_dots(page, UPSCALE_BELOW).size == page.size


def test_a_page_too_large_to_enlarge_keeps_its_size(monkeypatch: pytest.MonkeyPatch) -> None:
    page = dotted(render_receipt())
    monkeypatch.setattr(dots, "MAX_UPSCALED_PIXELS", page.width * page.height * UPSCALE**2 - 1)
    assert join_dots(page, UPSCALE_BELOW - 1).size == page.size


def test_preparation_maps_boxes_back_through_the_enlargement() -> None:
    page = dotted(render_receipt([*RECEIPT_LINES, *RECEIPT_LINES], size=20))
    plain = prepare_for_ocr(page, PreprocessOptions(join_dots=False))
    joined = prepare_for_ocr(page)
    assert joined.image.size == (plain.image.width * UPSCALE, plain.image.height * UPSCALE)
    assert joined.scale == plain.scale * UPSCALE
    box = (10, 20, 110, 60)
    assert joined.to_page(tuple(value * UPSCALE for value in box)) == plain.to_page(box)  # type: ignore[arg-type]
