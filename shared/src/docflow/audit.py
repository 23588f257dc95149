"""Audit records of sensitive actions, written in the transaction of the action itself."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from docflow.observability import current_correlation_id

if TYPE_CHECKING:
    from docflow.db import Connection


def record(
    conn: Connection,
    *,
    action: str,
    actor: uuid.UUID,
    tenant_id: uuid.UUID | None = None,
    target_type: str | None = None,
    target_id: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Append one ``audit_log`` row (ids and codes only; callers scrub free text)."""
    from psycopg.types.json import Jsonb  # psycopg loads with the first query, not at cold start

    conn.execute(
        """
        insert into public.audit_log
          (tenant_id, actor_user_id, action, target_type, target_id, details, correlation_id)
        values (%s, %s, %s, %s, %s, %s, %s)
        """,
        (
            tenant_id,
            actor,
            action,
            target_type,
            target_id,
            Jsonb(details or {}),
            current_correlation_id(),
        ),
    )
