"""Membership SQL on the request's RLS-bound transaction. The trigger on ``tenant_members`` has the
last word on the owner rules; :func:`docflow.db.translate_errors` makes its errors a 409 (last owner)
or a 403 (admin and owner)."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import datetime
from typing import Any

from docflow.db import translate_errors
from docflow.errors import NotFound, Unprocessable
from docflow.http.deps import TenantContext
from docflow.tenancy import Role


def encode_cursor(joined_at: datetime, user_id: uuid.UUID) -> str:
    raw = json.dumps([joined_at.isoformat(), str(user_id)]).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        joined_at, user_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return datetime.fromisoformat(joined_at), uuid.UUID(user_id)
    except (ValueError, TypeError):
        raise Unprocessable("The cursor is not valid; start again without one") from None


def list_members(
    tenant: TenantContext, *, after: tuple[datetime, uuid.UUID] | None, limit: int
) -> list[dict[str, Any]]:
    """``limit + 1`` members of the current tenant in joining order."""
    return tenant.conn.execute(
        """
        select user_id, email, display_name, role, joined_at, user_id = auth.uid() as is_me
          from app_private.tenant_member_directory()
         where (%(after_at)s::timestamptz is null
                or (joined_at, user_id) > (%(after_at)s, %(after_id)s::uuid))
         order by joined_at, user_id
         limit %(limit)s
        """,
        {
            "after_at": after[0] if after else None,
            "after_id": after[1] if after else None,
            "limit": limit + 1,
        },
    ).fetchall()


def get_member(tenant: TenantContext, user_id: uuid.UUID) -> dict[str, Any]:
    """One member of the current tenant (404 otherwise)."""
    row = tenant.conn.execute(
        """
        select user_id, email, display_name, role, joined_at, user_id = auth.uid() as is_me
          from app_private.tenant_member_directory() where user_id = %s
        """,
        (user_id,),
    ).fetchone()
    if row is None:
        raise NotFound("No such member in this tenant")
    return row


def lock_role(tenant: TenantContext, user_id: uuid.UUID) -> Role:
    """The member's current role, row locked for the change that follows."""
    row = tenant.conn.execute(
        "select role from public.tenant_members where tenant_id = %s and user_id = %s for update",
        (tenant.tenant_id, user_id),
    ).fetchone()
    if row is None:
        raise NotFound("No such member in this tenant")
    return Role(row["role"])


def set_role(tenant: TenantContext, user_id: uuid.UUID, role: Role) -> None:
    with translate_errors():
        tenant.conn.execute(
            "update public.tenant_members set role = %s where tenant_id = %s and user_id = %s",
            (role.value, tenant.tenant_id, user_id),
        )


def remove_member(tenant: TenantContext, user_id: uuid.UUID) -> None:
    with translate_errors():
        row = tenant.conn.execute(
            "delete from public.tenant_members where tenant_id = %s and user_id = %s returning user_id",
            (tenant.tenant_id, user_id),
        ).fetchone()
    if row is None:
        raise NotFound("No such member in this tenant")
