"""``app_private.purge_expired`` (migration 0094) on the real database: each table's rows past their
period go, rows inside it stay, pending and still-needed rows stay however old, a call deletes at most
its batch per table, and only the system role may call it.

Each test passes its own moment in the past as ``p_now``, with its rows dated just before it, so rows
of other tests (dated later) are never eligible and the counts are exactly this test's.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest

from docflow.config import get_settings
from docflow.db import set_request_claims
from tests.integration.shared.integrations.conftest import insert_receipt
from tests.support.tenants import create_tenant

pytestmark = pytest.mark.db

TABLES = {
    "stripe_events",
    "resend_webhook_deliveries",
    "linear_webhook_deliveries",
    "integration_outbox",
    "email_sends",
    "email_inbound_messages",
    "rate_limits",
    "integration_rate_slots",
}


def purge(now: datetime, batch: int) -> dict[str, int]:
    """One call as the background jobs make it (``service_role``), committed."""
    with psycopg.connect(get_settings().database_url) as conn:
        set_request_claims(
            conn, {"role": "service_role", "docflow_job": "tests.retention"}, role="service_role"
        )
        rows = conn.execute(
            "select table_name, deleted from app_private.purge_expired(%s, %s)", (now, batch)
        ).fetchall()
    return {str(name): int(count) for name, count in rows}


def count(superuser_url: str, query: str, *params: Any) -> int:
    with psycopg.connect(superuser_url) as conn:
        row = conn.execute(query, params).fetchone()
    assert row is not None
    return int(row[0])


def _hex(label: str) -> str:
    return hashlib.sha256(f"{label}:{uuid.uuid4()}".encode()).hexdigest()


def _seed_each_table(conn: psycopg.Connection[Any], tenant: uuid.UUID, at: datetime, tag: str) -> None:
    """One row per table dated ``at`` (its retention clock), named by ``tag``."""
    conn.execute(
        "insert into public.stripe_events (event_id, event_type, stripe_created, processed_at)"
        " values (%s, 'invoice.paid', %s, %s)",
        (f"evt_{tag}", at, at),
    )
    conn.execute(
        "insert into public.resend_webhook_deliveries (svix_id, event_type, processed_at)"
        " values (%s, 'email.delivered', %s)",
        (f"msg_{tag}", at),
    )
    conn.execute(
        "insert into public.linear_webhook_deliveries (delivery_id, processed_at) values (%s, %s)",
        (f"dlv_{tag}", at),
    )
    conn.execute(
        "insert into public.integration_outbox (tenant_id, provider, topic, entity_id, created_at,"
        " published_at) values (%s, 'notion', 'client', %s, %s, %s)",
        (tenant, uuid.UUID(int=uuid.uuid5(uuid.NAMESPACE_URL, tag).int), at, at),
    )
    conn.execute(
        "insert into public.email_sends (tenant_id, idempotency_key, kind, recipient, locale, status,"
        " created_at, updated_at) values (%s, %s, 'invitation', %s, 'fi', 'delivered', %s, %s)",
        (tenant, f"invitation/{tag}/v1", f"{tag}@example.test", at, at),
    )
    conn.execute(
        "insert into public.email_inbound_messages (tenant_id, dedup_key, status, reason, created_at)"
        " values (%s, %s, 'rejected', 'no_attachments', %s)",
        (tenant, hashlib.sha256(tag.encode()).hexdigest(), at),
    )
    conn.execute(
        "insert into app_private.rate_limits (bucket, window_started_at, expires_at, hits)"
        " values (%s, %s, %s, 1)",
        (hashlib.sha256(tag.encode()).hexdigest(), at - timedelta(minutes=1), at),
    )
    conn.execute(
        "insert into app_private.integration_rate_slots (tenant_id, provider, next_at) values (%s, %s, %s)",
        (tenant, tag, at),
    )


#: Per table, the relation and condition finding the row ``_seed_each_table`` wrote for a tag.
FIND = {
    "stripe_events": "public.stripe_events where event_id = 'evt_' || %s",
    "resend_webhook_deliveries": "public.resend_webhook_deliveries where svix_id = 'msg_' || %s",
    "linear_webhook_deliveries": "public.linear_webhook_deliveries where delivery_id = 'dlv_' || %s",
    "integration_outbox": "public.integration_outbox where entity_id = %s::uuid",
    "email_sends": "public.email_sends where idempotency_key = 'invitation/' || %s || '/v1'",
    "email_inbound_messages": "public.email_inbound_messages where dedup_key = %s",
    "rate_limits": "app_private.rate_limits where bucket = %s",
    "integration_rate_slots": "app_private.integration_rate_slots where provider = %s",
}


def _present(superuser_url: str, tag: str) -> dict[str, int]:
    digest = hashlib.sha256(tag.encode()).hexdigest()
    params = {
        "integration_outbox": str(uuid.UUID(int=uuid.uuid5(uuid.NAMESPACE_URL, tag).int)),
        "email_inbound_messages": digest,
        "rate_limits": digest,
    }
    return {
        table: count(superuser_url, f"select count(*) from {where}", params.get(table, tag))  # noqa: S608 - fixed relations
        for table, where in FIND.items()
    }


# Period of each table, and how far inside it the kept row is dated.
PERIODS = {
    "stripe_events": timedelta(days=30),
    "resend_webhook_deliveries": timedelta(days=30),
    "linear_webhook_deliveries": timedelta(days=30),
    "integration_outbox": timedelta(days=30),
    "email_sends": timedelta(days=180),
    "email_inbound_messages": timedelta(days=90),
    "rate_limits": timedelta(0),
    "integration_rate_slots": timedelta(days=1),
}


@pytest.mark.parametrize("table", sorted(PERIODS))
def test_a_row_just_past_its_period_is_deleted_and_one_just_inside_is_kept(
    superuser_url: str, table: str
) -> None:
    now = datetime(1991, 1, 1, tzinfo=UTC) + timedelta(days=10 * sorted(PERIODS).index(table))
    tenant = create_tenant(superuser_url).id
    past, inside = f"past{uuid.uuid4().hex[:12]}", f"inside{uuid.uuid4().hex[:12]}"
    with psycopg.connect(superuser_url) as conn:
        _seed_each_table(conn, tenant, now - PERIODS[table] - timedelta(minutes=1), past)
        _seed_each_table(conn, tenant, now - PERIODS[table] + timedelta(minutes=1), inside)
    deleted = purge(now, 100)
    assert set(deleted) == TABLES
    assert deleted[table] >= 1
    assert _present(superuser_url, past)[table] == 0
    assert _present(superuser_url, inside)[table] == 1


def test_rows_far_past_every_period_are_all_deleted(superuser_url: str) -> None:
    now = datetime(1993, 1, 1, tzinfo=UTC)
    tenant = create_tenant(superuser_url).id
    tag = f"old{uuid.uuid4().hex[:12]}"
    with psycopg.connect(superuser_url) as conn:
        _seed_each_table(conn, tenant, now - timedelta(days=365), tag)
    assert _present(superuser_url, tag) == dict.fromkeys(TABLES, 1)
    purge(now, 100)
    assert _present(superuser_url, tag) == dict.fromkeys(TABLES, 0)


def test_pending_and_still_needed_rows_are_kept_however_old(superuser_url: str) -> None:
    now = datetime(1995, 1, 1, tzinfo=UTC)
    long_ago = now - timedelta(days=3650)
    tenant = create_tenant(superuser_url).id
    reading = insert_receipt(superuser_url, tenant, status="pending")
    waiting = insert_receipt(superuser_url, tenant, status="needs_review")
    with_issue = insert_receipt(superuser_url, tenant, status="needs_review")
    done = insert_receipt(superuser_url, tenant, status="processed")
    key = f"invitation/pending-{uuid.uuid4()}/v1"
    dedup_reading, dedup_done = _hex("reading"), _hex("done")
    with psycopg.connect(superuser_url) as conn:
        conn.execute(
            "insert into public.email_sends (tenant_id, idempotency_key, kind, recipient, locale,"
            " status, created_at, updated_at)"
            " values (%s, %s, 'invitation', 'a@example.test', 'fi', 'pending', %s, %s)",
            (tenant, key, long_ago, long_ago),
        )
        conn.execute(
            "insert into public.integration_outbox (tenant_id, provider, topic, entity_id, created_at)"
            " values (%s, 'notion', 'client', %s, %s)",
            (tenant, reading, long_ago),
        )
        for receipt in (waiting, with_issue):
            conn.execute(
                "insert into public.integration_outbox (tenant_id, provider, topic, entity_id, created_at,"
                " published_at) values (%s, 'linear', 'receipt_review', %s, %s, %s)",
                (tenant, receipt, long_ago, long_ago),
            )
        conn.execute(
            "insert into public.linear_issues (tenant_id, subject_kind, subject_id, issue_id, status)"
            " values (%s, 'receipt', %s, %s, 'created')",
            (tenant, with_issue, uuid.uuid4()),
        )
        for dedup, receipt in ((dedup_reading, reading), (dedup_done, done)):
            conn.execute(
                "insert into public.email_inbound_messages (tenant_id, dedup_key, status, attachments,"
                " receipt_ids, created_at) values (%s, %s, 'accepted', 1, %s, %s)",
                (tenant, dedup, [receipt], long_ago),
            )
    purge(now, 100)
    assert (
        count(superuser_url, "select count(*) from public.email_sends where idempotency_key = %s", key) == 1
    )
    outbox = "select count(*) from public.integration_outbox where entity_id = %s"
    assert count(superuser_url, outbox, reading) == 1  # never published
    assert count(superuser_url, outbox, waiting) == 1  # the review sweep would queue it again
    assert count(superuser_url, outbox, with_issue) == 0  # its issue exists
    inbound = "select count(*) from public.email_inbound_messages where dedup_key = %s"
    assert count(superuser_url, inbound, dedup_reading) == 1  # its receipt is still being read
    assert count(superuser_url, inbound, dedup_done) == 0


def test_a_call_deletes_at_most_its_batch_per_table_oldest_first(superuser_url: str) -> None:
    now = datetime(1980, 1, 1, tzinfo=UTC)
    ids = [f"evt_batch{uuid.uuid4().hex[:12]}_{n}" for n in range(5)]
    with psycopg.connect(superuser_url) as conn:
        for n, event_id in enumerate(ids):
            at = now - timedelta(days=60 - n)
            conn.execute(
                "insert into public.stripe_events (event_id, event_type, stripe_created, processed_at)"
                " values (%s, 'invoice.paid', %s, %s)",
                (event_id, at, at),
            )
    left = "select count(*) from public.stripe_events where event_id = any(%s)"
    assert purge(now, 3)["stripe_events"] == 3
    assert count(superuser_url, left, ids) == 2
    assert count(superuser_url, left, ids[3:]) == 2  # the two newest wait for the next call
    assert purge(now, 3)["stripe_events"] == 2
    assert count(superuser_url, left, ids) == 0
    assert purge(now, 3)["stripe_events"] == 0


@pytest.mark.parametrize("batch", [0, -1, 10001, None])
def test_a_batch_outside_its_bounds_is_refused(postgres: object, batch: int | None) -> None:
    with pytest.raises(psycopg.errors.InvalidParameterValue):
        purge(datetime(1980, 1, 1, tzinfo=UTC), batch)  # type: ignore[arg-type]


@pytest.mark.parametrize("role", ["authenticated", "anon"])
def test_request_roles_cannot_call_it(act_as: Callable[..., Any], role: str) -> None:
    claims = {"role": "authenticated", "sub": str(uuid.uuid4())} if role == "authenticated" else None
    with act_as(claims, role) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("select * from app_private.purge_expired(now(), 10)")


def test_only_the_system_role_may_execute_it(superuser_url: str) -> None:
    with psycopg.connect(superuser_url) as conn:
        row = conn.execute(
            """
            select p.prosecdef, p.proconfig,
                   has_function_privilege('service_role', p.oid, 'execute'),
                   has_function_privilege('authenticated', p.oid, 'execute'),
                   has_function_privilege('anon', p.oid, 'execute'),
                   has_function_privilege('public', p.oid, 'execute')
              from pg_proc p where p.oid = 'app_private.purge_expired(timestamptz, integer)'::regprocedure
            """
        ).fetchone()
    assert row == (True, ['search_path=""'], True, False, False, False)
