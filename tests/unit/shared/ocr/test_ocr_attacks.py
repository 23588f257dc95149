"""The attack corpus: every hostile file is rejected with its own code, fast and in little memory."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable

import pytest
from PIL import Image

from docflow.ocr import DocumentError, OcrLimits, read_document
from tests.support import ocr_corpus as corpus
from tests.support.paths import REPO_ROOT

from .fakes import RecordingEngine


def _truncated(data: bytes) -> bytes:
    return data[: len(data) * 2 // 3]


#: name -> (builder, declared type, expected code)
ATTACKS: dict[str, tuple[Callable[[], bytes], str | None, str]] = {
    "png_bomb_100mp": (lambda: corpus.png_header_only(10_000, 10_000), "image/png", "decompression_bomb"),
    "png_bomb_196mp": (lambda: corpus.png_header_only(14_000, 14_000), "image/png", "decompression_bomb"),
    "png_bomb_900mp": (lambda: corpus.png_header_only(30_000, 30_000), "image/png", "decompression_bomb"),
    "png_50mp": (lambda: corpus.png_header_only(7_500, 6_700), "image/png", "too_many_pixels"),
    "png_long_side": (lambda: corpus.png_header_only(25_000, 100), "image/png", "dimensions_too_large"),
    "gif_frame_extents": (
        lambda: corpus.gif_with_frame((16, 16), (7_000, 7_000)),
        "image/gif",
        "too_many_pixels",
    ),
    "gif_frame_side": (
        lambda: corpus.gif_with_frame((16, 16), (21_000, 16)),
        "image/gif",
        "dimensions_too_large",
    ),
    "gif_frame_bomb": (
        lambda: corpus.gif_with_frame((1, 1), (30_000, 30_000)),
        "image/gif",
        "decompression_bomb",
    ),
    "pdf_flate_bomb": (lambda: corpus.pdf_flate_bomb(1 << 30), "application/pdf", "decompression_bomb"),
    "pdf_10000_pages": (lambda: corpus.pdf_with_pages(10_000), "application/pdf", "too_many_pages"),
    "pdf_encrypted": (corpus.encrypted_pdf, "application/pdf", "encrypted_document"),
    "pdf_no_pages": (lambda: corpus.pdf_with_pages(0), "application/pdf", "corrupt_file"),
    "pdf_truncated": (lambda: corpus.pdf_with_text(["K-MARKET"])[:120], "application/pdf", "corrupt_file"),
    "jpeg_truncated": (
        lambda: _truncated(corpus.encode(corpus.render_receipt(), "JPEG")),
        "image/jpeg",
        "truncated_file",
    ),
    "png_truncated": (
        lambda: _truncated(corpus.encode(corpus.render_receipt(), "PNG")),
        "image/png",
        "truncated_file",
    ),
    "png_as_jpeg": (lambda: corpus.encode(corpus.text_image(), "PNG"), "image/jpeg", "type_mismatch"),
    "html_as_png": (lambda: b"<html><script>alert(1)</script></html>", "image/png", "type_mismatch"),
    "html_undeclared": (lambda: b"<!doctype html><html></html>", None, "unsupported_type"),
    "jpeg_pdf_polyglot": (
        lambda: corpus.encode(corpus.text_image(), "JPEG") + corpus.pdf_with_text(["HIDDEN"]),
        "image/jpeg",
        "polyglot_file",
    ),
    "png_html_polyglot": (
        lambda: corpus.encode(corpus.text_image(), "PNG", pnginfo=_html_text_chunk()),
        "image/png",
        "polyglot_file",
    ),
    "empty_file": (lambda: b"", "image/jpeg", "empty_document"),
    "png_0x0": (lambda: corpus.png_header_only(0, 0), "image/png", "corrupt_file"),
    "png_1x1": (
        lambda: corpus.encode(Image.new("L", (1, 1), 0), "PNG"),
        "image/png",
        "empty_document",
    ),
    "png_blank_white": (
        lambda: corpus.encode(Image.new("RGB", (800, 1200), "white"), "PNG"),
        "image/png",
        "empty_document",
    ),
    "jpeg_too_large": (
        lambda: b"\xff\xd8\xff\xe0" + b"\x00" * (15 * 1024 * 1024),
        "image/jpeg",
        "file_too_large",
    ),
}


def _html_text_chunk() -> object:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "<script>fetch('/steal')</script>")
    return info


@pytest.mark.parametrize("name", ATTACKS)
def test_given_hostile_file_when_read_then_rejected_with_its_code_within_two_seconds(name: str) -> None:
    build, declared_type, expected_code = ATTACKS[name]
    data = build()
    engine = RecordingEngine()
    # CPU time of this process: what the rejection costs, unaffected by other load on the machine.
    started = time.process_time()
    with pytest.raises(DocumentError) as caught:
        read_document(data, declared_type=declared_type, engine=engine)
    elapsed = time.process_time() - started
    assert caught.value.code == expected_code, caught.value.message
    assert elapsed <= 2.0
    assert engine.images == []


def test_given_hostile_file_when_rejected_then_message_does_not_echo_content_or_name() -> None:
    with pytest.raises(DocumentError) as caught:
        read_document(
            b"<html>secret-token-123</html>", declared_type="image/png", filename="/tmp/x/kuitti.png"
        )
    assert "secret-token" not in caught.value.message
    assert "kuitti" not in caught.value.message
    assert "/tmp" not in caught.value.message


def test_given_bomb_corpus_when_read_then_peak_memory_grows_less_than_256_mib() -> None:
    """Runs in a fresh interpreter so the peak RSS of earlier tests cannot hide growth."""
    script = """
import json, resource
from docflow.ocr import DocumentError, read_document
from tests.support import ocr_corpus as corpus
files = [corpus.png_header_only(10_000, 10_000), corpus.png_header_only(14_000, 14_000),
         corpus.png_header_only(30_000, 30_000), corpus.gif_with_frame((16, 16), (7_000, 7_000)),
         corpus.pdf_flate_bomb(1 << 30), corpus.pdf_with_pages(10_000)]
import PIL.Image, pypdfium2  # baseline includes the libraries themselves
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
codes = []
for data in files:
    try:
        read_document(data)
    except DocumentError as exc:
        codes.append(exc.code)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"growth_kib": after - before, "codes": codes}))
"""
    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO_ROOT, timeout=60, check=True
    )
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    assert len(report["codes"]) == 6
    assert report["growth_kib"] < 256 * 1024


def test_given_lower_limits_when_read_then_limits_apply() -> None:
    small = OcrLimits(max_pixels=10_000, max_side=200)
    data = corpus.encode(corpus.text_image(size=(150, 100)), "PNG")
    with pytest.raises(DocumentError) as caught:
        read_document(data, limits=small, engine=RecordingEngine())
    assert caught.value.code == "too_many_pixels"
