"""``GET /api/metrics``: the token guard and the Prometheus text exposition of business counters."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from docflow.config import reset_settings
from docflow_local.seed import DemoData, demo_id

pytestmark = pytest.mark.db

TOKEN = "metrics-scraper-token-0123456789abcdef"
TENANT_A = demo_id("tenant:demo-oy")
_LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*"'
_SAMPLE = re.compile(rf"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{{{_LABEL}(?:,{_LABEL})*\}})? (\S+)$")


@pytest.fixture(scope="module")
def app(postgres: object) -> Any:
    from docflow_metrics.handler import app

    return app


@pytest.fixture
def client(app: Any, demo: DemoData) -> TestClient:
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture
def configured(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("METRICS_TOKEN", TOKEN)
    reset_settings()
    yield
    monkeypatch.undo()
    reset_settings()


def parse_exposition(text: str) -> dict[tuple[str, str], float]:
    """Check the text format line by line; returns {(name, labels): value}."""
    assert text.endswith("\n")
    samples: dict[tuple[str, str], float] = {}
    typed: set[str] = set()
    for line in text.splitlines():
        if line.startswith("# HELP "):
            continue
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ")
            assert kind in {"counter", "gauge"}
            assert name not in typed, f"{name} typed twice"
            typed.add(name)
            continue
        match = _SAMPLE.match(line)
        assert match, f"not a sample line: {line!r}"
        name, labels, value = match.groups()
        assert name in typed, f"{name} has no TYPE line before it"
        samples[(name, labels or "")] = float(value)
    return samples


def _scrape(client: TestClient) -> dict[tuple[str, str], float]:
    response = client.get("/api/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    return parse_exposition(response.text)


def test_without_a_configured_token_the_route_is_404(client: TestClient) -> None:
    response = client.get("/api/metrics", headers={"Authorization": "Bearer anything"})
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.usefixtures("configured")
@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer wrong", f"Basic {TOKEN}", f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}", TOKEN],
)
def test_a_missing_or_wrong_token_is_401(client: TestClient, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization is not None else {}
    response = client.get("/api/metrics", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert "docflow_" not in response.text


@pytest.mark.usefixtures("configured")
def test_two_authorization_headers_are_401(client: TestClient) -> None:
    response = client.get(
        "/api/metrics", headers=[("Authorization", f"Bearer {TOKEN}"), ("Authorization", f"Bearer {TOKEN}")]
    )
    assert response.status_code == 401


@pytest.mark.usefixtures("configured")
def test_user_tokens_are_not_metrics_tokens(client: TestClient, demo: DemoData, token_for: Any) -> None:
    owner = demo.users[0]
    response = client.get("/api/metrics", headers={"Authorization": f"Bearer {token_for(owner.user_id)}"})
    assert response.status_code == 401


@pytest.mark.usefixtures("configured")
def test_the_exposition_counts_leads_tenants_and_members(client: TestClient, superuser_url: str) -> None:
    before = _scrape(client)
    marker = uuid.uuid4().hex
    with psycopg.connect(superuser_url) as conn:
        for status in ("new", "new", "contacted", "won"):
            conn.execute(
                """
                insert into public.leads (tenant_id, name, email, message, message_sha256, status, consent_at)
                values (%s, %s, %s, 'm', repeat('a', 64), %s, now())
                """,
                (TENANT_A, f"Canary {marker}", f"{marker}@example.fi", status),
            )
        expected_tenants = conn.execute(
            "select count(*) from public.tenants where status = 'active'"
        ).fetchone()
    try:
        after = _scrape(client)
        response = client.get("/api/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    finally:
        with psycopg.connect(superuser_url) as conn:
            conn.execute("delete from public.leads where email = %s", (f"{marker}@example.fi",))

    def delta(name: str, labels: str = "") -> float:
        return after[(name, labels)] - before.get((name, labels), 0)

    assert delta("docflow_leads_captured_total") == 4
    assert delta("docflow_leads", '{status="new"}') == 2
    assert delta("docflow_leads", '{status="contacted"}') == 1
    assert delta("docflow_leads", '{status="won"}') == 1
    assert delta("docflow_leads", '{status="lost"}') == 0
    assert expected_tenants is not None
    assert after[("docflow_tenants_active", "")] == expected_tenants[0]
    assert after[("docflow_tenant_members", "")] >= 8
    assert marker not in response.text
    assert "Demo Oy" not in response.text


@pytest.mark.usefixtures("configured")
def test_receipt_counters_count_processed_failed_and_ocr_seconds(
    client: TestClient, superuser_url: str
) -> None:
    """GIVEN receipts of every outcome written behind the API WHEN scraped THEN each counter moves by
    exactly what was added (pending and processing receipts count nowhere)."""
    added = [
        ("processed", 1.25),
        ("needs_review", 2.5),
        ("failed", 0.75),
        ("pending", None),
        ("processing", None),
    ]
    ids = [uuid.uuid4() for _ in added]
    before = _scrape(client)
    with psycopg.connect(superuser_url) as conn:
        for receipt_id, (status, seconds) in zip(ids, added, strict=True):
            conn.execute(
                "insert into public.receipts (id, tenant_id, status, object_key, size_bytes, content_type,"
                " original_filename, ocr_seconds) values (%s, %s, %s, %s, 100, 'image/png', 'k.png', %s)",
                (receipt_id, TENANT_A, status, f"incoming/{TENANT_A}/{receipt_id}/k.png", seconds),
            )
    try:
        after = _scrape(client)
    finally:
        with psycopg.connect(superuser_url) as conn:
            conn.execute("delete from public.receipts where id = any(%s)", (ids,))

    def delta(name: str) -> float:
        return after[(name, "")] - before[(name, "")]

    assert delta("docflow_receipts_processed_total") == 2
    assert delta("docflow_receipts_failed_total") == 1
    assert delta("docflow_ocr_seconds_total") == pytest.approx(4.5)


@pytest.mark.usefixtures("configured")
def test_the_metrics_job_cannot_write(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """Counters are read in a read-only transaction: a write slipped into collection fails."""
    from docflow_metrics import collect

    def writer(conn: Any) -> list[Any]:
        conn.execute("insert into public.tenants (name) values ('should fail')")
        return []

    monkeypatch.setattr(collect, "_receipt_samples", writer)
    response = client.get("/api/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 500
    assert "should fail" not in response.text
