"""Header rows with ink that the page reading left out are read again on their own."""

from __future__ import annotations

from PIL import Image, ImageDraw

from docflow.ocr import OcrTimeoutError, read_document
from docflow.ocr.gaps import (
    MAX_BANDS,
    MAX_LINE_BANDS,
    MIN_CONFIDENCE,
    MIN_LINE_CONFIDENCE,
    read_uncovered,
    uncovered_bands,
    uncovered_lines,
)
from docflow.ocr.layout import Fragment
from docflow.ocr.preprocess import PreprocessOptions
from tests.support.ocr_corpus import encode, render_receipt
from tests.unit.shared.ocr.fakes import RecordingEngine

TEXT_HEIGHT = 20


def _page(*rows: tuple[int, int], height: int = 1000) -> Image.Image:
    """A white page with a black bar across the middle for each (top, bottom) row range."""
    image = Image.new("L", (400, height), 255)
    draw = ImageDraw.Draw(image)
    for top, bottom in rows:
        draw.rectangle((40, top, 360, bottom - 1), fill=0)
    return image


def _fragment(top: int, bottom: int, text: str = "TEXT", confidence: float = 0.9) -> Fragment:
    return Fragment(text, confidence, (40, top, 360, bottom))


def test_given_a_tall_header_row_no_line_covers_when_searched_then_it_is_a_band() -> None:
    page = _page((50, 100), (120, 140))
    assert uncovered_bands(page, [_fragment(120, 140)], TEXT_HEIGHT) == [(50, 100)]


def test_given_every_ink_row_covered_when_searched_then_there_is_no_band() -> None:
    page = _page((50, 100), (120, 140))
    assert uncovered_bands(page, [_fragment(52, 98), _fragment(120, 140)], TEXT_HEIGHT) == []


def test_given_a_speck_or_a_rule_when_searched_then_it_is_no_band() -> None:
    page = _page((50, 60))
    assert uncovered_bands(page, [], TEXT_HEIGHT) == []


def test_given_uncovered_ink_below_the_header_when_searched_then_it_is_left_alone() -> None:
    page = _page((600, 660))
    assert uncovered_bands(page, [], TEXT_HEIGHT) == []


def test_given_many_uncovered_rows_when_searched_then_only_the_first_bands_are_read() -> None:
    page = _page(*((top, top + 30) for top in range(20, 340, 60)))
    bands = uncovered_bands(page, [], TEXT_HEIGHT)
    assert len(bands) == MAX_BANDS
    assert bands[0] == (20, 50)


def test_given_an_uncovered_band_when_read_then_its_confident_lines_join_in_page_rows() -> None:
    page = _page((50, 100), (120, 140))
    engine = RecordingEngine(
        [_fragment(10, 50, "POPULAR BOOK"), _fragment(0, 8, "~", confidence=MIN_CONFIDENCE - 0.1)]
    )
    read = read_uncovered(
        page, [_fragment(120, 140)], TEXT_HEIGHT, engine=engine, languages="eng", timeout_seconds=5
    )
    assert [fragment.text for fragment in read] == ["TEXT", "POPULAR BOOK"]
    # The band is cut with a margin of COVER_MARGIN text heights (6 px) above its first ink row.
    assert read[1].bbox == (40, 54, 360, 94)
    assert engine.images[0].size == (400, 62)


def test_given_a_covered_header_when_read_then_the_engine_is_not_called_again() -> None:
    page = _page((50, 100))
    engine = RecordingEngine([_fragment(0, 10, "X")])
    fragments = [_fragment(50, 100)]
    read = read_uncovered(page, fragments, TEXT_HEIGHT, engine=engine, languages="eng", timeout_seconds=5)
    assert read == fragments
    assert engine.images == []


def test_given_no_text_height_when_read_then_the_lines_median_height_is_used() -> None:
    page = _page((50, 100), (120, 140), (160, 180))
    engine = RecordingEngine([_fragment(5, 45, "BIG")])
    fragments = [_fragment(120, 140), _fragment(160, 180)]
    read = read_uncovered(page, fragments, None, engine=engine, languages="eng", timeout_seconds=5)
    assert [fragment.text for fragment in read] == ["TEXT", "TEXT", "BIG"]


class _TimingOutBands:
    """Reads the page (no line at all), then runs out of time on every band."""

    languages = "eng"

    def __init__(self) -> None:
        self.calls = 0

    def recognize(
        self, image: Image.Image, *, languages: str | None, timeout_seconds: float
    ) -> list[Fragment]:
        self.calls += 1
        if self.calls > 1:
            raise OcrTimeoutError("band timeout")
        return [Fragment("TOTAL 12,50", 0.9, (0, image.height - 30, image.width, image.height - 10))]


def _receipt_with_large_header() -> bytes:
    return encode(
        render_receipt(["BIG NAME", "x", "x", "x", "x", "x", "x", "x", "TOTAL 12,50"], size=40), "PNG"
    )


def test_given_a_band_that_runs_out_of_time_when_a_document_is_read_then_the_page_keeps_its_lines() -> None:
    engine = _TimingOutBands()
    result = read_document(_receipt_with_large_header(), filename="r.png", engine=engine)
    assert engine.calls == 2
    assert [line.text for line in result.lines] == ["TOTAL 12,50"]


def test_given_gap_reading_off_when_a_document_is_read_then_the_page_is_read_once() -> None:
    engine = RecordingEngine()
    read_document(
        _receipt_with_large_header(),
        filename="r.png",
        engine=engine,
        preprocess=PreprocessOptions(read_gaps=False),
    )
    assert len(engine.images) == 1


def _print_rows(image: Image.Image, top: int, bottom: int, *, stroke: int = 4, pitch: int = 12) -> None:
    """Vertical strokes across ``top..bottom``: ``stroke`` px of ink every ``pitch`` px (text-like at
    4 of 12, a barcode's bars at 9 of 12)."""
    draw = ImageDraw.Draw(image)
    for x in range(40, 360, pitch):
        draw.rectangle((x, top, x + stroke - 1, bottom - 1), fill=0)


def _body_page(*lines: tuple[int, int], barcode: tuple[int, int] | None = None) -> Image.Image:
    """A page whose sure lines (see :func:`_sure_lines`) print in the header, with more print rows
    below it and, optionally, a barcode."""
    image = Image.new("L", (400, 1000), 255)
    for top, bottom in [*((top, top + 20) for top in (40, 80, 120)), *lines]:
        _print_rows(image, top, bottom)
    if barcode is not None:
        _print_rows(image, *barcode, stroke=9)
    return image


def _sure_lines() -> list[Fragment]:
    return [_fragment(top, top + 20, "ITEM 1,00") for top in (40, 80, 120)]


def test_given_a_body_line_no_fragment_covers_when_searched_then_it_is_a_band_across_the_text_column() -> (
    None
):
    page = _body_page((500, 520), (600, 620))
    fragments = [*_sure_lines(), _fragment(600, 620)]
    # The column is the sure lines' span (40..360) widened by one text height (20 px).
    assert uncovered_lines(page, fragments) == [(20, 500, 380, 520)]


def test_given_a_line_under_a_read_row_whose_box_reaches_into_it_when_searched_then_it_is_a_band() -> None:
    # The read row's box runs 8 px below its print, into the line under it (526..542, 16 px).
    page = _body_page((500, 520), (526, 542))
    fragments = [*_sure_lines(), _fragment(500, 528)]
    assert uncovered_lines(page, fragments) == [(20, 530, 380, 542)]


def test_given_a_faint_line_whose_rows_break_between_stroke_ends_when_searched_then_it_is_one_band() -> None:
    # Two 5-row strips 4 blank rows apart: one line of thin print, 15 rows, not two specks.
    page = _body_page((600, 605), (609, 614))
    assert uncovered_lines(page, _sure_lines()) == [(20, 600, 380, 614)]


def test_given_two_lines_a_line_gap_apart_when_bridged_then_they_stay_two() -> None:
    page = _body_page((600, 612), (620, 632))
    assert uncovered_lines(page, _sure_lines()) == [(20, 600, 380, 612), (20, 620, 380, 632)]


def test_given_a_line_right_under_a_barcode_when_searched_then_the_barcode_rows_are_left_out() -> None:
    page = _body_page((700, 720), barcode=(600, 700))
    assert uncovered_lines(page, _sure_lines()) == [(20, 700, 380, 720)]


def test_given_a_speck_below_the_header_when_searched_then_it_is_no_line() -> None:
    page = _body_page((500, 508))
    assert uncovered_lines(page, _sure_lines()) == []


def test_given_no_sure_lines_when_searched_then_no_body_line_is_read() -> None:
    page = _body_page((500, 520))
    assert uncovered_lines(page, [_fragment(40, 60, confidence=0.5)]) == []


def test_given_many_left_out_lines_when_searched_then_only_the_first_are_read() -> None:
    page = _body_page(*((top, top + 20) for top in range(400, 900, 50)))
    boxes = uncovered_lines(page, _sure_lines())
    assert len(boxes) == MAX_LINE_BANDS
    assert boxes[0] == (20, 400, 380, 420)


def test_given_a_left_out_body_line_when_read_then_its_lines_join_from_the_lower_confidence() -> None:
    page = _body_page((500, 520))
    engine = RecordingEngine(
        [
            Fragment("02.03.20 15:59", MIN_LINE_CONFIDENCE, (10, 6, 200, 26)),
            Fragment("~~", MIN_LINE_CONFIDENCE - 0.05, (210, 6, 250, 26)),
        ]
    )
    read = read_uncovered(page, _sure_lines(), TEXT_HEIGHT, engine=engine, languages="eng", timeout_seconds=5)
    assert [fragment.text for fragment in read][3:] == ["02.03.20 15:59"]
    # Cut from the column's left edge (20) and COVER_MARGIN text heights (6 px) above the line.
    assert read[3].bbox == (30, 500, 220, 520)
    assert engine.images[0].size == (360, 32)
