"""The metrics function's import budget: no heavy module at cold start (tests.support.import_budget)."""

from __future__ import annotations

from tests.support.import_budget import heavy_modules_loaded
from tests.support.paths import REPO_ROOT


def test_handler_import_loads_no_heavy_module() -> None:
    assert heavy_modules_loaded("docflow_metrics.handler") == (None, [])


def test_request_without_configured_token_as_first_invocation_loads_no_heavy_module() -> None:
    event = REPO_ROOT / "events" / "metrics" / "get-metrics-unconfigured.json"
    assert heavy_modules_loaded("docflow_metrics.handler", event) == (404, [])
