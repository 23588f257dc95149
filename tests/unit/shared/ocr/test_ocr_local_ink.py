"""Faint print on a photo: ink judged against the paper beside it, skew from the text's ink, the text
cluster kept whole, and the page divided by the paper's brightness beside each stroke before reading."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFilter

from docflow.ocr.light import paper_relative, window_max
from docflow.ocr.photo import _Analysis, _skew
from docflow.ocr.prepare import prepare_for_ocr
from docflow.ocr.preprocess import PreprocessOptions
from docflow.ocr.text_region import (
    BLOCK,
    background_ratio,
    filled_cluster,
    ink_from_ratio,
    local_ink,
    text_blocks,
)
from tests.support.ocr_corpus import RECEIPT_LINES, render_receipt

TABLE = (1200, 1500)
#: Where the receipt lies on the table (left, top).
AT = (350, 150)
#: The paper's outline is not used, as when it does not stand out from the table: the text decides.
NO_OUTLINE = PreprocessOptions(straighten_paper=False, crop_to_paper=False)


def receipt() -> Image.Image:
    return render_receipt((*RECEIPT_LINES, *RECEIPT_LINES), size=26)


def faint(paper: Image.Image) -> Image.Image:
    """Low-contrast, blurred print: ink lifted to 150, paper lowered to 200, a blur of 1.2 px."""
    return paper.point(lambda value: 150 + value * 50 // 255).filter(ImageFilter.GaussianBlur(1.2))


def on_table(paper: Image.Image, degrees: float = 0.0, *, grain: bool = False) -> Image.Image:
    """``paper`` (turned counter-clockwise by ``degrees``) on a darker table, with wood grain or plain."""
    table = Image.new("L", TABLE, 150 if grain else 110)
    if grain:
        draw = ImageDraw.Draw(table)
        for y in range(0, TABLE[1], 9):
            draw.line((0, y, TABLE[0], y + 2), fill=80, width=3)
    turned = paper.rotate(degrees, Image.Resampling.BICUBIC, expand=True, fillcolor=0)
    mask = Image.new("L", paper.size, 255).rotate(degrees, expand=True, fillcolor=0)
    table.paste(turned, AT, mask)
    return table


def _regions(paper: Image.Image) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The printed pixels, the table away from the paper and a 20 px band of table around it."""
    x0, y0, x1, y1 = AT[0], AT[1], AT[0] + paper.width, AT[1] + paper.height
    printed = np.zeros((TABLE[1], TABLE[0]), dtype=bool)
    printed[y0:y1, x0:x1] = np.asarray(paper) < 128
    around = np.zeros_like(printed)
    around[y0 - 20 : y1 + 20, x0 - 20 : x1 + 20] = True
    band = around.copy()
    band[y0:y1, x0:x1] = False
    return printed, ~around, band


def test_window_max_is_the_brightest_pixel_of_each_window() -> None:
    pixels = np.random.default_rng(7).integers(0, 256, (23, 31)).astype(np.uint8)
    found = window_max(pixels, 5)
    padded = np.pad(pixels, 2, mode="edge")
    expected = np.array([[padded[y : y + 5, x : x + 5].max() for x in range(31)] for y in range(23)])
    assert np.array_equal(found, expected)


def test_given_faint_print_on_darker_table_when_local_ink_then_print_is_ink_and_table_is_not() -> None:
    paper = receipt()
    photo = on_table(faint(paper))
    printed, table, band = _regions(paper)
    ink = local_ink(photo)
    assert (ink & printed).sum() / printed.sum() > 0.7
    assert ink[table].mean() == 0.0
    assert ink[band].mean() < 0.4
    # Against a page-wide background the table beside the paper is all ink.
    assert ink_from_ratio(background_ratio(photo))[band].mean() > 0.9


def test_given_noise_on_a_dark_object_when_local_ink_then_hardly_any_ink() -> None:
    noise = np.random.default_rng(1).integers(-8, 9, (300, 300))
    dark = Image.fromarray((30 + noise).astype(np.uint8))
    assert local_ink(dark).mean() < 0.05


def test_given_faint_print_on_grained_table_when_blocks_judged_on_local_ink_then_text_blocks_found() -> None:
    paper = receipt()
    blocks = text_blocks(local_ink(on_table(faint(paper), grain=True)))
    x0, y0 = AT[0] // BLOCK + 1, AT[1] // BLOCK + 1
    x1, y1 = (AT[0] + paper.width) // BLOCK - 1, (AT[1] + paper.height) // BLOCK - 1
    assert blocks[y0:y1, x0:x1].sum() >= 20


def test_given_cluster_with_gaps_when_filled_then_its_outline_is_kept_and_other_blocks_are_not() -> None:
    cluster = np.zeros((12, 12), dtype=bool)
    cluster[3, 2] = cluster[3, 8] = True  # a label and its amount
    cluster[7, 2:9] = True  # a line below a blank line
    filled = filled_cluster(cluster)
    assert filled[3, 2:9].all()  # between label and amount
    assert filled[5, 2:9].all()  # the blank line
    assert filled[2:9, 1:10].all()  # grown by one block
    assert not filled[10:, :].any()
    assert not filled[:, 11].any()


def _tilted_lines(degrees: float) -> np.ndarray:
    """Dotted text lines rising by ``degrees`` to the right, as an ink mask."""
    image = Image.new("L", (600, 400), 0)
    draw = ImageDraw.Draw(image)
    for y in range(40, 380, 24):
        for x in range(20, 580, 9):
            draw.rectangle((x, y, x + 5, y + 6), fill=255)
    return np.asarray(image.rotate(degrees, fillcolor=0)) > 0


def test_given_strokes_tell_no_angle_when_skew_taken_then_from_the_ink_of_the_text_blocks() -> None:
    strokes = np.zeros((400, 600), dtype=bool)
    strokes[::37, ::53] = True  # a few scattered specks: no lines to tell an angle
    analysis = _Analysis(Image.new("L", (600, 400), 255), strokes=strokes, text_ink=_tilted_lines(5.0))
    assert _skew(analysis, analysis.flat, False, PreprocessOptions()) == pytest.approx(-5.0, abs=0.5)
    assert _skew(analysis, analysis.flat, False, PreprocessOptions(skew_from_text_ink=False)) == 0.0


def test_given_tilted_faint_print_on_grained_table_when_prepared_then_levelled() -> None:
    photo = on_table(faint(receipt()), 6.0, grain=True)
    assert prepare_for_ocr(photo, NO_OUTLINE).skew == pytest.approx(-6.0, abs=0.7)


def shadowed_faint(paper: Image.Image) -> Image.Image:
    """Faint print with the right half in a shadow 45 % darker."""
    shade = Image.new("L", paper.size, 255)
    ImageDraw.Draw(shade).rectangle((paper.width // 2, 0, paper.width * 2, paper.height * 2), fill=140)
    shade = shade.filter(ImageFilter.GaussianBlur(20))
    return ImageChops.multiply(faint(paper), shade)


def test_given_shadowed_faint_print_when_paper_relative_then_paper_white_and_print_dark_on_both_sides() -> (
    None
):
    paper = receipt()
    page = np.asarray(paper_relative(shadowed_faint(paper)))
    printed = np.asarray(paper) < 100
    blank = np.asarray(paper.filter(ImageFilter.MinFilter(9))) > 250
    half = paper.width // 2
    papers, prints = [], []
    for side in (slice(0, half - 40), slice(half + 40, paper.width)):
        papers.append(float(np.median(page[:, side][blank[:, side]])))
        prints.append(float(np.median(page[:, side][printed[:, side]])))
    assert min(papers) >= 240
    # One threshold now tells print from paper on both sides of the shadow's edge.
    assert max(prints) < min(papers) - 50
    shadowed = np.asarray(shadowed_faint(paper))
    assert np.median(shadowed[:, half + 40 :][blank[:, half + 40 :]]) < np.median(
        shadowed[:, : half - 40][printed[:, : half - 40]]
    )


def test_given_paper_relative_off_when_photo_prepared_then_not_applied_and_scans_never() -> None:
    photo = on_table(shadowed_faint(receipt()))
    on = prepare_for_ocr(photo, NO_OUTLINE).image
    off = prepare_for_ocr(photo, replace(NO_OUTLINE, paper_relative=False)).image
    assert ImageChops.difference(on, off).getbbox() is not None
    scan = receipt()
    plain = prepare_for_ocr(scan).image
    assert (
        ImageChops.difference(
            plain, prepare_for_ocr(scan, PreprocessOptions(paper_relative=False)).image
        ).getbbox()
        is None
    )


def test_given_blank_paper_on_table_when_local_ink_then_its_edges_are_not_ink_nor_text() -> None:
    photo = Image.new("L", (760, 1000), 90)
    photo.paste(240, (120, 90, 620, 900))
    ink = local_ink(photo)
    # Beside the paper's left and right edges: no ink (only its top and bottom edges, level lines).
    assert not ink[100:890, 100:140].any()
    assert not ink[100:890, 600:640].any()
    assert not text_blocks(ink).any()
