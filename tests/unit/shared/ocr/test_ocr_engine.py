"""The Tesseract engine: TSV parsing, language choice and error mapping (no OCR run here)."""

from __future__ import annotations

import os
from typing import Any

import pytesseract
import pytest

from docflow.ocr import engine as engine_module
from docflow.ocr.engine import (
    ModalEngine,
    OcrEngine,
    TesseractEngine,
    default_languages,
    fragments_from_data,
    parse_tsv,
)
from docflow.ocr.errors import OcrTimeoutError, OcrUnavailableError
from tests.support.ocr_corpus import text_image

from .fakes import RecordingEngine


def _tsv(rows: list[tuple[int, int, int, int, int, int, int, int, float, str]]) -> dict[str, list[Any]]:
    keys = ("level", "page_num", "block_num", "par_num", "line_num", "left", "top", "width", "conf", "text")
    data: dict[str, list[Any]] = {key: [] for key in (*keys, "height")}
    for row in rows:
        for key, value in zip(keys, row, strict=True):
            data[key].append(value)
        data["height"].append(20)
    return data


def test_given_tesseract_words_when_parsed_then_one_fragment_per_line_with_box_and_confidence() -> None:
    data = _tsv(
        [
            (4, 1, 1, 1, 1, 10, 10, 300, -1, ""),
            (5, 1, 1, 1, 1, 10, 10, 100, 90, "YHTEENSA"),
            (5, 1, 1, 1, 1, 200, 12, 60, 70, "10,73"),
            (5, 1, 1, 1, 2, 10, 40, 80, 50.5, "KORTTI"),
            (5, 1, 1, 1, 2, 100, 40, 10, -1, " "),
        ]
    )
    first, second = fragments_from_data(data)
    assert first.text == "YHTEENSA 10,73"
    assert first.bbox == (10, 10, 260, 32)
    assert first.confidence == pytest.approx(0.8)
    assert second.text == "KORTTI"
    assert second.confidence == pytest.approx(0.505)


def test_given_speckle_read_as_words_far_out_at_a_lines_ends_when_parsed_then_it_is_dropped() -> None:
    data = _tsv(
        [
            (5, 1, 1, 1, 1, 0, 10, 12, 20, "J"),
            (5, 1, 1, 1, 1, 200, 10, 60, 95, "Alko"),
            (5, 1, 1, 1, 1, 270, 10, 30, 93, "Oy"),
            (5, 1, 1, 1, 1, 600, 10, 10, 31, "|"),
        ]
    )
    (fragment,) = fragments_from_data(data)
    assert fragment.text == "Alko Oy"
    assert fragment.bbox == (200, 10, 300, 30)
    assert fragment.confidence == pytest.approx(0.94)


@pytest.mark.parametrize(
    "words",
    [
        [(10, 95, "VESI"), (400, 90, "1,34"), (470, 50, "B")],
        [(10, 40, "x"), (30, 95, "Alko")],
        [(10, 30, "Kuitti"), (200, 95, "Alko")],
        [(10, 30, "E")],
    ],
    ids=["code letter beside its amount", "close to the rest", "a long word", "the only word"],
)
def test_given_words_that_are_no_speckle_when_parsed_then_every_word_is_kept(
    words: list[tuple[int, float, str]],
) -> None:
    data = _tsv([(5, 1, 1, 1, 1, left, 10, 10 * len(text), conf, text) for left, conf, text in words])
    (fragment,) = fragments_from_data(data)
    assert fragment.text == " ".join(text for _, _, text in words)


def test_given_installed_languages_when_defaulted_then_preferred_subset_in_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("OCR_LANGUAGES", raising=False)
    monkeypatch.setattr(engine_module, "installed_languages", lambda: frozenset({"eng", "osd", "fin", "swe"}))
    assert default_languages() == "fin+eng"
    monkeypatch.setattr(engine_module, "installed_languages", lambda: frozenset({"eng", "osd", "swe"}))
    assert default_languages() == "eng"
    monkeypatch.setattr(engine_module, "installed_languages", lambda: frozenset({"deu"}))
    assert default_languages() == "eng"


def test_given_ocr_languages_set_when_defaulted_then_it_wins_and_must_be_installed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(engine_module, "installed_languages", lambda: frozenset({"eng", "fin", "swe"}))
    monkeypatch.setenv("OCR_LANGUAGES", "fin+swe+eng")
    assert default_languages() == "fin+swe+eng"
    monkeypatch.setenv("OCR_LANGUAGES", "deu")
    with pytest.raises(OcrUnavailableError):
        default_languages()
    monkeypatch.setenv("OCR_LANGUAGES", "fin;eng")
    with pytest.raises(OcrUnavailableError, match="OCR_LANGUAGES"):
        default_languages()


def test_given_malformed_languages_when_engine_created_then_value_error() -> None:
    with pytest.raises(ValueError, match="languages"):
        TesseractEngine(languages="eng; rm -rf /")


def test_given_engines_when_checked_then_they_satisfy_the_protocol() -> None:
    assert isinstance(TesseractEngine(), OcrEngine)
    assert isinstance(RecordingEngine(), OcrEngine)


def _engine_with(monkeypatch: pytest.MonkeyPatch, error: Exception) -> TesseractEngine:
    def fail(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(engine_module, "installed_languages", lambda: frozenset({"eng"}))
    monkeypatch.setattr(pytesseract, "image_to_data", fail)
    return TesseractEngine(languages="eng")


def test_given_tesseract_timeout_when_recognizing_then_ocr_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = _engine_with(monkeypatch, RuntimeError("Tesseract process timeout"))
    with pytest.raises(OcrTimeoutError) as caught:
        engine.recognize(text_image(), languages=None, timeout_seconds=1)
    assert caught.value.code == "ocr_timeout"


def test_given_missing_binary_when_recognizing_then_ocr_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = _engine_with(monkeypatch, pytesseract.TesseractNotFoundError())
    with pytest.raises(OcrUnavailableError) as caught:
        engine.recognize(text_image(), languages=None, timeout_seconds=1)
    assert caught.value.code == "ocr_unavailable"
    assert caught.value.status == 503


def test_given_tesseract_failure_when_recognizing_then_ocr_unavailable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = _engine_with(monkeypatch, pytesseract.TesseractError(1, "Leptonica failed"))
    with pytest.raises(OcrUnavailableError):
        engine.recognize(text_image(), languages=None, timeout_seconds=1)


def test_given_language_not_installed_when_recognizing_then_ocr_unavailable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(engine_module, "installed_languages", lambda: frozenset({"eng"}))
    with pytest.raises(OcrUnavailableError):
        TesseractEngine().recognize(text_image(), languages="fin+eng", timeout_seconds=1)


def test_given_missing_binary_when_listing_languages_then_ocr_unavailable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine_module.installed_languages.cache_clear()
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    try:
        with pytest.raises(OcrUnavailableError):
            engine_module.installed_languages()
    finally:
        engine_module.installed_languages.cache_clear()


def test_given_page_when_recognized_then_tesseract_gets_psm_invert_off_and_thread_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: dict[str, Any] = {}

    def fake_image_to_data(image: object, **kwargs: Any) -> dict[str, list[Any]]:
        seen.update(kwargs, threads=os.environ.get("OMP_THREAD_LIMIT"))
        return _tsv([(5, 1, 1, 1, 1, 0, 0, 10, 95, "OK")])

    monkeypatch.setattr(engine_module, "installed_languages", lambda: frozenset({"eng", "fin"}))
    monkeypatch.setattr(pytesseract, "image_to_data", fake_image_to_data)
    monkeypatch.setenv("OMP_THREAD_LIMIT", "4")
    fragments = TesseractEngine(psm=6).recognize(text_image(), languages="fin+eng", timeout_seconds=3)
    assert [fragment.text for fragment in fragments] == ["OK"]
    assert seen["lang"] == "fin+eng"
    assert seen["timeout"] == 3
    assert "--psm 6" in seen["config"]
    assert "-c tessedit_do_invert=0" in seen["config"]
    assert seen["threads"] == "1"


def test_given_tsv_text_with_header_when_parsed_then_rows_by_column() -> None:
    tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
    tsv += "5\t1\t1\t1\t1\t1\t4\t5\t6\t7\t88.5\tSUMMA\n4\t1\t1\t1\t1\t0\t4\t5\t6\t7\t-1\n"
    data = parse_tsv(tsv)
    assert data["text"] == ["SUMMA", ""]
    assert data["conf"] == ["88.5", "-1"]
    (fragment,) = fragments_from_data(data)
    assert fragment.bbox == (4, 5, 10, 12)


def test_given_another_mode_when_recognizing_as_then_tesseract_is_run_with_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    configs: list[str] = []

    def record(*args: object, config: str, **kwargs: object) -> dict[str, list[Any]]:
        configs.append(config)
        return _tsv([])

    monkeypatch.setattr(engine_module, "installed_languages", lambda: frozenset({"eng"}))
    monkeypatch.setattr(pytesseract, "image_to_data", record)
    engine = TesseractEngine(languages="eng")
    engine.recognize_as(text_image("X"), psm=3, languages=None, timeout_seconds=5)
    engine.recognize(text_image("X"), languages=None, timeout_seconds=5)
    assert [config.split()[:2] for config in configs] == [["--psm", "3"], ["--psm", "6"]]
    assert isinstance(engine, ModalEngine)
    assert not isinstance(RecordingEngine(), ModalEngine)
