"""Mutation fuzz: damaged versions of valid files only ever succeed or raise a DocumentError."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from docflow.ocr import DocumentError, OcrResult, read_document
from tests.support.ocr_corpus import encode, pdf_with_image, pdf_with_text, text_image

from .fakes import RecordingEngine

CASES_PER_FORMAT = 50

SEEDS: dict[str, Callable[[], bytes]] = {
    "jpeg": lambda: encode(text_image().convert("RGB"), "JPEG"),
    "png": lambda: encode(text_image(), "PNG"),
    "pdf_text": lambda: pdf_with_text(["K-MARKET KALLIO", "YHTEENSA 10,73"]),
    "pdf_image": lambda: pdf_with_image(text_image(size=(120, 40)), page_size=(120, 40)),
}


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One random damage: flipped bytes, a cut, a duplicated run or an inserted run."""
    buffer = bytearray(data)
    kind = rng.randrange(4)
    if kind == 0:
        for _ in range(rng.randint(1, 8)):
            position = rng.randrange(len(buffer))
            buffer[position] = rng.randrange(256)
    elif kind == 1:
        del buffer[rng.randrange(1, len(buffer)) :]
    elif kind == 2:
        start = rng.randrange(len(buffer))
        run = buffer[start : start + rng.randint(1, 64)]
        buffer[start:start] = run
    else:
        position = rng.randrange(len(buffer))
        buffer[position:position] = rng.randbytes(rng.randint(1, 32))
    return bytes(buffer)


@pytest.mark.parametrize("seed_name", SEEDS)
def test_given_mutated_valid_file_when_read_then_result_or_document_error(seed_name: str) -> None:
    original = SEEDS[seed_name]()
    rng = random.Random(f"docflow-ocr-{seed_name}")
    outcomes = {"ok": 0, "rejected": 0}
    for case in range(CASES_PER_FORMAT):
        data = mutate(original, rng)
        try:
            result = read_document(data, engine=RecordingEngine())
        except DocumentError:
            outcomes["rejected"] += 1
        except Exception as exc:  # pragma: no cover - the failure report
            pytest.fail(f"{seed_name} case {case}: unexpected {type(exc).__name__}: {exc}")
        else:
            assert isinstance(result, OcrResult)
            outcomes["ok"] += 1
    assert outcomes["ok"] + outcomes["rejected"] == CASES_PER_FORMAT
