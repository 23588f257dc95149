"""The top of a page is read again on request, with the automatic page segmentation, in page pixels."""

from __future__ import annotations

import time

import pytest
from PIL import Image

from docflow.ocr import DocumentError, OcrTimeoutError, OcrUnavailableError, read_document
from docflow.ocr.header import EDGE_LINES, HEADER_PSM, HEADER_SHARE, HeaderReader, header_fragments
from docflow.ocr.layout import Fragment
from docflow.ocr.preprocess import PreparedImage, PreprocessOptions
from tests.support.ocr_corpus import encode, render_receipt
from tests.unit.shared.ocr.fakes import ModalRecordingEngine, RecordingEngine

TEXT_HEIGHT = 20


class _Failing(RecordingEngine):
    def __init__(self, failure: DocumentError) -> None:
        super().__init__()
        self.failure = failure

    def recognize(
        self, image: Image.Image, *, languages: str | None, timeout_seconds: float
    ) -> list[Fragment]:
        raise self.failure


def _page(height: int = 1000) -> Image.Image:
    return Image.new("L", (400, height), 255)


def test_given_a_modal_engine_when_the_header_is_read_then_the_top_share_is_read_in_the_header_mode() -> None:
    engine = ModalRecordingEngine([Fragment("POPULAR BOOK", 0.9, (10, 20, 300, 60))])
    fragments, bottom = header_fragments(
        _page(), TEXT_HEIGHT, engine=engine, languages="eng", timeout_seconds=5
    )
    assert engine.modes == [HEADER_PSM]
    assert engine.images[0].size == (400, round(1000 * HEADER_SHARE))
    assert [fragment.text for fragment in fragments] == ["POPULAR BOOK"]
    assert bottom == round(1000 * HEADER_SHARE) - round(EDGE_LINES * TEXT_HEIGHT)


def test_given_a_line_cut_by_the_regions_edge_when_the_header_is_read_then_it_is_left_out() -> None:
    height = round(1000 * HEADER_SHARE)
    cut = Fragment("RECEIPT NO", 0.9, (10, height - 12, 300, height))
    engine = ModalRecordingEngine([Fragment("NAME", 0.9, (10, 20, 300, 60)), cut])
    fragments, _ = header_fragments(_page(), TEXT_HEIGHT, engine=engine, languages="eng", timeout_seconds=5)
    assert [fragment.text for fragment in fragments] == ["NAME"]


def test_given_an_engine_with_one_mode_when_the_header_is_read_then_it_reads_in_its_own() -> None:
    engine = RecordingEngine([Fragment("NAME", 0.9, (10, 20, 300, 60))])
    fragments, _ = header_fragments(_page(), None, engine=engine, languages="eng", timeout_seconds=5)
    assert [fragment.text for fragment in fragments] == ["NAME"]
    assert len(engine.images) == 1


def _reader(engine: RecordingEngine, *, deadline: float | None = None) -> HeaderReader:
    # The page was cropped at (100, 50) and enlarged twice: prepared (x, y) is page (x / 2 + 100, y / 2 + 50).
    prepared = PreparedImage(_page(), 2.0, TEXT_HEIGHT / 2, (100, 50))
    return HeaderReader(
        prepared,
        page=1,
        size=(1000, 2000),
        engine=engine,
        languages="eng",
        timeout_seconds=5,
        deadline=time.perf_counter() + 60 if deadline is None else deadline,
    )


def test_given_a_prepared_page_when_its_header_is_read_then_lines_and_bottom_are_in_page_pixels() -> None:
    engine = ModalRecordingEngine([Fragment("POPULAR BOOK", 0.9, (20, 40, 300, 80))])
    header = _reader(engine).read()
    assert header is not None
    assert [(line.text, line.bbox, line.page) for line in header.lines] == [
        ("POPULAR BOOK", (110, 70, 250, 90), 1)
    ]
    assert header.bottom == round((round(1000 * HEADER_SHARE) - TEXT_HEIGHT) / 2) + 50
    assert header.page == 1
    assert header.seconds >= 0


def test_given_a_header_read_once_when_read_again_then_nothing_is_read() -> None:
    engine = ModalRecordingEngine([Fragment("NAME", 0.9, (20, 40, 300, 80))])
    reader = _reader(engine)
    assert reader.read() is not None
    assert reader.read() is None
    assert len(engine.images) == 1


def test_given_no_time_left_when_the_header_is_read_then_nothing_is_read() -> None:
    engine = ModalRecordingEngine([Fragment("NAME", 0.9, (20, 40, 300, 80))])
    assert _reader(engine, deadline=time.perf_counter() - 1).read() is None
    assert engine.images == []


@pytest.mark.parametrize(
    "failure", [OcrTimeoutError("header timeout"), OcrUnavailableError("The OCR engine failed")], ids=str
)
def test_given_the_engine_cannot_read_the_header_when_read_then_there_is_no_header(
    failure: DocumentError,
) -> None:
    assert _reader(_Failing(failure)).read() is None


def _receipt() -> bytes:
    return encode(render_receipt(["SHOP NAME", "x", "x", "x", "TOTAL 12,50"]), "PNG")


def test_given_an_image_when_a_document_is_read_then_its_header_can_be_read_again_on_request() -> None:
    engine = ModalRecordingEngine([Fragment("SHOP NAME", 0.9, (40, 40, 300, 70))])
    result = read_document(_receipt(), filename="r.png", engine=engine)
    pages_read = len(engine.images)
    assert result.header_reader is not None
    header = result.header_reader.read()
    assert header is not None
    assert len(engine.images) == pages_read + 1
    assert engine.modes == [HEADER_PSM]
    assert [line.text for line in header.lines] == ["SHOP NAME"]


def test_given_the_option_off_when_a_document_is_read_then_no_header_reader_is_offered() -> None:
    engine = ModalRecordingEngine()
    result = read_document(
        _receipt(), filename="r.png", engine=engine, preprocess=PreprocessOptions(reread_header=False)
    )
    assert result.header_reader is None
