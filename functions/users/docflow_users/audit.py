"""Audit entries for membership changes, written in the request's transaction."""

from __future__ import annotations

import uuid
from typing import Any

from docflow import audit
from docflow.http.deps import TenantContext


def record(tenant: TenantContext, action: str, *, target_user: uuid.UUID, details: dict[str, Any]) -> None:
    """Append one entry to ``public.audit_log``: ids and roles only, never an e-mail address."""
    audit.record(
        tenant.conn,
        action=action,
        actor=tenant.user_id,
        tenant_id=tenant.tenant_id,
        target_type="user",
        target_id=str(target_user),
        details=details,
    )
