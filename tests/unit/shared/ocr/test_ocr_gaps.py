"""Header rows with ink that the page reading left out are read again on their own."""

from __future__ import annotations

from PIL import Image, ImageDraw

from docflow.ocr import OcrTimeoutError, read_document
from docflow.ocr.gaps import MAX_BANDS, MIN_CONFIDENCE, read_uncovered, uncovered_bands
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
