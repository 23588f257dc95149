"""Audit entries for membership changes, written in the request's transaction."""

from __future__ import annotations

import uuid
from typing import Any

from docflow import audit
from docflow.http.deps import TenantContext


def record(
    tenant: TenantContext,
    action: str,
    *,
    target_user: uuid.UUID | None = None,
    target_invitation: uuid.UUID | None = None,
    details: dict[str, Any],
) -> None:
    """Append one entry to ``public.audit_log``: ids and roles only, never an e-mail address."""
    target_type, target = ("invitation", target_invitation) if target_invitation else ("user", target_user)
    audit.record(
        tenant.conn,
        action=action,
        actor=tenant.user_id,
        tenant_id=tenant.tenant_id,
        target_type=target_type,
        target_id=str(target),
        details=details,
    )
