"""Rate limits of the public form, per client IP and per email, shared by every app instance."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from docflow.config import reset_settings
from docflow.http import create_app
from docflow_local.lambda_context import LocalLambdaContext
from tests.support.leads import TENANT_A, submission
from tests.support.paths import REPO_ROOT as ROOT

pytestmark = pytest.mark.db


@pytest.fixture(autouse=True)
def tight_limits(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("LEADS_RATE_LIMIT_PER_IP", "3")
    monkeypatch.setenv("LEADS_RATE_LIMIT_PER_EMAIL", "2")
    monkeypatch.setenv("LEADS_RATE_LIMIT_WINDOW_SECONDS", "600")
    reset_settings()
    yield
    monkeypatch.undo()
    reset_settings()


def _count(superuser_url: str) -> int:
    with psycopg.connect(superuser_url) as conn:
        row = conn.execute("select count(*) from public.leads where tenant_id = %s", (TENANT_A,)).fetchone()
    assert row is not None
    return int(row[0])


def _client(app: Any, ip: str) -> TestClient:
    return TestClient(app, raise_server_exceptions=False, client=(ip, 1234))


def test_the_ip_limit_holds_across_two_app_instances(leads_app: Any, superuser_url: str) -> None:
    from docflow_leads.routes import router

    other_instance = create_app(router, title="second instance")
    first, second = _client(leads_app, "198.51.100.20"), _client(other_instance, "198.51.100.20")
    statuses = [
        first.post("/api/leads", json=submission(email=f"a{i}@example.fi")).status_code for i in range(2)
    ]
    statuses.append(second.post("/api/leads", json=submission(email="a2@example.fi")).status_code)
    refused = second.post("/api/leads", json=submission(email="a3@example.fi"))
    assert statuses == [202, 202, 202]
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert 1 <= int(refused.headers["retry-after"]) <= 600
    assert first.post("/api/leads", json=submission(email="a4@example.fi")).status_code == 429
    assert _count(superuser_url) == 3
    other_ip = _client(leads_app, "198.51.100.21")
    assert other_ip.post("/api/leads", json=submission(email="a5@example.fi")).status_code == 202


def test_the_email_limit_holds_across_addresses(leads_app: Any, superuser_url: str) -> None:
    messages = [f"Viesti {i}" for i in range(3)]
    statuses = [
        _client(leads_app, f"192.0.2.{i}").post("/api/leads", json=submission(message=m)).status_code
        for i, m in enumerate(messages)
    ]
    assert statuses == [202, 202, 429]
    assert _count(superuser_url) == 2


def test_the_lambda_event_source_ip_is_the_client(superuser_url: str) -> None:
    """Through Mangum, ``requestContext.http.sourceIp`` is what the IP limit counts."""
    from docflow_leads.handler import handler

    event = json.loads((ROOT / "events" / "leads" / "post-lead.json").read_text())

    def invoke(ip: str, email: str) -> dict[str, Any]:
        body = json.loads(event["body"])
        body["email"] = email
        result: dict[str, Any] = handler(
            {
                **event,
                "body": json.dumps(body),
                "requestContext": {
                    **event["requestContext"],
                    "http": {**event["requestContext"]["http"], "sourceIp": ip},
                },
            },
            LocalLambdaContext("leads"),
        )
        return result

    codes = [invoke("203.0.113.77", f"e{i}@example.fi")["statusCode"] for i in range(4)]
    assert codes == [202, 202, 202, 429]
    assert invoke("203.0.113.78", "e9@example.fi")["statusCode"] == 202
