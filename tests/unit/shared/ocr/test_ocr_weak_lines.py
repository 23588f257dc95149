"""Weakly read runs of lines between sure ones are read again within the text column."""

from __future__ import annotations

import pytest
from PIL import Image

from docflow.ocr import DocumentError, OcrTimeoutError, OcrUnavailableError, read_document
from docflow.ocr.layout import Fragment
from docflow.ocr.preprocess import PreprocessOptions
from docflow.ocr.weak_lines import (
    MAX_STRETCHES,
    MIN_CONFIDENCE,
    MIN_SURE_LINES,
    SURE_CONFIDENCE,
    WEAK_CONFIDENCE,
    reread_weak,
    weak_bands,
)
from tests.unit.shared.ocr.fakes import RecordingEngine

WIDTH, HEIGHT = 1000, 2000


def _line(
    top: int, text: str = "SURE LINE", confidence: float = 0.95, x0: int = 200, x1: int = 800
) -> Fragment:
    return Fragment(text, confidence, (x0, top, x1, top + 30))


def _page() -> Image.Image:
    return Image.new("L", (WIDTH, HEIGHT), 255)


def _sure_lines(*tops: int) -> list[Fragment]:
    return [_line(top) for top in tops]


def test_given_a_weak_line_between_sure_lines_when_searched_then_its_band_spans_the_text_column() -> None:
    weak = _line(150, "oriin mimi 20 am pe", confidence=0.3, x0=0, x1=WIDTH)
    fragments = [*_sure_lines(50, 100), weak, *_sure_lines(250, 300)]
    bands = weak_bands(fragments, WIDTH, HEIGHT)
    # Column: median left and right edges of the sure lines (200, 800) widened by one text height (30).
    assert [band.box for band in bands] == [(170, 130, 830, 250)]
    assert bands[0].members == (2,)


def test_given_only_middling_lines_between_sure_ones_when_searched_then_there_is_no_band() -> None:
    middling = (WEAK_CONFIDENCE + SURE_CONFIDENCE) / 2
    fragments = [*_sure_lines(50, 100), _line(150, confidence=middling), *_sure_lines(250, 300)]
    assert weak_bands(fragments, WIDTH, HEIGHT) == []


def test_given_a_weak_line_below_the_last_sure_line_when_searched_then_it_is_left_alone() -> None:
    fragments = [*_sure_lines(50, 100, 150, 200), _line(400, confidence=0.2)]
    assert weak_bands(fragments, WIDTH, HEIGHT) == []


def test_given_too_few_sure_lines_when_searched_then_there_is_no_column_and_no_band() -> None:
    # MIN_SURE_LINES sure lines with a weak one between the last two give a band; one fewer, none.
    tops = [100 * n for n in range(MIN_SURE_LINES)]
    weak = _line(tops[-1] - 50, confidence=0.2)
    assert weak_bands([*_sure_lines(*tops), weak], WIDTH, HEIGHT)
    assert weak_bands([*_sure_lines(*tops[1:]), weak], WIDTH, HEIGHT) == []


def test_given_a_weak_run_taller_than_the_limit_when_searched_then_it_is_left_alone() -> None:
    fragments = [*_sure_lines(50, 100), _line(300, confidence=0.2), *_sure_lines(900, 950)]
    assert weak_bands(fragments, WIDTH, HEIGHT) == []


def test_given_many_weak_runs_when_searched_then_only_the_weakest_are_read() -> None:
    fragments = _sure_lines(*range(0, 1800, 100))
    weak = [_line(top + 50, confidence=0.1 + 0.02 * n) for n, top in enumerate(range(0, 1700, 100))]
    bands = weak_bands([*fragments, *weak], WIDTH, HEIGHT)
    assert len(bands) == MAX_STRETCHES
    assert [band.box[1] for band in bands] == [30 + 100 * n for n in range(MAX_STRETCHES)]


def test_given_a_band_read_surely_when_read_again_then_its_lines_replace_the_weak_ones() -> None:
    weak = _line(150, "oriin mimi 20 am pe", confidence=0.3, x0=0, x1=WIDTH)
    fragments = [*_sure_lines(50, 100), weak, *_sure_lines(250, 300)]
    engine = RecordingEngine(
        [
            Fragment("26.03.25 16:47 KUITTI 537538", 0.9, (10, 15, 600, 45)),
            Fragment("~~", MIN_CONFIDENCE - 0.1, (0, 60, 100, 90)),
        ]
    )
    read = reread_weak(_page(), fragments, engine=engine, languages="eng", timeout_seconds=5)
    assert [fragment.text for fragment in read] == [
        *(["SURE LINE"] * 4),
        "26.03.25 16:47 KUITTI 537538",
    ]
    # The band's lines are placed back in page pixels: the band starts at (170, 130).
    assert read[-1].bbox == (180, 145, 770, 175)
    assert engine.images[0].size == (660, 120)


def test_given_a_reading_no_surer_than_the_first_when_read_again_then_the_first_stays() -> None:
    middling = _line(150, "KAHVI 500G 8,91", confidence=0.65)
    weak = _line(190, "xx", confidence=0.2)
    fragments = [*_sure_lines(50, 100), middling, weak, *_sure_lines(250, 300)]
    engine = RecordingEngine([Fragment("KAHVI 5006 8,91", MIN_CONFIDENCE, (10, 20, 600, 50))])
    read = reread_weak(_page(), fragments, engine=engine, languages="eng", timeout_seconds=5)
    assert read == fragments


def test_given_no_weak_line_when_read_then_the_engine_is_not_called_again() -> None:
    fragments = _sure_lines(50, 100, 150, 200)
    engine = RecordingEngine([_line(0)])
    assert reread_weak(_page(), fragments, engine=engine, languages="eng", timeout_seconds=5) == fragments
    assert engine.images == []


def test_given_sure_amount_lines_when_searched_then_they_set_the_column_not_a_centred_header() -> None:
    header = [_line(top, "Rauta Ab", x0=400, x1=600) for top in (0, 40, 80, 120)]
    amounts = [_line(top, "SISÄMAALI 2,7L 56,23", x0=100, x1=900) for top in (160, 200, 240)]
    weak = _line(290, "PANKKIKORTTI 103 ee", confidence=0.3, x0=0, x1=WIDTH)
    bands = weak_bands([*header, *amounts, weak, _line(360, x0=100, x1=900)], WIDTH, HEIGHT)
    # The median over all sure lines would be the header's 400..600.
    assert [band.box for band in bands] == [(70, 270, 930, 360)]


def test_given_a_reading_that_loses_a_number_when_read_again_then_the_first_reading_stays() -> None:
    weak = _line(150, "000 Veroton = = 82148 &", confidence=0.45)
    fragments = [*_sure_lines(50, 100), weak, *_sure_lines(250, 300)]
    engine = RecordingEngine([Fragment("Veroton < ;", 0.71, (10, 20, 600, 50))])
    assert reread_weak(_page(), fragments, engine=engine, languages="eng", timeout_seconds=5) == fragments


def test_given_a_reading_that_keeps_the_numbers_when_read_again_then_it_replaces_the_first() -> None:
    weak = _line(150, "concen TALOUSPAPERI 5,47 Godkand 654918 20", confidence=0.42)
    fragments = [*_sure_lines(50, 100), weak, *_sure_lines(250, 300)]
    engine = RecordingEngine([Fragment("TALOUSPAPERI 5,47 Godkänd 654918", 0.81, (10, 20, 600, 50))])
    read = reread_weak(_page(), fragments, engine=engine, languages="eng", timeout_seconds=5)
    assert [fragment.text for fragment in read][-1] == "TALOUSPAPERI 5,47 Godkänd 654918"
    assert weak not in read


class _WeakLineEngine:
    """Reads the page as sure lines around one weak line, then answers band readings as told."""

    languages = "eng"

    def __init__(self, band_reading: list[Fragment] | DocumentError) -> None:
        self.band_reading = band_reading
        self.calls = 0

    def recognize(
        self, image: Image.Image, *, languages: str | None, timeout_seconds: float
    ) -> list[Fragment]:
        self.calls += 1
        if self.calls == 1:
            return [*_sure_lines(50, 100), _line(150, "oriin mimi", confidence=0.3), *_sure_lines(250, 300)]
        if isinstance(self.band_reading, DocumentError):
            raise self.band_reading
        return self.band_reading


def _document() -> bytes:
    import io

    from PIL import ImageDraw

    page = Image.new("L", (WIDTH, 1000), 255)
    draw = ImageDraw.Draw(page)
    for top in range(50, 350, 50):
        draw.rectangle((200, top, 800, top + 20), fill=0)
    buffer = io.BytesIO()
    page.save(buffer, "PNG")
    return buffer.getvalue()


_PLAIN = PreprocessOptions(read_gaps=False, join_dots=False, whiten_paper=False)


def test_given_a_weak_line_when_a_document_is_read_then_its_band_reading_takes_its_place() -> None:
    engine = _WeakLineEngine([Fragment("26.03.25 16:47 KUITTI 537538", 0.9, (10, 15, 600, 45))])
    result = read_document(_document(), filename="r.png", engine=engine, preprocess=_PLAIN)
    assert engine.calls == 2
    assert "26.03.25 16:47 KUITTI 537538" in [line.text for line in result.lines]
    assert "oriin mimi" not in [line.text for line in result.lines]


@pytest.mark.parametrize(
    "failure", [OcrTimeoutError("band timeout"), OcrUnavailableError("The OCR engine failed")], ids=str
)
def test_given_a_band_the_engine_cannot_read_when_a_document_is_read_then_the_first_reading_stays(
    failure: DocumentError,
) -> None:
    engine = _WeakLineEngine(failure)
    result = read_document(_document(), filename="r.png", engine=engine, preprocess=_PLAIN)
    assert engine.calls == 2
    assert "oriin mimi" in [line.text for line in result.lines]


def test_given_rereading_off_when_a_document_is_read_then_the_page_is_read_once() -> None:
    engine = _WeakLineEngine([])
    options = PreprocessOptions(read_gaps=False, join_dots=False, whiten_paper=False, reread_weak=False)
    read_document(_document(), filename="r.png", engine=engine, preprocess=options)
    assert engine.calls == 1
