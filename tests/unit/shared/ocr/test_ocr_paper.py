"""Cropping a photo to its receipt paper before OCR."""

from __future__ import annotations

import math

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFont

from docflow.ocr import PreprocessOptions, read_document
from docflow.ocr.paper import (
    clear_edge_bands,
    find_paper,
    longest_run,
    otsu_threshold,
    trace_paper_quad,
)
from docflow.ocr.prepare import prepare_for_ocr
from tests.support.ocr_corpus import MONO_FONT_PATH, encode, render_receipt

PAPER = (120, 90, 620, 900)


def photo_of(
    paper: Image.Image, *, size: tuple[int, int] = (760, 1000), at: tuple[int, int] = PAPER[:2]
) -> Image.Image:
    """``paper`` lying on a dark grey table."""
    photo = Image.new("L", size, 90)
    photo.paste(paper, at)
    return photo


def blank_paper() -> Image.Image:
    return Image.new("L", (PAPER[2] - PAPER[0], PAPER[3] - PAPER[1]), 240)


def test_given_bimodal_histogram_when_thresholded_then_level_separates_the_modes() -> None:
    histogram = [0] * 256
    histogram[50], histogram[200] = 1000, 3000
    assert 50 <= otsu_threshold(histogram) < 200


def test_given_paper_on_dark_table_when_searched_then_box_is_the_paper_without_the_table() -> None:
    box = find_paper(photo_of(blank_paper()))
    assert box is not None
    x0, y0, x1, y1 = box
    # Inside the paper (no table left), and at most ~2 % of the side short of each edge.
    assert PAPER[0] <= x0 <= PAPER[0] + 16
    assert PAPER[1] <= y0 <= PAPER[1] + 20
    assert PAPER[2] - 16 <= x1 <= PAPER[2]
    assert PAPER[3] - 20 <= y1 <= PAPER[3]


def test_given_a_long_receipt_photographed_from_afar_when_searched_then_its_box_is_found() -> None:
    # 150 x 560 pixels of a 760 x 1000 frame: 11 % of it.
    box = find_paper(photo_of(Image.new("L", (150, 560), 240), at=(300, 200)))
    assert box is not None
    x0, y0, x1, y1 = box
    assert 300 <= x0 <= 316
    assert 200 <= y0 <= 220
    assert 434 <= x1 <= 450
    assert 740 <= y1 <= 760


@pytest.mark.parametrize(
    "image",
    [
        pytest.param(render_receipt(), id="scan filling the frame"),
        pytest.param(Image.new("L", (600, 800), 128), id="flat grey"),
        pytest.param(photo_of(Image.new("L", (60, 60), 250)), id="small bright spot"),
    ],
)
def test_given_no_paper_on_a_background_when_searched_then_image_is_kept_whole(image: Image.Image) -> None:
    assert find_paper(image) is None


def test_given_photo_when_prepared_then_offset_maps_boxes_back_to_the_page() -> None:
    prepared = prepare_for_ocr(photo_of(blank_paper()))
    box = find_paper(photo_of(blank_paper()))
    assert box is not None
    assert prepared.offset == box[:2]
    assert prepared.to_page((0, 0, prepared.image.width, prepared.image.height)) == pytest.approx(box, abs=2)
    assert prepare_for_ocr(photo_of(blank_paper()), PreprocessOptions(crop_to_paper=False)).offset == (0, 0)


def receipt_with_amount_column() -> Image.Image:
    """Labels on the left, amounts right-aligned far away: the layout Tesseract drops in photos."""
    font = ImageFont.truetype(MONO_FONT_PATH, 24)
    paper = blank_paper()
    draw = ImageDraw.Draw(paper)
    rows = [
        ("KAHVILA MUSTA OY", ""),
        ("Y-tunnus 1234567-1", ""),
        ("", ""),
        ("KAHVI", "3,90"),
        ("PULLA", "2,80"),
        ("------------", ""),
        ("YHTEENSA", "6,70"),
        ("", ""),
        ("KORTTI", "6,70"),
    ]
    for row, (left, right) in enumerate(rows):
        y = 40 + row * 40
        draw.text((30, y), left, font=font, fill=20)
        if right:
            draw.text((paper.width - 30 - draw.textlength(right, font=font), y), right, font=font, fill=20)
    return paper


@pytest.mark.ocr
def test_given_receipt_photo_when_read_then_right_aligned_amounts_are_kept() -> None:
    data = encode(photo_of(receipt_with_amount_column()), "PNG")
    lines = [line.text for line in read_document(data, declared_type="image/png").lines]
    assert any("YHTEENS" in text and "6,70" in text for text in lines), lines
    assert any("KORTTI" in text and "6,70" in text for text in lines), lines


def page_with_edge_band(*, band_x: int, band_height_share: float) -> Image.Image:
    """A white page with a printed amount column and a dark vertical band ``band_x`` px from the left."""
    page = Image.new("L", (600, 800), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(MONO_FONT_PATH, 26)
    for row in range(12):
        draw.text((40, 60 + row * 50), "MAKSETTAVA", fill=0, font=font)
        draw.text((430, 60 + row * 50), "46,84", fill=0, font=font)
    top = int(800 * (1 - band_height_share) / 2)
    draw.rectangle((band_x, top, band_x + 24, 800 - top), fill=60)
    return page


def test_given_dark_band_along_the_frame_when_cleared_then_band_is_white_and_text_kept() -> None:
    page = page_with_edge_band(band_x=560, band_height_share=0.9)
    cleared = clear_edge_bands(page)
    assert cleared.crop((560, 100, 585, 700)).getextrema() == (255, 255)
    # Printed text, column and all, is untouched.
    assert cleared.crop((0, 0, 550, 800)).tobytes() == page.crop((0, 0, 550, 800)).tobytes()


@pytest.mark.parametrize(
    ("band_x", "share"),
    [(300, 0.9), (560, 0.3)],
    ids=["band in the middle of the page", "short band at the frame"],
)
def test_given_no_edge_band_when_cleared_then_page_is_returned_unchanged(band_x: int, share: float) -> None:
    page = page_with_edge_band(band_x=band_x, band_height_share=share)
    assert clear_edge_bands(page) is page


def test_given_printed_text_up_to_the_frame_when_cleared_then_nothing_is_whitened() -> None:
    page = Image.new("L", (400, 300), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(MONO_FONT_PATH, 30)
    for row in range(8):
        draw.text((0, row * 36), "8888888888888888", fill=0, font=font)
    assert clear_edge_bands(page) is page


def test_given_photo_with_paper_edge_shadow_when_prepared_then_no_band_reaches_tesseract() -> None:
    """Tesseract drops an amount column standing beside such a band as part of a picture."""
    paper = page_with_edge_band(band_x=560, band_height_share=0.95).resize((500, 810))
    photo = photo_of(paper)

    def darkest_run(options: PreprocessOptions) -> int:
        import numpy as np

        dark = np.asarray(prepare_for_ocr(photo, options).image) < 160
        return max(longest_run(dark[:, x]) for x in range(dark.shape[1]))

    # (The traced outline alone also leaves the band out: compared without it.)
    assert darkest_run(PreprocessOptions(clear_edges=False, trace_paper=False)) > 400
    assert darkest_run(PreprocessOptions()) < 100


TRACE_CORNERS = ((230.0, 160.0), (760.0, 210.0), (700.0, 1180.0), (150.0, 1130.0))
#: A box in the middle of the text of the paper on :data:`TRACE_CORNERS`.
TEXT_MIDDLE = (380, 550, 560, 750)


def traced_photo(
    *, neighbour: bool = False, shadow_at: int | None = None, hidden_rows: tuple[int, int] | None = None
) -> Image.Image:
    """A receipt warped onto :data:`TRACE_CORNERS` of a grey table; ``neighbour`` lays another bright
    paper against its left side, ``shadow_at`` darkens the photo right of that column, softly;
    ``hidden_rows`` lays a paper a little brighter than the receipt over its left edge between
    those rows (no step down from the receipt to the table there)."""
    from PIL import ImageFilter

    from docflow.ocr.geometry import homography, pillow_coefficients

    text = render_receipt(
        ["KAUPPA OY", "", "Maito 1,20", "", "Leipa 2,40", "", "YHTEENSA 3,60", ""] * 3, size=14
    )
    paper = Image.new("L", (text.width + 120, text.height + 200), 255)
    paper.paste(text, (60, 100))
    paper = paper.point(lambda value: 60 + value * 140 // 255)
    rectangle = ((0.0, 0.0), (paper.width, 0.0), (paper.width, paper.height), (0.0, paper.height))
    coefficients = pillow_coefficients(homography(TRACE_CORNERS, rectangle))
    size = (900, 1300)
    table = Image.new("L", size, 120)
    if neighbour:
        ImageDraw.Draw(table).rectangle((0, 300, 200, 650), fill=215)
    if hidden_rows is not None:
        ImageDraw.Draw(table).rectangle((0, hidden_rows[0], 330, hidden_rows[1]), fill=215)
    warped = paper.transform(size, Image.Transform.PERSPECTIVE, coefficients, Image.Resampling.BICUBIC)
    mask = Image.new("L", paper.size, 255).transform(size, Image.Transform.PERSPECTIVE, coefficients)
    photo = Image.composite(warped, table, mask).filter(ImageFilter.GaussianBlur(1.5))
    if shadow_at is not None:
        light = Image.new("L", size, 255)
        ImageDraw.Draw(light).rectangle((shadow_at, 0, size[0], size[1]), fill=150)
        light = light.filter(ImageFilter.GaussianBlur(30))
        photo = ImageChops.multiply(photo, light)
    return photo


@pytest.mark.parametrize(("neighbour", "shadow_at"), [(False, None), (True, None), (True, 600)])
def test_given_paper_in_perspective_when_traced_from_its_text_then_its_corners_are_found(
    neighbour: bool, shadow_at: int | None
) -> None:
    quad = trace_paper_quad(traced_photo(neighbour=neighbour, shadow_at=shadow_at), TEXT_MIDDLE)
    assert quad is not None
    for found, true in zip(quad, TRACE_CORNERS, strict=True):
        assert math.dist(found, true) < 15


#: A box around most of the text of the paper on :data:`TRACE_CORNERS`.
TEXT_SPREAD = (260, 300, 660, 1000)


def test_given_edge_hidden_beside_the_text_middle_when_traced_along_the_text_then_corners_are_found() -> None:
    # The left edge is hidden over the rows of the text's middle (and some way beyond): traced
    # only there it tells no line, traced along most of the text the rest of it shows.
    photo = traced_photo(hidden_rows=(420, 880))
    assert trace_paper_quad(photo, TEXT_MIDDLE) is None
    quad = trace_paper_quad(photo, TEXT_MIDDLE, TEXT_SPREAD)
    assert quad is not None
    for found, true in zip(quad, TRACE_CORNERS, strict=True):
        assert math.dist(found, true) < 15


def test_given_text_without_a_paper_edge_when_traced_then_no_quad() -> None:
    page = render_receipt(["KAUPPA OY", "Maito 1,20", "YHTEENSA 3,60"] * 10, size=28)
    middle = (page.width // 3, page.height // 3, 2 * page.width // 3, 2 * page.height // 3)
    assert trace_paper_quad(page, middle) is None
