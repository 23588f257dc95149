"""A line of the first OCR page is read again from several copies of its band, in single-line mode."""

from __future__ import annotations

import time

import pytest
from PIL import Image

from docflow.ocr import DocumentError, OcrTimeoutError, OcrUnavailableError, read_document
from docflow.ocr.layout import Fragment
from docflow.ocr.line_reader import BAND_MARGIN, LINE_COPIES, LINE_PSM, MAX_LINES, LineReader
from docflow.ocr.preprocess import PreparedImage, PreprocessOptions
from tests.support.ocr_corpus import encode, render_receipt
from tests.unit.shared.ocr.fakes import ModalRecordingEngine, RecordingEngine

TEXT_HEIGHT = 20
LINE = (120, 300, 400, 320)  # page pixels


class FailingAfter(RecordingEngine):
    """Reads ``reads`` copies, then fails as told."""

    def __init__(self, reads: int, failure: DocumentError) -> None:
        super().__init__([Fragment("Y-tunnus 1234567-1", 0.9, (0, 0, 10, 10))])
        self.reads = reads
        self.failure = failure

    def recognize(
        self, image: Image.Image, *, languages: str | None, timeout_seconds: float
    ) -> list[Fragment]:
        if len(self.images) >= self.reads:
            raise self.failure
        return super().recognize(image, languages=languages, timeout_seconds=timeout_seconds)


def _reader(engine: RecordingEngine, *, deadline: float | None = None) -> LineReader:
    # The page was cropped at (100, 50) and enlarged twice: page y is prepared (y - 50) * 2.
    prepared = PreparedImage(Image.new("L", (800, 2000), 255), 2.0, TEXT_HEIGHT / 2, (100, 50))
    return LineReader(
        prepared,
        page=1,
        engine=engine,
        languages="eng",
        timeout_seconds=5,
        deadline=time.perf_counter() + 60 if deadline is None else deadline,
    )


def test_given_a_line_when_read_again_then_each_copy_of_its_band_is_read_as_one_line() -> None:
    engine = ModalRecordingEngine(
        [Fragment("Y-tunnus", 0.9, (0, 0, 80, 20)), Fragment("1234567-1", 0.8, (90, 0, 200, 20))]
    )
    texts = _reader(engine).read(1, LINE)
    assert texts == ("Y-tunnus 1234567-1",) * len(LINE_COPIES)
    assert engine.modes == [LINE_PSM] * len(LINE_COPIES)
    margin = BAND_MARGIN * TEXT_HEIGHT
    band_height = round((320 - 50) * 2 + margin) - round((300 - 50) * 2 - margin)
    as_prepared, softened, larger, smaller = engine.images
    assert as_prepared.size == softened.size == (800, band_height)
    assert larger.size == (1200, round(band_height * 1.5))
    assert smaller.size == (600, round(band_height * 0.75))


def test_given_another_page_when_a_line_is_read_again_then_nothing_is_read() -> None:
    engine = ModalRecordingEngine([Fragment("x", 0.9, (0, 0, 10, 10))])
    assert _reader(engine).read(2, LINE) == ()
    assert engine.images == []


def test_given_the_lines_allowed_were_read_when_another_is_asked_for_then_nothing_is_read() -> None:
    engine = ModalRecordingEngine([Fragment("x", 0.9, (0, 0, 10, 10))])
    reader = _reader(engine)
    for _ in range(MAX_LINES):
        assert reader.read(1, LINE)
    assert reader.read(1, LINE) == ()
    assert len(engine.images) == MAX_LINES * len(LINE_COPIES)


def test_given_no_time_left_when_a_line_is_read_again_then_nothing_is_read() -> None:
    engine = ModalRecordingEngine([Fragment("x", 0.9, (0, 0, 10, 10))])
    assert _reader(engine, deadline=time.perf_counter() - 1).read(1, LINE) == ()
    assert engine.images == []


@pytest.mark.parametrize(
    "failure", [OcrTimeoutError("line timeout"), OcrUnavailableError("The OCR engine failed")], ids=str
)
def test_given_the_engine_fails_on_a_copy_then_the_copies_read_before_are_kept(
    failure: DocumentError,
) -> None:
    assert _reader(FailingAfter(2, failure)).read(1, LINE) == ("Y-tunnus 1234567-1",) * 2


def test_given_a_line_outside_the_prepared_image_when_read_again_then_nothing_is_read() -> None:
    engine = ModalRecordingEngine([Fragment("x", 0.9, (0, 0, 10, 10))])
    assert _reader(engine).read(1, (0, 5000, 100, 5020)) == ()
    assert engine.images == []


def test_given_an_image_when_a_document_is_read_then_its_lines_can_be_read_again_on_request() -> None:
    receipt = encode(render_receipt(["SHOP NAME", "Y-tunnus 1234567-1", "TOTAL 12,50"]), "PNG")
    engine = ModalRecordingEngine([Fragment("Y-tunnus 1234567-1", 0.9, (40, 40, 300, 70))])
    result = read_document(receipt, filename="r.png", engine=engine)
    assert result.line_reader is not None
    before = len(engine.images)
    assert result.line_reader.read(1, result.lines[0].bbox) == ("Y-tunnus 1234567-1",) * len(LINE_COPIES)
    assert len(engine.images) == before + len(LINE_COPIES)


def test_given_the_option_off_when_a_document_is_read_then_no_line_reader_is_offered() -> None:
    receipt = encode(render_receipt(["SHOP NAME", "TOTAL 12,50"]), "PNG")
    result = read_document(
        receipt,
        filename="r.png",
        engine=ModalRecordingEngine(),
        preprocess=PreprocessOptions(reread_lines=False),
    )
    assert result.line_reader is None


def test_given_a_line_when_read_again_then_its_band_holds_the_lines_rows_of_the_prepared_image() -> None:
    page = Image.new("L", (800, 2000), 255)
    page.paste(0, (0, (300 - 50) * 2, 800, (320 - 50) * 2))  # LINE's rows, in prepared pixels
    engine = ModalRecordingEngine([Fragment("x", 0.9, (0, 0, 10, 10))])
    reader = LineReader(
        PreparedImage(page, 2.0, TEXT_HEIGHT / 2, (100, 50)),
        page=1,
        engine=engine,
        languages="eng",
        timeout_seconds=5,
        deadline=time.perf_counter() + 60,
    )
    reader.read(1, LINE)
    band = engine.images[0]
    margin = round(BAND_MARGIN * TEXT_HEIGHT)
    rows = [band.crop((0, row, band.width, row + 1)).getextrema()[0] for row in range(band.height)]
    assert rows == [255] * margin + [0] * 40 + [255] * (band.height - margin - 40)
