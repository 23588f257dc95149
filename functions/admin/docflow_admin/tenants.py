"""Tenant queries and status changes for platform staff (run in ``system_transaction``s)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from docflow.errors import Conflict, NotFound, Unprocessable
from docflow_admin.cursor import decode_cursor, encode_cursor
from docflow_admin.schemas import TenantPage, TenantStatus, TenantUsagePublic
from docflow_admin.usage import receipt_usage

if TYPE_CHECKING:
    from docflow.db import Connection

_SELECT = """
    select t.id, t.name, t.status, t.created_at, t.suspended_at,
           (select count(*) from public.tenant_members m where m.tenant_id = t.id) as members
      from public.tenants t
"""


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _with_usage(conn: Connection, rows: list[dict[str, Any]]) -> list[TenantUsagePublic]:
    usage = receipt_usage(conn, [row["id"] for row in rows])
    return [
        TenantUsagePublic(
            **row,
            receipts=usage[row["id"]].receipts if usage is not None else None,
            storage_bytes=usage[row["id"]].storage_bytes if usage is not None else None,
        )
        for row in rows
    ]


def list_tenants(
    conn: Connection,
    *,
    query: str | None,
    status: TenantStatus | None,
    limit: int,
    cursor: str | None,
) -> TenantPage:
    """Tenants oldest first (``created_at``, ``id``), searched by name or exact id."""
    from psycopg import sql

    conditions: list[sql.Composable] = []
    params: list[Any] = []
    if query:
        try:
            params.append(uuid.UUID(query))
            conditions.append(sql.SQL("t.id = %s"))
        except ValueError:
            params.append(_like_pattern(query))
            conditions.append(sql.SQL("t.name ilike %s"))
    if status:
        conditions.append(sql.SQL("t.status = %s"))
        params.append(status)
    after = decode_cursor(cursor, size=2)
    if after is not None:
        try:
            params.extend([datetime.fromisoformat(after[0]), uuid.UUID(after[1])])
        except ValueError:
            raise Unprocessable("The cursor is not valid") from None
        conditions.append(sql.SQL("(t.created_at, t.id) > (%s, %s)"))
    where = sql.SQL(" where ") + sql.SQL(" and ").join(conditions) if conditions else sql.SQL("")
    statement = sql.SQL(_SELECT) + where + sql.SQL(" order by t.created_at, t.id limit %s")
    rows = conn.execute(statement, [*params, limit + 1]).fetchall()
    page, more = rows[:limit], len(rows) > limit
    next_cursor = encode_cursor(page[-1]["created_at"].isoformat(), page[-1]["id"]) if more else None
    return TenantPage(items=_with_usage(conn, page), next_cursor=next_cursor)


def get_tenant(conn: Connection, tenant_id: uuid.UUID) -> TenantUsagePublic:
    """One tenant with its usage (404 when there is none with this id)."""
    row = conn.execute(_SELECT + " where t.id = %s", (tenant_id,)).fetchone()
    if row is None:
        raise NotFound("No tenant with this id")
    return _with_usage(conn, [row])[0]


def set_status(conn: Connection, tenant_id: uuid.UUID, *, to: TenantStatus) -> TenantUsagePublic:
    """Suspend (``to="suspended"``) or reactivate a tenant; 409 when it already has that status."""
    current = conn.execute(
        "select status from public.tenants where id = %s for update", (tenant_id,)
    ).fetchone()
    if current is None:
        raise NotFound("No tenant with this id")
    if current["status"] == to:
        raise Conflict(f"The tenant is already {to}")
    conn.execute(
        """
        update public.tenants
           set status = %(to)s,
               suspended_at = case when %(to)s = 'suspended' then now() end
         where id = %(id)s
        """,
        {"to": to, "id": tenant_id},
    )
    return get_tenant(conn, tenant_id)
