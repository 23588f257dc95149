"""``POST /api/csp-report``: both report formats, scrubbing, size cap, rate limit, never a 500."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from docflow.config import reset_settings

pytestmark = pytest.mark.db

LEGACY = "application/csp-report"
REPORTING = "application/reports+json"


@pytest.fixture(scope="module")
def app(postgres: object) -> Any:
    from docflow_csp_report.handler import app

    return app


@pytest.fixture
def client(app: Any, superuser_url: str) -> TestClient:
    with psycopg.connect(superuser_url) as conn:
        conn.execute("delete from app_private.rate_limits")
    return TestClient(app, raise_server_exceptions=False, client=("198.51.100.99", 5000))


def _legacy(**fields: Any) -> dict[str, Any]:
    report = {
        "document-uri": "https://app.docflow.fi/receipts?access_token=eyJabc.def.ghi&email=maija@example.fi#frag",
        "referrer": "https://www.docflow.fi/?utm=x",
        "violated-directive": "script-src-elem",
        "effective-directive": "script-src-elem",
        "original-policy": "default-src 'self'; report-uri /api/csp-report",
        "disposition": "enforce",
        "blocked-uri": "https://user:pw@evil.example:8443/x.js?session=zzz",
        "line-number": 12,
        "column-number": 4,
        "status-code": 200,
        "script-sample": "alert('maija@example.fi')",
    }
    report.update(fields)
    return {"csp-report": report}


def _violation(document_url: str = "https://app.docflow.fi/clients?q=pekka@paja.fi") -> dict[str, Any]:
    return {
        "type": "csp-violation",
        "age": 10,
        "url": document_url,
        "user_agent": "Mozilla/5.0",
        "body": {
            "documentURL": document_url,
            "blockedURL": "inline",
            "effectiveDirective": "style-src-attr",
            "originalPolicy": "default-src 'self'",
            "disposition": "report",
            "sample": "color: red",
            "statusCode": 200,
            "lineNumber": 1,
            "columnNumber": 9,
        },
    }


def _events(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    return [r.csp for r in caplog.records if r.getMessage() == "csp violation"]  # type: ignore[attr-defined]


def _everything(caplog: pytest.LogCaptureFixture) -> str:
    return caplog.text + json.dumps([r.__dict__ for r in caplog.records], default=str)


def test_a_legacy_report_is_204_and_logged_scrubbed(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    response = client.post("/api/csp-report", content=json.dumps(_legacy()), headers={"Content-Type": LEGACY})
    assert response.status_code == 204
    assert response.content == b""
    out = _everything(caplog)
    [event] = _events(caplog)
    assert event["document_url"] == "https://app.docflow.fi/receipts"
    assert event["blocked_url"] == "https://evil.example:8443/x.js"
    assert event["referrer"] == "https://www.docflow.fi/"
    assert event["effective_directive"] == "script-src-elem"
    assert (event["line_number"], event["column_number"], event["status_code"]) == (12, 4, 200)
    for secret in ("maija@example.fi", "eyJabc", "zzz", "pw@", "utm"):
        assert secret not in out


def test_reporting_api_lists_log_one_event_per_violation(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    reports = [
        _violation(),
        {"type": "deprecation", "body": {"id": "x"}},
        _violation("https://app.docflow.fi/a"),
    ]
    response = client.post(
        "/api/csp-report", content=json.dumps(reports), headers={"Content-Type": REPORTING}
    )
    assert response.status_code == 204
    out = _everything(caplog)
    events = _events(caplog)
    assert [e["document_url"] for e in events] == [
        "https://app.docflow.fi/clients",
        "https://app.docflow.fi/a",
    ]
    assert events[0]["blocked_url"] == "inline"
    assert events[0]["sample"] == "color: red"
    assert "pekka@paja.fi" not in out


def test_application_json_and_charset_parameters_are_accepted(client: TestClient) -> None:
    for content_type in ("application/json", "application/csp-report; charset=utf-8"):
        response = client.post(
            "/api/csp-report", content=json.dumps(_legacy()), headers={"Content-Type": content_type}
        )
        assert response.status_code == 204, content_type


def test_a_report_with_only_unknown_fields_or_other_types_is_still_204(client: TestClient) -> None:
    legacy = client.post(
        "/api/csp-report", content=json.dumps({"csp-report": {"x": 1}}), headers={"Content-Type": LEGACY}
    )
    other = client.post(
        "/api/csp-report",
        content=json.dumps([{"type": "intervention", "body": {}}]),
        headers={"Content-Type": REPORTING},
    )
    assert legacy.status_code == other.status_code == 204


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        (LEGACY, b"{not json"),
        (LEGACY, b"\xff\xfe\x00"),
        (LEGACY, b"[]"),
        (LEGACY, b'{"csp-report": "text"}'),
        (LEGACY, b'{"other": {}}'),
        (LEGACY, b"null"),
        (LEGACY, b"[" * 20_000),
        (REPORTING, b'[{"body": {}}]'),
        (REPORTING, b'[{"type": "deprecation", "body": [1]}]'),
        (REPORTING, b'[{"type": "deprecation"}]'),
        (REPORTING, b"[1, 2]"),
        (REPORTING, b'[{"type": "csp-violation", "body": "x"}]'),
        (REPORTING, json.dumps([_violation()] * 101).encode()),
        (REPORTING, b""),
    ],
)
def test_malformed_reports_are_400_problems(client: TestClient, content_type: str, body: bytes) -> None:
    response = client.post("/api/csp-report", content=body, headers={"Content-Type": content_type})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "bad_request"


@pytest.mark.parametrize(
    "content_type", [None, "text/plain", "application/x-www-form-urlencoded", "multipart/x"]
)
def test_other_media_types_are_415(client: TestClient, content_type: str | None) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.post("/api/csp-report", content=json.dumps(_legacy()), headers=headers)
    assert response.status_code == 415
    assert response.headers["content-type"] == "application/problem+json"


def test_bodies_over_64_kib_are_413(client: TestClient) -> None:
    body = json.dumps(_legacy(**{"original-policy": "x" * 70_000}))
    response = client.post("/api/csp-report", content=body, headers={"Content-Type": LEGACY})
    assert response.status_code == 413


def test_long_fields_are_cut(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    body = json.dumps(_legacy(**{"original-policy": "default-src " + "a" * 20_000}))
    assert client.post("/api/csp-report", content=body, headers={"Content-Type": LEGACY}).status_code == 204
    [event] = _events(caplog)
    assert len(event["original_policy"]) <= 512


def test_the_per_ip_limit_answers_429_with_retry_after(
    app: Any, superuser_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CSP_REPORT_RATE_LIMIT_PER_IP", "3")
    reset_settings()
    try:
        with psycopg.connect(superuser_url) as conn:
            conn.execute("delete from app_private.rate_limits")
        noisy = TestClient(app, raise_server_exceptions=False, client=("203.0.113.40", 1))
        quiet = TestClient(app, raise_server_exceptions=False, client=("203.0.113.41", 1))
        body = json.dumps(_legacy())
        codes = [
            noisy.post("/api/csp-report", content=body, headers={"Content-Type": LEGACY}).status_code
            for _ in range(4)
        ]
        assert codes == [204, 204, 204, 429]
        refused = noisy.post("/api/csp-report", content=body, headers={"Content-Type": LEGACY})
        assert int(refused.headers["retry-after"]) >= 1
        assert (
            quiet.post("/api/csp-report", content=body, headers={"Content-Type": LEGACY}).status_code == 204
        )
    finally:
        monkeypatch.undo()
        reset_settings()


@pytest.fixture
def generous_limit(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("CSP_REPORT_RATE_LIMIT_PER_IP", "1000")
    reset_settings()
    yield
    monkeypatch.undo()
    reset_settings()


@pytest.mark.usefixtures("generous_limit")
def test_fuzzed_bodies_never_cause_a_500(client: TestClient) -> None:
    import random

    rng = random.Random(5)
    seeds = [json.dumps(_legacy()).encode(), json.dumps([_violation()]).encode()]
    for i in range(150):
        data = bytearray(rng.choice(seeds))
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        content_type = LEGACY if i % 2 else REPORTING
        response = client.post("/api/csp-report", content=bytes(data), headers={"Content-Type": content_type})
        assert response.status_code in {204, 400}, (i, response.status_code)
