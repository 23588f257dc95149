"""The csp_report function's import budget: no heavy module at cold start (tests.support.import_budget)."""

from __future__ import annotations

from tests.support.import_budget import heavy_modules_loaded


def test_handler_import_loads_no_heavy_module() -> None:
    assert heavy_modules_loaded("docflow_csp_report.handler") == (None, [])
