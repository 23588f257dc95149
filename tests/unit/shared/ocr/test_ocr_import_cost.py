"""Importing ``docflow.ocr`` at cold start loads none of the heavy imaging or OCR libraries."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.support.paths import REPO_ROOT

HEAVY = ("PIL", "numpy", "pytesseract", "pypdfium2", "pillow_heif", "tesserocr")


def test_given_fresh_interpreter_when_docflow_ocr_imported_then_no_heavy_library_loaded() -> None:
    script = (
        "import json, sys\n"
        "import docflow.ocr\n"
        f"print(json.dumps([name for name in {HEAVY!r} if name in sys.modules]))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        cwd=REPO_ROOT,
    )
    assert json.loads(completed.stdout) == []
