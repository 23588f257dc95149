"""Dot-matrix print is told apart from solid print and joined into strokes before OCR."""

from __future__ import annotations

from PIL import Image

from docflow.ocr.dots import DOT_PRINT_RATIO, ink_closing_ratio, is_dot_print, join_dots
from docflow.ocr.prepare import prepare_for_ocr
from docflow.ocr.preprocess import PreprocessOptions
from tests.support.ocr_corpus import dotted, render_receipt


def test_solid_print_is_not_dot_print() -> None:
    solid = render_receipt()
    assert ink_closing_ratio(solid) < 1.2
    assert not is_dot_print(solid)


def test_dotted_print_is_dot_print() -> None:
    assert ink_closing_ratio(dotted(render_receipt())) >= DOT_PRINT_RATIO


def test_dense_dots_a_pixel_apart_are_dot_print() -> None:
    dense = dotted(render_receipt(), pitch=5, dot=4)
    assert ink_closing_ratio(dense) < 1.35
    assert is_dot_print(dense)


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
    assert is_dot_print(prepare_for_ocr(page, PreprocessOptions(join_dots=False, whiten_paper=False)).image)
    assert not is_dot_print(prepare_for_ocr(page, PreprocessOptions(whiten_paper=False)).image)


def test_a_tall_page_is_measured_on_bands_that_keep_its_ratio() -> None:
    from docflow.ocr import dots

    for page in (render_receipt(), dotted(render_receipt())):
        tall = Image.new("L", (page.width, page.height * 4), 255)
        for copy in range(4):
            tall.paste(page, (0, copy * page.height))
        assert tall.height > dots.SAMPLE_BANDS * dots.SAMPLE_ROWS
        assert dots._sampled(tall).height == dots.SAMPLE_BANDS * dots.SAMPLE_ROWS
        assert abs(ink_closing_ratio(tall) - ink_closing_ratio(page)) < 0.1


def _enlarged(page: Image.Image, factor: float) -> Image.Image:
    """``page`` as a phone photo takes it: ``factor`` times larger, slightly blurred."""
    from PIL import ImageFilter

    size = (round(page.width * factor), round(page.height * factor))
    return page.resize(size, Image.Resampling.BICUBIC).filter(ImageFilter.GaussianBlur(0.6 * factor))


def test_tall_dot_print_is_told_apart_at_the_reference_text_height() -> None:
    # Text 20 px tall in the renders; enlarged 2.5 times the gaps between dots outgrow the 3x3 closing.
    dots_photo = _enlarged(dotted(render_receipt()), 2.5)
    assert ink_closing_ratio(dots_photo) < 1.2
    assert not is_dot_print(dots_photo)
    assert is_dot_print(dots_photo, text_height=50)
    assert not is_dot_print(_enlarged(render_receipt(), 2.5), text_height=50)


def test_small_text_is_measured_at_its_own_scale_only() -> None:
    solid = render_receipt()
    assert not is_dot_print(solid, text_height=20)
    assert is_dot_print(dotted(solid), text_height=20)


def test_the_closing_matches_pillows_max_then_min_filter() -> None:
    import numpy as np
    from PIL import ImageFilter

    from docflow.ocr.dots import closed_3x3

    rng = np.random.default_rng(7)
    masks = [rng.random((h, w)) < share for h, w, share in ((1, 1, 0.5), (2, 9, 0.4), (37, 23, 0.3))]
    masks.append(np.asarray(dotted(render_receipt())) < 128)
    for mask in masks:
        page = Image.fromarray(mask.astype(np.uint8) * 255)
        pillow = page.filter(ImageFilter.MaxFilter(3)).filter(ImageFilter.MinFilter(3))
        assert np.array_equal(closed_3x3(mask), np.asarray(pillow) == 255)
