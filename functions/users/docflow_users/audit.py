"""Audit entries for membership changes, written in the request's transaction."""

from __future__ import annotations

import json
import uuid
from typing import Any

from docflow.http.deps import TenantContext
from docflow.observability import current_correlation_id


def record(tenant: TenantContext, action: str, *, target_user: uuid.UUID, details: dict[str, Any]) -> None:
    """Append one entry to ``public.audit_log``: ids and roles only, never an e-mail address."""
    tenant.conn.execute(
        """
        insert into public.audit_log (tenant_id, actor_user_id, action, target_type, target_id, details,
                                      correlation_id)
        values (%s, %s, %s, 'user', %s, %s::jsonb, %s)
        """,
        (
            tenant.tenant_id,
            tenant.user_id,
            action,
            str(target_user),
            json.dumps(details),
            current_correlation_id(),
        ),
    )
