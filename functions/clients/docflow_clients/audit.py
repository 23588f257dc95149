"""Audit entries for sensitive client actions (bulk import), written in the request's transaction."""

from __future__ import annotations

import json
from typing import Any

from docflow.http.deps import TenantContext
from docflow.observability import current_correlation_id


def record(
    tenant: TenantContext, action: str, *, target_type: str, target_id: str, details: dict[str, Any]
) -> None:
    """Append one entry to ``public.audit_log`` (no personal data in ``details``)."""
    tenant.conn.execute(
        """
        insert into public.audit_log (tenant_id, actor_user_id, action, target_type, target_id, details,
                                      correlation_id)
        values (%s, %s, %s, %s, %s, %s::jsonb, %s)
        """,
        (
            tenant.tenant_id,
            tenant.user_id,
            action,
            target_type,
            target_id,
            json.dumps(details),
            current_correlation_id(),
        ),
    )
