"""A page's paper is made white before Tesseract reads it; its ink keeps its grey levels."""

from __future__ import annotations

import random

from PIL import Image, ImageFilter

from docflow.ocr.levels import MIN_CONTRAST, ink_threshold, paper_level, whiten_paper
from docflow.ocr.prepare import prepare_for_ocr
from docflow.ocr.preprocess import PreprocessOptions
from tests.support.ocr_corpus import render_receipt


def _two_levels(dark: int, light: int, dark_share: float = 0.1) -> list[int]:
    histogram = [0] * 256
    histogram[dark] = round(1000 * dark_share)
    histogram[light] = 1000 - histogram[dark]
    return histogram


def _grey_grainy(page: Image.Image) -> Image.Image:
    """``page`` on grey paper (about 247) with a little grain, its strokes blurred."""
    grain = random.Random(7)
    levels = [min(value, 247 - grain.randint(0, 6)) for value in page.tobytes()]
    grey = Image.frombytes("L", page.size, bytes(levels))
    return grey.filter(ImageFilter.GaussianBlur(0.6))


def test_the_threshold_separates_ink_from_paper() -> None:
    threshold = ink_threshold(_two_levels(40, 240))
    assert threshold is not None
    assert 40 < threshold <= 240


def test_a_page_without_ink_and_paper_has_no_threshold() -> None:
    assert ink_threshold([0] * 256) is None
    assert ink_threshold(_two_levels(200, 200 + MIN_CONTRAST - 1)) is None


def test_grey_paper_becomes_white_and_ink_keeps_its_greys() -> None:
    page = _grey_grainy(render_receipt())
    level = paper_level(page.histogram())
    assert level is not None
    assert 235 <= level <= 247
    white = whiten_paper(page)
    before, after = page.tobytes(), white.tobytes()
    paper = [index for index, value in enumerate(before) if value >= level]
    assert all(after[index] == 255 for index in paper)
    assert all(old == new for old, new in zip(before, after, strict=True) if old < level)
    assert len(set(after)) > 3  # anti-aliased stroke edges stay grey


def test_a_blank_page_is_left_as_it_is() -> None:
    blank = Image.new("L", (100, 50), 248)
    assert whiten_paper(blank) is blank


def test_preparation_whitens_the_paper_only_when_switched_on() -> None:
    page = _grey_grainy(render_receipt())
    whitened = prepare_for_ocr(page).image.tobytes()
    kept = prepare_for_ocr(page, PreprocessOptions(whiten_paper=False)).image.tobytes()
    assert whitened.count(255) > 0.8 * len(whitened)
    assert kept.count(255) < 0.1 * len(kept)
