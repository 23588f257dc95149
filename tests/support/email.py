"""Helpers of the e-mail suites: the session's fake Resend reset per test, send log rows."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row

from docflow_local.fake_resend import FakeResend


@pytest.fixture
def resend(resend_fake: FakeResend, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeResend]:
    """The session's fake Resend with no faults, latency or rate limit left behind, and no backoff
    sleeps (the retries still happen)."""
    monkeypatch.setattr("docflow.email.client._sleep", lambda _seconds: None)
    yield resend_fake
    resend_fake.state.faults.clear()
    resend_fake.latency_seconds = 0.0
    resend_fake.rate_per_second = 1000


def sends(superuser_url: str, tenant_id: uuid.UUID) -> list[dict[str, Any]]:
    """The tenant's send log, oldest first."""
    with psycopg.connect(superuser_url, row_factory=dict_row) as conn:
        return conn.execute(
            "select * from public.email_sends where tenant_id = %s order by created_at, idempotency_key",
            (tenant_id,),
        ).fetchall()
