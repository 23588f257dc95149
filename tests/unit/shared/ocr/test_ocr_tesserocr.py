"""The in-process tesserocr engine (skipped where the tesserocr wheel is not installed, except in CI)."""

from __future__ import annotations

from pathlib import Path

import pytest

from docflow.ocr import read_document
from docflow.ocr.engine_choice import default_engine
from docflow.ocr.errors import OcrTimeoutError, OcrUnavailableError
from docflow.ocr.tesserocr_engine import TesserocrEngine, find_tessdata, tesserocr_available
from tests.support.ci import skip_unless
from tests.support.ocr_corpus import encode, render_receipt


def test_given_tessdata_prefix_when_searching_then_it_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "eng.traineddata").write_bytes(b"")
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))
    assert find_tessdata() == f"{tmp_path}/"


def test_given_prefix_without_data_when_searching_then_it_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))
    assert find_tessdata() != f"{tmp_path}/"


def test_given_malformed_languages_when_created_then_value_error() -> None:
    with pytest.raises(ValueError, match="languages"):
        TesserocrEngine(languages="../../etc/passwd")


needs_tesserocr = skip_unless(tesserocr_available(), "needs the tesserocr wheel")


@pytest.mark.ocr
@needs_tesserocr
def test_given_tesserocr_installed_when_default_engine_chosen_then_in_process_engine() -> None:
    assert isinstance(default_engine(), TesserocrEngine)


@pytest.mark.ocr
@needs_tesserocr
def test_given_rendered_receipt_when_recognized_twice_then_same_lines_from_one_loaded_model() -> None:
    engine = TesserocrEngine(languages="eng")
    data = encode(render_receipt(), "PNG")
    first = read_document(data, engine=engine)
    second = read_document(data, engine=engine)
    assert first.lines == second.lines
    assert "KORTTIMAKSU10,73" in first.text.replace(" ", "")
    assert len(engine._apis) == 1


@pytest.mark.ocr
@needs_tesserocr
def test_given_tiny_timeout_when_recognized_then_ocr_timeout() -> None:
    with pytest.raises(OcrTimeoutError):
        TesserocrEngine(languages="eng").recognize(render_receipt(), languages=None, timeout_seconds=0.001)


@pytest.mark.ocr
@needs_tesserocr
def test_given_language_without_data_when_recognized_then_ocr_unavailable() -> None:
    engine = TesserocrEngine()
    missing = "zzz_not_a_language"
    assert missing not in engine.installed_languages()
    with pytest.raises(OcrUnavailableError):
        engine.recognize(render_receipt(), languages=missing, timeout_seconds=5)


@needs_tesserocr
@pytest.mark.ocr
def test_given_engine_in_use_when_leptonica_is_asked_then_it_prints_nothing() -> None:
    import ctypes

    from docflow.ocr.tesserocr_engine import LEPTONICA_SILENT, leptonica_libraries

    TesserocrEngine().recognize(render_receipt(), languages="eng", timeout_seconds=10)
    libraries = leptonica_libraries()
    assert libraries
    # setMsgSeverity returns the severity it replaces: the engine has already silenced Leptonica.
    assert [ctypes.CDLL(path).setMsgSeverity(LEPTONICA_SILENT) for path in libraries] == [
        LEPTONICA_SILENT
    ] * len(libraries)


@pytest.mark.ocr
@needs_tesserocr
def test_given_another_mode_when_recognized_as_then_it_reads_and_the_engines_own_mode_is_restored() -> None:
    engine = TesserocrEngine(languages="eng")
    image = render_receipt(["POPULAR BOOK", "TOTAL 12,50"])
    fragments = engine.recognize_as(image, psm=3, languages=None, timeout_seconds=10)
    assert "POPULAR BOOK" in [fragment.text for fragment in fragments]
    assert engine._apis["eng"].GetPageSegMode() == engine.psm
