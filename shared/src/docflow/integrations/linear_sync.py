"""The Linear work of one outbox message: open the subject's issue once and record it.

A receipt gets an issue when it failed (``receipt_failed``) or waited for review past the tenant's
threshold (``receipt_review``), and only while it is still in that state; a support request
(``support``) always. ``public.linear_issues`` has one row per subject, so at most one issue exists
per receipt; the issue id is derived from the subject, so a crash between Linear's answer and the
record, or a duplicate delivery, finds the same issue instead of creating a second.
"""

from __future__ import annotations

import uuid
from typing import Any

from docflow.integrations import calls, linear
from docflow.integrations.errors import ProviderError
from docflow.integrations.store import Opened

Outcome = str


def _subject(conn: Any, tenant_id: uuid.UUID, topic: str, entity_id: uuid.UUID) -> tuple[str, str] | None:
    """Title and description of the subject's issue, or ``None`` when it no longer needs one."""
    if topic == "support":
        row = conn.execute(
            "select title, body from public.support_requests where tenant_id = %s and id = %s",
            (tenant_id, entity_id),
        ).fetchone()
        if row is None:
            return None
        return f"Support: {row['title']}", f"{row['body']}\n\nDocFlow support request {entity_id}"
    row = conn.execute(
        """
        select status, failure_reason, merchant, receipt_date, total, currency from public.receipts
         where tenant_id = %s and id = %s and deleted_at is null
        """,
        (tenant_id, entity_id),
    ).fetchone()
    wanted = "failed" if topic == "receipt_failed" else "needs_review"
    if row is None or row["status"] != wanted:
        return None
    what = "could not be read" if wanted == "failed" else "is waiting for review"
    lines = [
        f"DocFlow receipt {entity_id} {what}.",
        f"Status: {row['status']}",
        f"Reason: {row['failure_reason'] or '-'}",
        f"Merchant: {row['merchant'] or '-'}",
        f"Date: {row['receipt_date'] or '-'}",
        f"Total: {row['total'] if row['total'] is not None else '-'} {row['currency']}",
    ]
    return f"Receipt {what}: {row['merchant'] or str(entity_id)[:8]}", "\n".join(lines)


def open_issue(integration: Opened, topic: str, entity_id: uuid.UUID) -> Outcome:
    """Open (once) the issue of the message's subject; returns ``created``, ``exists``, ``skipped``
    or ``failed``. Transient provider errors are raised (the queue retries the message)."""
    from docflow.db import system_transaction
    from docflow.integrations.settings import get_integrations_settings

    tenant_id = integration.tenant_id
    kind = "support" if topic == "support" else "receipt"
    team_id = integration.settings.get("team_id")
    with system_transaction("integrations.linear", tenant_id=str(tenant_id)) as conn:
        existing = conn.execute(
            "select status from public.linear_issues"
            " where tenant_id = %s and subject_kind = %s and subject_id = %s",
            (tenant_id, kind, entity_id),
        ).fetchone()
        if existing is not None and existing["status"] == "created":
            return "exists"
        subject = _subject(conn, tenant_id, topic, entity_id)
        if subject is None:
            return "skipped"
        issue = linear.issue_id(tenant_id, kind, entity_id)
        conn.execute(
            """
            insert into public.linear_issues (tenant_id, subject_kind, subject_id, issue_id)
            values (%s, %s, %s, %s) on conflict (tenant_id, subject_kind, subject_id) do nothing
            """,
            (tenant_id, kind, entity_id, issue),
        )
        if not team_id:
            _failed(conn, tenant_id, kind, entity_id, "team_not_chosen")
            return "failed"
    title, description = subject
    rate = get_integrations_settings().linear_rate_per_second
    try:
        created = calls.call(
            tenant_id,
            "linear",
            rate,
            lambda: linear.create_issue(
                integration.secret, issue=issue, team_id=str(team_id), title=title, description=description
            ),
        )
    except ProviderError as error:
        if error.transient:
            raise
        with system_transaction("integrations.linear", tenant_id=str(tenant_id)) as conn:
            _failed(conn, tenant_id, kind, entity_id, error.upstream)
        return "failed"
    with system_transaction("integrations.linear", tenant_id=str(tenant_id)) as conn:
        conn.execute(
            """
            update public.linear_issues
               set status = 'created', identifier = %s, url = %s,
                   state_name = coalesce(state_name, %s), state_type = coalesce(state_type, %s),
                   error_code = null, attempts = attempts + 1, updated_at = now()
             where tenant_id = %s and subject_kind = %s and subject_id = %s
            """,
            (
                created.identifier,
                created.url,
                created.state_name,
                created.state_type,
                tenant_id,
                kind,
                entity_id,
            ),
        )
    return "created"


def _failed(conn: Any, tenant_id: uuid.UUID, kind: str, entity_id: uuid.UUID, code: str) -> None:
    conn.execute(
        """
        update public.linear_issues set status = 'failed', error_code = %s, attempts = attempts + 1,
               updated_at = now()
         where tenant_id = %s and subject_kind = %s and subject_id = %s and status <> 'created'
        """,
        (code[:100], tenant_id, kind, entity_id),
    )
