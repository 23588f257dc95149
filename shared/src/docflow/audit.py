"""Audit records of sensitive actions, written in the transaction of the action itself.

The one writer of ``public.audit_log``. A request acting for a tenant passes its tenant context
(:func:`record_tenant_action`: actor and tenant come from it); a background job or a platform admin's
request passes its connection and says who acts (:func:`record`). Details hold ids, codes and counts
only, never personal data; callers scrub free text.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from docflow.observability import current_correlation_id

if TYPE_CHECKING:
    from docflow.db import Connection


class TenantActor(Protocol):
    """A request acting for one tenant (``docflow.http.deps.TenantContext``)."""

    @property
    def conn(self) -> Connection: ...

    @property
    def tenant_id(self) -> uuid.UUID: ...

    @property
    def user_id(self) -> uuid.UUID: ...


def record(
    conn: Connection,
    *,
    action: str,
    actor: uuid.UUID | None,
    tenant_id: uuid.UUID | None = None,
    target_type: str | None = None,
    target_id: uuid.UUID | str | None = None,
    details: Mapping[str, Any] | None = None,
) -> None:
    """Append one ``audit_log`` row; ``actor`` is ``None`` for an anonymous caller (a public form).

    Ids in ``details`` are stored as strings.
    """
    conn.execute(
        """
        insert into public.audit_log
          (tenant_id, actor_user_id, action, target_type, target_id, details, correlation_id)
        values (%s, %s, %s, %s, %s, %s::jsonb, %s)
        """,
        (
            tenant_id,
            actor,
            action,
            target_type,
            None if target_id is None else str(target_id),
            json.dumps(dict(details or {}), default=_id_text),
            current_correlation_id(),
        ),
    )


def record_tenant_action(
    tenant: TenantActor,
    *,
    action: str,
    target_type: str,
    target_id: uuid.UUID | str,
    details: Mapping[str, Any] | None = None,
) -> None:
    """Append one ``audit_log`` row for what the request's user did in the request's tenant."""
    record(
        tenant.conn,
        action=action,
        actor=tenant.user_id,
        tenant_id=tenant.tenant_id,
        target_type=target_type,
        target_id=target_id,
        details=details,
    )


def _id_text(value: object) -> str:
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(f"audit details hold ids, codes and numbers, not {type(value).__name__}")
