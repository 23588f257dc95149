"""``docflow.retention.purge_expired``: batches repeated in transactions of their own until no table
fills its batch, bounded by the rounds a run may take."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from docflow.retention import purge_expired

pytestmark = pytest.mark.db

#: Older than every other test's rows, so these are the first a call deletes.
EPOCH = datetime(1970, 1, 2, tzinfo=UTC)


def _events(superuser_url: str, n: int) -> list[str]:
    ids = [f"evt_rounds{uuid.uuid4().hex[:12]}_{i}" for i in range(n)]
    with psycopg.connect(superuser_url) as conn:
        for i, event_id in enumerate(ids):
            at = EPOCH + timedelta(seconds=i)
            conn.execute(
                "insert into public.stripe_events (event_id, event_type, stripe_created, processed_at)"
                " values (%s, 'invoice.paid', %s, %s)",
                (event_id, at, at),
            )
    return ids


def _left(superuser_url: str, ids: list[str]) -> list[str]:
    with psycopg.connect(superuser_url) as conn:
        rows = conn.execute(
            "select event_id from public.stripe_events where event_id = any(%s) order by event_id", (ids,)
        ).fetchall()
    return [row[0] for row in rows]


def test_batches_repeat_until_no_table_fills_its_batch(superuser_url: str) -> None:
    ids = _events(superuser_url, 5)
    totals = purge_expired(batch=2)
    assert _left(superuser_url, ids) == []
    assert totals["stripe_events"] >= 5


def test_a_run_stops_after_its_rounds(superuser_url: str) -> None:
    ids = _events(superuser_url, 5)
    totals = purge_expired(batch=1, max_rounds=2)
    assert totals["stripe_events"] == 2
    assert _left(superuser_url, ids) == sorted(ids[2:])
    purge_expired(batch=10)
    assert _left(superuser_url, ids) == []
