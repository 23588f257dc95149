"""Every sample event in ``events/`` runs through its function's real Lambda handler (Mangum)."""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from docflow.tenancy import Role
from docflow_local.lambda_context import LocalLambdaContext
from docflow_local.seed import DemoData
from docflow_local.template import load_template, zip_functions
from tests.support.paths import REPO_ROOT as ROOT

pytestmark = pytest.mark.db

FUNCTIONS = {spec.name: spec for spec in zip_functions(load_template(ROOT / "template.yaml"))}

EVENTS = sorted(path for path in (ROOT / "events").glob("*/*.json") if path.name != "expected.json")


def expected_status(path: Path) -> int:
    """Each ``events/<function>/expected.json`` maps its event files to the status they must get."""
    expected: dict[str, int] = json.loads((path.parent / "expected.json").read_text())["statusCode"]
    return expected[path.name]


def _invoke(function: str, event: dict[str, Any]) -> dict[str, Any]:
    spec = FUNCTIONS[function]
    handler = getattr(importlib.import_module(spec.module), spec.attribute)
    result: dict[str, Any] = handler(event, LocalLambdaContext(function))
    return result


def test_every_event_file_has_an_expectation() -> None:
    for folder in {path.parent for path in EVENTS}:
        listed = set(json.loads((folder / "expected.json").read_text())["statusCode"])
        assert listed == {path.name for path in EVENTS if path.parent == folder}, folder.name


def test_every_event_folder_names_a_template_function() -> None:
    assert {path.parent.name for path in EVENTS} <= set(FUNCTIONS)


@pytest.mark.parametrize("path", EVENTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_event_runs_through_the_lambda_handler(
    path: Path, demo: DemoData, token_for: Callable[..., str]
) -> None:
    owner = next(u for u in demo.users if u.role == Role.OWNER)
    text = path.read_text().replace("${DOCFLOW_TOKEN}", token_for(owner.user_id, owner.email))
    event = json.loads(text)
    if path.parent.name == "health" and "preflight" in path.name:
        event["headers"]["origin"] = "https://app.docflow.test"
    response = _invoke(path.parent.name, event)
    assert response["statusCode"] == expected_status(path)
    headers = {k.lower(): v for k, v in response["headers"].items()}
    assert headers["x-correlation-id"] == event["requestContext"]["requestId"]
    assert headers["x-content-type-options"] == "nosniff"
    assert response["isBase64Encoded"] is False
    if response["statusCode"] >= 400:
        assert headers["content-type"] == "application/problem+json"
        assert json.loads(response["body"])["status"] == response["statusCode"]


def test_deep_health_is_503_when_the_database_is_down(
    monkeypatch: pytest.MonkeyPatch, postgres: object
) -> None:
    from docflow.config import reset_settings
    from docflow.db import close_pool
    from docflow_local.postgres import free_port

    monkeypatch.setenv("DATABASE_URL", f"postgresql://docflow_app:x@127.0.0.1:{free_port()}/docflow")
    monkeypatch.setenv("DB_CONNECT_TIMEOUT_SECONDS", "1")
    reset_settings()
    close_pool()
    try:
        event = json.loads((ROOT / "events" / "health" / "get-api-health-deep.json").read_text())
        response = _invoke("health", event)
    finally:
        monkeypatch.undo()
        reset_settings()
        close_pool()
    assert response["statusCode"] == 503
    assert json.loads(response["body"])["code"] == "service_unavailable"
