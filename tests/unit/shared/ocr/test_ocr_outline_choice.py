"""Which paper outline a photo is straightened by: text lines, not the edges of clutter, decide; and how
far a straightened paper is levelled."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageDraw

from docflow.ocr import photo
from docflow.ocr.geometry import Quad
from docflow.ocr.preprocess import PreprocessOptions
from docflow.ocr.text_region import BLOCK, crossed_blocks, local_ink, share_inside, text_blocks
from tests.support.ocr_corpus import RECEIPT_LINES, render_receipt


def _box(x0: float, y0: float, x1: float, y1: float) -> Quad:
    return ((x0, y0), (x1, y0), (x1, y1), (x0, y1))


def test_given_text_when_rows_judged_then_its_blocks_cross_several_strokes() -> None:
    page = render_receipt(RECEIPT_LINES, size=14)
    ink = local_ink(page)
    text = text_blocks(ink)
    crossed = crossed_blocks(ink)
    assert text.sum() >= 10
    # Nearly every block with characters has rows crossing several strokes side by side.
    assert (text & crossed).sum() >= 0.8 * text.sum()


@pytest.mark.parametrize("degrees", [6.0, 20.0, 45.0])
def test_given_an_edge_when_rows_judged_then_no_block_crosses_several_strokes(degrees: float) -> None:
    # A dark object's edge on a table, tilted (upright, it is no ink at all: taller than any
    # character): each row crosses it once, whatever its angle.
    table = Image.new("L", (480, 480), 170)
    ImageDraw.Draw(table).rectangle((240, -400, 900, 900), fill=40)
    table = table.rotate(degrees, Image.Resampling.BICUBIC, fillcolor=170)
    ink = local_ink(table)
    assert ink.any()
    assert not crossed_blocks(ink).any()


def test_given_wood_grain_when_rows_judged_then_no_block_crosses_several_strokes() -> None:
    table = Image.new("L", (480, 480), 150)
    draw = ImageDraw.Draw(table)
    for y in range(0, 480, 9):
        draw.line((0, y, 480, y + 2), fill=80, width=3)
    assert not crossed_blocks(local_ink(table)).any()


def test_given_tiny_ink_when_rows_judged_then_no_blocks() -> None:
    assert crossed_blocks(np.ones((10, 10), dtype=bool)).shape == (0, 0)


def test_given_quadrilateral_when_measured_then_area_by_shoelace() -> None:
    assert photo._area(_box(0, 0, 4, 3)) == 12
    assert photo._area(((0, 0), (4, 0), (4, 4), (2, 6))) == pytest.approx(16.0)


def _cluster(x0: int, y0: int, x1: int, y1: int, size: int = 40) -> Any:
    """Blocks ``x0..x1`` by ``y0..y1`` (block units) set in a ``size`` x ``size`` grid."""
    cluster = np.zeros((size, size), dtype=bool)
    cluster[y0:y1, x0:x1] = True
    return cluster


def _offer(monkeypatch: pytest.MonkeyPatch, *outlines: tuple[Quad, float | None]) -> None:
    def fake(work: Any, options: Any, cluster: Any) -> Iterator[tuple[Quad, float | None]]:
        yield from outlines

    monkeypatch.setattr(photo, "_outlines", fake)


def _chosen(cluster: Any, lines: Any = None) -> Quad | None:
    return next(photo._held_outlines(WORK, 1, OPTIONS, cluster, lines), None)


WORK = Image.new("L", (40 * BLOCK, 40 * BLOCK), 128)
OPTIONS = PreprocessOptions()
#: The text: blocks 10..20 across, 5..30 down.
TEXT = _cluster(10, 5, 20, 30)
#: An object's edges far beside the receipt, taken into the text cluster.
EDGES = _cluster(30, 5, 32, 30)
#: The receipt's own outline, a little beyond its text.
RECEIPT = _box(8 * BLOCK, 3 * BLOCK, 22 * BLOCK, 32 * BLOCK)
#: A bright region that took in the table beside the receipt: holds the text as well, not the edges.
WIDE = _box(0, 0, 28 * BLOCK, 36 * BLOCK)


def test_given_outlines_holding_the_cluster_when_chosen_then_the_first_in_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _offer(monkeypatch, (RECEIPT, None), (WIDE, photo.TRACED_TEXT_INSIDE))
    assert list(photo._held_outlines(WORK, 1, OPTIONS, TEXT)) == [RECEIPT, WIDE]
    assert list(photo._held_outlines(WORK, 1, OPTIONS, TEXT | EDGES)) == [WIDE]


def test_given_cluster_with_edges_outside_when_its_text_lines_hold_inside_then_the_outline_is_trusted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _offer(monkeypatch, (RECEIPT, None))
    assert _chosen(TEXT | EDGES) is None
    assert _chosen(TEXT | EDGES, TEXT) == RECEIPT


def test_given_an_outline_holding_the_cluster_when_chosen_then_it_goes_before_one_holding_the_lines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The bright region holds only the lines; the traced outline holds the whole cluster.
    _offer(monkeypatch, (RECEIPT, None), (WIDE, photo.TRACED_TEXT_INSIDE))
    assert list(photo._held_outlines(WORK, 1, OPTIONS, TEXT | EDGES, TEXT)) == [WIDE, RECEIPT]


def test_given_text_lines_outside_too_when_checked_then_the_outline_is_not_trusted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    other = _cluster(30, 5, 38, 30)
    _offer(monkeypatch, (RECEIPT, None))
    assert _chosen(TEXT | other, TEXT | other) is None


def test_given_lines_filling_little_of_a_bright_region_when_checked_then_it_is_not_trusted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Most of the lines (10 x 20 blocks) fill a fifth of the wide region (28 x 36): it took in the
    # table beside the paper. Lines spread over much of an outline make it trusted.
    _offer(monkeypatch, (WIDE, None))
    assert _chosen(TEXT | EDGES, TEXT) is None
    assert _chosen(TEXT | EDGES, _cluster(1, 5, 27, 30)) == WIDE


def test_given_trust_text_lines_off_when_prepared_then_no_line_cluster_is_made() -> None:
    page = render_receipt(RECEIPT_LINES, size=14)
    table = Image.new("L", (page.width + 400, page.height + 400), 90)
    table.paste(page, (200, 200))
    on = photo._analyse(table, OPTIONS)
    off = photo._analyse(table, PreprocessOptions(trust_text_lines=False))
    assert on.lines is not None
    assert off.lines is None


def test_given_outline_cutting_through_the_text_lines_when_checked_then_not_trusted_for_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The first column of the text lies just outside: the grown outline would hold the cluster's
    # 90 %, but the lines must lie inside nearly all.
    cutting = _box(11 * BLOCK, 3 * BLOCK, 22 * BLOCK, 32 * BLOCK)
    _offer(monkeypatch, (cutting, None))
    assert photo._trusted(cutting, TEXT, 1)
    assert _chosen(TEXT | EDGES, TEXT) is None


def _tilted_page(degrees: float) -> Image.Image:
    page = render_receipt((*RECEIPT_LINES, *RECEIPT_LINES), size=20)
    return page.rotate(degrees, Image.Resampling.BICUBIC, expand=True, fillcolor=255)


def test_given_straightened_paper_when_skew_estimated_then_at_most_a_few_degrees() -> None:
    page = _tilted_page(13.0)
    analysis = photo._Analysis(page)
    free = photo._skew(analysis, page, True, OPTIONS)
    capped = photo._skew(analysis, page, True, OPTIONS, straightened=True)
    assert free == pytest.approx(-13.0, abs=0.7)
    assert abs(capped) <= photo.MAX_STRAIGHTENED_SKEW


def test_given_straightened_paper_a_little_tilted_when_skew_estimated_then_levelled() -> None:
    page = _tilted_page(2.0)
    capped = photo._skew(photo._Analysis(page), page, True, OPTIONS, straightened=True)
    assert capped == pytest.approx(-2.0, abs=0.5)


def test_given_blocks_beside_an_outline_when_shared_then_the_growth_decides() -> None:
    beside = _cluster(22, 5, 23, 30)  # the column just right of the receipt's outline
    assert share_inside(beside, RECEIPT) == 1.0
    assert share_inside(beside, RECEIPT, grown_by=0.0) == 0.0
