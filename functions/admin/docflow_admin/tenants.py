"""Tenant queries and status changes for platform staff (run in ``system_transaction``s)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from docflow.db.compose import Conditions, contains_pattern, statement
from docflow.errors import Conflict, NotFound
from docflow.http.pagination import Keyset, Page, fetch_page
from docflow_admin.schemas import TenantQuery, TenantStatus, TenantUsagePublic
from docflow_admin.usage import receipt_usage

if TYPE_CHECKING:
    from docflow.db import Connection

_SELECT = """
    select t.id, t.name, t.status, t.created_at, t.suspended_at,
           (select count(*) from public.tenant_members m where m.tenant_id = t.id) as members
      from public.tenants t
"""


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


TENANT_ORDER = Keyset("tenants", ("t.created_at", "t.id"), (datetime, uuid.UUID))


def list_tenants(conn: Connection, query: TenantQuery) -> Page[TenantUsagePublic]:
    """Tenants oldest first (``created_at``, ``id``), searched by name or exact id."""
    where = Conditions()
    if query.q:
        try:
            where.add("t.id = %(id)s", id=uuid.UUID(query.q))
        except ValueError:
            where.add("t.name ilike %(name)s", name=contains_pattern(query.q))
    where.add_if_given("t.status = %(status)s", status=query.status)
    page = fetch_page(conn, statement(_SELECT), where, order=TENANT_ORDER, page=query, item=dict)
    return Page(items=_with_usage(conn, page.items), next_cursor=page.next_cursor)


def get_tenant(conn: Connection, tenant_id: uuid.UUID) -> TenantUsagePublic:
    """One tenant with its usage (404 when there is none with this id)."""
    row = conn.execute(statement("{select} where t.id = %s", select=_SELECT), (tenant_id,)).fetchone()
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
