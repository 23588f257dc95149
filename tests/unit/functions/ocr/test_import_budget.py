"""The ocr function's import budget: no heavy module at cold start (tests.support.import_budget)."""

from __future__ import annotations

from tests.support.import_budget import heavy_modules_loaded
from tests.support.paths import REPO_ROOT


def test_handler_import_loads_no_heavy_module() -> None:
    assert heavy_modules_loaded("docflow_ocr.handler") == (None, [])


def test_unauthenticated_request_as_first_invocation_loads_no_heavy_module() -> None:
    event = REPO_ROOT / "events" / "ocr" / "post-ocr-no-token.json"
    assert heavy_modules_loaded("docflow_ocr.handler", event) == (401, [])
