"""Finding the text of a photo among clutter: text blocks, stroke skew, clutter masked, text height."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFilter

from docflow.ocr.prepare import prepare_for_ocr
from docflow.ocr.preprocess import PreprocessOptions, estimate_text_height
from docflow.ocr.skew import estimate_skew, estimate_skew_of_ink
from docflow.ocr.text_region import (
    BLOCK,
    background_ratio,
    ink_from_ratio,
    share_inside,
    text_blocks,
    text_cluster,
    upright_strokes,
)
from tests.support.ocr_corpus import RECEIPT_LINES, render_receipt

TABLE = (1200, 1500)
#: Where the receipt lies on the table (left, top).
AT = (350, 150)


def receipt() -> Image.Image:
    return render_receipt((*RECEIPT_LINES, *RECEIPT_LINES), size=26)


def grained_table() -> Image.Image:
    """A table with dark horizontal wood grain every few pixels (level, unlike the text below)."""
    table = Image.new("L", TABLE, 150)
    draw = ImageDraw.Draw(table)
    for y in range(0, TABLE[1], 9):
        draw.line((0, y, TABLE[0], y + 2), fill=80, width=3)
    return table


def on_grained_table(paper: Image.Image, degrees: float = 0.0) -> Image.Image:
    """``paper`` (turned counter-clockwise by ``degrees``) lying on :func:`grained_table`."""
    table = grained_table()
    turned = paper.rotate(degrees, Image.Resampling.BICUBIC, expand=True, fillcolor=0)
    mask = Image.new("L", paper.size, 255).rotate(degrees, expand=True, fillcolor=0)
    table.paste(turned, AT, mask)
    return table


def shadowed_low_contrast(image: Image.Image) -> Image.Image:
    """Ink lifted to 90, paper lowered to 200, and the right half in a soft shadow 45 % darker."""
    faded = image.point(lambda value: 90 + value * 110 // 255)
    shade = Image.new("L", image.size, 255)
    ImageDraw.Draw(shade).rectangle((image.width // 2, 0, image.width * 2, image.height * 2), fill=140)
    shade = shade.filter(ImageFilter.GaussianBlur(40))
    return Image.fromarray((np.asarray(faded, dtype=np.uint16) * np.asarray(shade) // 255).astype(np.uint8))


def test_given_shadow_and_low_contrast_when_ink_found_then_text_is_ink_and_paper_is_not() -> None:
    page = shadowed_low_contrast(receipt())
    ink = ink_from_ratio(background_ratio(page))
    truth = np.asarray(receipt()) < 128
    half = page.width // 2
    for side in (slice(0, half), slice(half, page.width)):
        found, wanted = ink[:, side], truth[:, side]
        assert (found & wanted).sum() / wanted.sum() > 0.6
        assert (found & ~wanted).sum() / (~wanted).sum() < 0.03


def test_given_receipt_on_grained_table_when_blocks_judged_then_text_is_found_and_the_grain_is_not() -> None:
    photo = on_grained_table(receipt())
    blocks = text_blocks(ink_from_ratio(background_ratio(photo)))
    paper = receipt()
    inside = np.zeros_like(blocks)
    x0, y0 = AT[0] // BLOCK + 1, AT[1] // BLOCK + 1
    x1, y1 = (AT[0] + paper.width) // BLOCK - 1, (AT[1] + paper.height) // BLOCK - 1
    inside[y0:y1, x0:x1] = True
    assert blocks[inside].sum() >= 8
    # Away from the paper (two blocks beyond its edge) only grain: no text blocks there.
    outside = np.ones_like(blocks)
    outside[max(0, y0 - 3) : y1 + 3, max(0, x0 - 3) : x1 + 3] = False
    assert blocks[outside].sum() == 0


def test_given_level_strokes_only_when_thin_flat_lines_then_no_strokes() -> None:
    ink = np.zeros((60, 60), dtype=bool)
    ink[10:13, :] = True  # a ruled line 3 px thick
    ink[30:45, 20:23] = True  # a character's stem 15 px tall
    strokes = upright_strokes(ink, length=6)
    assert not strokes[10:13].any()
    assert strokes[30:40, 20:23].all()


def test_given_tilted_receipt_on_grained_table_when_estimated_from_strokes_then_the_texts_angle() -> None:
    photo = on_grained_table(receipt(), degrees=6.0)
    ink = ink_from_ratio(background_ratio(photo))
    # On all the ink the level grain wins; on the strokes of the text the text's tilt does.
    assert estimate_skew(photo) != pytest.approx(-6.0, abs=1.0)
    assert estimate_skew_of_ink(upright_strokes(ink)) == pytest.approx(-6.0, abs=0.7)


#: The paper's outline is not used, as when it does not stand out from the table: the text decides.
NO_OUTLINE = PreprocessOptions(straighten_paper=False, crop_to_paper=False)


def test_given_tilted_receipt_on_grained_table_when_prepared_then_levelled_and_grain_masked_white() -> None:
    photo = on_grained_table(receipt(), degrees=6.0)
    prepared = prepare_for_ocr(photo, NO_OUTLINE)
    assert prepared.skew == pytest.approx(-6.0, abs=0.7)
    pixels = np.asarray(prepared.image)
    # The top rows of the prepared page are table: masked white, no grain left for Tesseract.
    top = pixels[: AT[1] // 2]
    assert (top < 200).mean() < 0.005
    unmasked = prepare_for_ocr(photo, replace(NO_OUTLINE, mask_clutter=False))
    assert (np.asarray(unmasked.image)[: AT[1] // 2] < 200).mean() > 0.03


def test_given_find_text_off_when_prepared_on_grained_table_then_the_grain_decides_the_skew() -> None:
    photo = on_grained_table(receipt(), degrees=6.0)
    assert prepare_for_ocr(photo, replace(NO_OUTLINE, find_text=False)).skew != pytest.approx(-6.0, abs=1.0)


def test_given_scan_when_prepared_then_no_text_search_and_no_mask() -> None:
    scan = receipt()
    prepared = prepare_for_ocr(scan).image
    without = prepare_for_ocr(scan, PreprocessOptions(find_text=False)).image
    assert prepared.size == without.size
    assert ImageChops.difference(prepared, without).getbbox() is None


def test_given_cluster_and_outlines_when_checked_then_share_inside_counts_block_centres() -> None:
    cluster = np.zeros((10, 10), dtype=bool)
    cluster[2:5, 2:5] = True
    around = ((0.0, 0.0), (10.0 * BLOCK, 0.0), (10.0 * BLOCK, 10.0 * BLOCK), (0.0, 10.0 * BLOCK))
    elsewhere = (
        (7.0 * BLOCK, 7.0 * BLOCK),
        (10.0 * BLOCK, 7.0 * BLOCK),
        (10.0 * BLOCK, 10.0 * BLOCK),
        (7.0 * BLOCK, 10.0 * BLOCK),
    )
    assert share_inside(cluster, around) == 1.0
    assert share_inside(cluster, elsewhere) == 0.0


def test_given_too_few_text_blocks_when_clustered_then_none() -> None:
    blocks = np.zeros((10, 10), dtype=bool)
    blocks[1, 1] = blocks[8, 8] = True
    assert text_cluster(blocks) is None


def test_given_slightly_tilted_lines_when_text_height_estimated_then_strips_keep_lines_apart() -> None:
    page = receipt()
    level = estimate_text_height(page)
    assert level is not None
    tilted = page.rotate(2.5, Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    estimate = estimate_text_height(tilted)
    # Across the whole width a 2.5 degree tilt merges the lines into runs several times as tall.
    assert estimate is not None
    assert estimate <= level * 1.6


def test_given_cluster_with_grain_along_one_side_when_its_core_is_taken_then_core_lies_in_the_text() -> None:
    from docflow.ocr.text_region import BLOCK, core_box

    cluster = np.zeros((40, 30), dtype=bool)
    cluster[5:35, 10:20] = True  # the receipt's text
    cluster[0:40, 0:3] = True  # grain or other print the cluster took in beside it
    x0, y0, x1, y1 = core_box(cluster)
    assert 10 * BLOCK <= x0 < x1 <= 20 * BLOCK
    assert 5 * BLOCK <= y0 < y1 <= 35 * BLOCK


def test_given_cluster_with_stray_blocks_when_spread_is_taken_then_most_of_the_text_and_no_stray() -> None:
    from docflow.ocr.text_region import BLOCK, SPREAD_PERCENTILES, core_box

    cluster = np.zeros((40, 30), dtype=bool)
    cluster[5:35, 10:20] = True  # the receipt's text
    cluster[38:40, 27:30] = True  # print beside the paper the cluster took in
    x0, y0, x1, y1 = core_box(cluster, SPREAD_PERCENTILES)
    assert 10 * BLOCK <= x0 <= 11 * BLOCK
    assert 19 * BLOCK <= x1 <= 20 * BLOCK
    assert 5 * BLOCK <= y0 <= 9 * BLOCK
    assert 31 * BLOCK <= y1 <= 35 * BLOCK
    mx0, my0, mx1, my1 = core_box(cluster)
    assert x0 < mx0
    assert y0 < my0
    assert mx1 < x1
    assert my1 < y1


def test_given_level_edges_among_the_strokes_when_skew_taken_then_the_text_line_blocks_decide() -> None:
    from docflow.ocr.photo import _Analysis, _skew

    photo = on_grained_table(receipt(), degrees=6.0)
    text = upright_strokes(ink_from_ratio(background_ratio(photo)))
    # Shadow and object edges crossing the table: each row of them starts an upright run, all level.
    edges = np.zeros_like(text)
    edges[::12, :] = True
    strokes = text | edges
    options = PreprocessOptions()
    blank = Image.new("L", photo.size, 255)
    assert _skew(_Analysis(blank, strokes=strokes), blank, False, options) == pytest.approx(0.0, abs=0.3)
    taken = _skew(_Analysis(blank, strokes=strokes, line_strokes=text), blank, False, options)
    assert taken == pytest.approx(-6.0, abs=0.7)
