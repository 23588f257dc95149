"""The database utilities function on its schedule event: the retention job runs, answers and logs
the rows deleted per table (counts only) and sends the metric."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import psycopg
import pytest

from docflow_local.lambda_context import LocalLambdaContext
from tests.support.paths import REPO_ROOT
from tests.support.tenants import create_tenant

pytestmark = pytest.mark.db

EVENT = REPO_ROOT / "events" / "supabase_utils" / "schedule" / "retention.json"


def _invoke(event: dict[str, Any]) -> Any:
    from docflow_supabase_utils.handler import handler

    return handler(event, LocalLambdaContext("supabase_utils"))


def test_the_schedule_event_purges_and_logs_only_counts(
    superuser_url: str, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docflow import metrics

    added: list[dict[str, Any]] = []
    monkeypatch.setattr(
        metrics, "get_metrics", lambda: SimpleNamespace(add_metric=lambda **m: added.append(m))
    )
    tenant = create_tenant(superuser_url).id
    event_id = f"evt_job{uuid.uuid4().hex[:12]}"
    address = f"gone-{uuid.uuid4().hex[:8]}@example.test"
    old = datetime.now(UTC) - timedelta(days=200)
    with psycopg.connect(superuser_url) as conn:
        conn.execute(
            "insert into public.stripe_events (event_id, event_type, stripe_created, processed_at)"
            " values (%s, 'invoice.paid', %s, %s)",
            (event_id, old, old),
        )
        conn.execute(
            "insert into public.email_sends (tenant_id, idempotency_key, kind, recipient, locale, status,"
            " created_at, updated_at) values (%s, %s, 'invitation', %s, 'fi', 'delivered', %s, %s)",
            (tenant, f"invitation/{event_id}/v1", address, old, old),
        )
    answer = _invoke(json.loads(EVENT.read_text()))
    deleted = answer["deleted"]
    assert set(deleted) >= {"stripe_events", "email_sends", "integration_outbox", "rate_limits"}
    assert deleted["stripe_events"] >= 1
    assert deleted["email_sends"] >= 1
    with psycopg.connect(superuser_url) as conn:
        left = conn.execute(
            "select (select count(*) from public.stripe_events where event_id = %s),"
            " (select count(*) from public.email_sends where recipient = %s)",
            (event_id, address),
        ).fetchone()
    assert left == (0, 0)
    logged = [r for r in caplog.records if r.getMessage() == "retention purge finished"]
    assert len(logged) == 1
    assert logged[0].__dict__["deleted"] == deleted
    assert address not in caplog.text
    assert added == [{"name": "RetentionRowsDeleted", "unit": "Count", "value": sum(deleted.values())}]


def test_an_http_event_still_reaches_the_app(postgres: object) -> None:
    event = json.loads((REPO_ROOT / "events" / "supabase_utils" / "get-rls-check-no-token.json").read_text())
    assert _invoke(event)["statusCode"] == 401
