"""SQL of the clients route group. Every statement runs on the request's RLS-bound transaction and
also names the tenant explicitly, so the indexes serve it and a policy slip would still find nothing."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from docflow.clients import CLIENT_COLUMNS, duplicate_is_conflict
from docflow.errors import NotFound, Unprocessable
from docflow.http.deps import TenantContext

CONTACT_COLUMNS = "id, client_id, name, title, email, phone, is_primary, created_at, updated_at"
#: Most clients one export holds (a Lambda response is at most 6 MB); larger tenants export by status.
EXPORT_MAX_ROWS = 20_000


@dataclass(frozen=True, slots=True)
class ClientFilter:
    """What a list request asks for."""

    status: str = "active"
    q: str | None = None
    tag: str | None = None
    kind: str | None = None
    after: tuple[str, uuid.UUID] | None = None
    limit: int = 50


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def list_clients(tenant: TenantContext, flt: ClientFilter) -> list[dict[str, Any]]:
    """One page (``limit + 1`` rows, to know whether another follows) ordered by ``(name, id)``."""
    q = flt.q.strip() if flt.q else None
    params: dict[str, Any] = {
        "tenant": tenant.tenant_id,
        "status": flt.status,
        "q": q or None,
        "pattern": _like(q) if q else None,
        "qtag": q.lower() if q else None,
        "qdigits": "".join(ch for ch in q if ch.isdigit()) if q else None,
        "tag": flt.tag.strip().lower() if flt.tag else None,
        "kind": flt.kind,
        "after_name": flt.after[0] if flt.after else None,
        "after_id": flt.after[1] if flt.after else None,
        "limit": flt.limit + 1,
    }
    return tenant.conn.execute(
        f"""
        select {CLIENT_COLUMNS}
          from public.clients
         where tenant_id = %(tenant)s
           and (%(status)s = 'all' or (%(status)s = 'active') = (archived_at is null))
           and (%(q)s::text is null
                or name ilike %(pattern)s or email ilike %(pattern)s or business_id ilike %(pattern)s
                or (length(%(qdigits)s) >= 7 and replace(business_id, '-', '') like %(qdigits)s || '%%')
                or %(qtag)s = any (tags))
           and (%(tag)s::text is null or tags @> array[%(tag)s::text])
           and (%(kind)s::text is null or kind = %(kind)s)
           and (%(after_name)s::text is null or (name, id) > (%(after_name)s, %(after_id)s::uuid))
         order by name, id
         limit %(limit)s
        """,  # noqa: S608 - the interpolated text is the constant column list
        params,
    ).fetchall()


def get_client(tenant: TenantContext, client_id: uuid.UUID, *, for_update: bool = False) -> dict[str, Any]:
    """One client of the tenant (404 for anything else, including another tenant's id)."""
    lock = " for update" if for_update else ""
    row = tenant.conn.execute(
        f"select {CLIENT_COLUMNS} from public.clients where tenant_id = %s and id = %s{lock}",  # noqa: S608
        (tenant.tenant_id, client_id),
    ).fetchone()
    if row is None:
        raise NotFound("No such client")
    return row


def update_client(tenant: TenantContext, client_id: uuid.UUID, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Apply ``changes`` (column -> value; the names come from the schema, never from the client)."""
    if not changes:
        return get_client(tenant, client_id)
    assignments = ", ".join(f"{name} = %({name})s" for name in changes)
    with duplicate_is_conflict():
        row = tenant.conn.execute(
            f"update public.clients set {assignments} where tenant_id = %(tenant_id)s and id = %(client_id)s"  # noqa: S608
            f" returning {CLIENT_COLUMNS}",
            {**changes, "tenant_id": tenant.tenant_id, "client_id": client_id},
        ).fetchone()
    if row is None:
        raise NotFound("No such client")
    return row


def set_archived(tenant: TenantContext, client_id: uuid.UUID, *, archived: bool) -> dict[str, Any]:
    """Archive (keeping the first archive time) or restore a client."""
    with duplicate_is_conflict():
        row = tenant.conn.execute(
            f"""
            update public.clients
               set archived_at = case when %(archived)s then coalesce(archived_at, now()) end
             where tenant_id = %(tenant)s and id = %(client_id)s
            returning {CLIENT_COLUMNS}
            """,  # noqa: S608
            {"archived": archived, "tenant": tenant.tenant_id, "client_id": client_id},
        ).fetchone()
    if row is None:
        raise NotFound("No such client")
    return row


def existing_business_ids(tenant: TenantContext, business_ids: Sequence[str]) -> set[str]:
    """Which of ``business_ids`` the tenant already uses."""
    if not business_ids:
        return set()
    rows = tenant.conn.execute(
        "select business_id from public.clients where tenant_id = %s and business_id = any (%s)",
        (tenant.tenant_id, list(business_ids)),
    ).fetchall()
    return {row["business_id"] for row in rows}


def tag_counts(tenant: TenantContext) -> list[dict[str, Any]]:
    """Tags of active clients with their counts, most used first."""
    return tenant.conn.execute(
        """
        select tag, count(*)::int as clients
          from public.clients, unnest(tags) as tag
         where tenant_id = %s and archived_at is null
         group by tag
         order by count(*) desc, tag
         limit 500
        """,
        (tenant.tenant_id,),
    ).fetchall()


def export_rows(tenant: TenantContext, status: str) -> list[dict[str, Any]]:
    """Every client of the tenant for an export, ordered by name (422 past ``EXPORT_MAX_ROWS``)."""
    rows = tenant.conn.execute(
        f"""
        select {CLIENT_COLUMNS} from public.clients
         where tenant_id = %(tenant)s
           and (%(status)s = 'all' or (%(status)s = 'active') = (archived_at is null))
         order by name, id
         limit %(limit)s
        """,  # noqa: S608
        {"tenant": tenant.tenant_id, "status": status, "limit": EXPORT_MAX_ROWS + 1},
    ).fetchall()
    if len(rows) > EXPORT_MAX_ROWS:
        raise Unprocessable(f"An export holds at most {EXPORT_MAX_ROWS} clients; export by status instead")
    return rows


# Contact persons


def list_contacts(tenant: TenantContext, client_id: uuid.UUID) -> list[dict[str, Any]]:
    """The contact persons of one client, primary first (at most 200)."""
    return tenant.conn.execute(
        f"""
        select {CONTACT_COLUMNS} from public.client_contacts
         where tenant_id = %s and client_id = %s
         order by is_primary desc, name, id
         limit 200
        """,  # noqa: S608
        (tenant.tenant_id, client_id),
    ).fetchall()


def _clear_primary(tenant: TenantContext, client_id: uuid.UUID) -> None:
    tenant.conn.execute(
        "update public.client_contacts set is_primary = false"
        " where tenant_id = %s and client_id = %s and is_primary",
        (tenant.tenant_id, client_id),
    )


def insert_contact(tenant: TenantContext, client_id: uuid.UUID, values: Mapping[str, Any]) -> dict[str, Any]:
    """Add a contact person to a client of the tenant."""
    get_client(tenant, client_id, for_update=True)
    if values.get("is_primary"):
        _clear_primary(tenant, client_id)
    columns = ", ".join(values)
    placeholders = ", ".join(f"%({name})s" for name in values)
    row = tenant.conn.execute(
        f"insert into public.client_contacts (tenant_id, client_id, {columns})"  # noqa: S608
        f" values (%(tenant_id)s, %(client_id)s, {placeholders}) returning {CONTACT_COLUMNS}",
        {**values, "tenant_id": tenant.tenant_id, "client_id": client_id},
    ).fetchone()
    assert row is not None
    return row


def update_contact(
    tenant: TenantContext, client_id: uuid.UUID, contact_id: uuid.UUID, changes: Mapping[str, Any]
) -> dict[str, Any]:
    """Change a contact person of a client of the tenant."""
    get_client(tenant, client_id, for_update=True)
    if changes.get("is_primary"):
        _clear_primary(tenant, client_id)
    assignments = ", ".join(f"{name} = %({name})s" for name in changes) or "name = name"
    row = tenant.conn.execute(
        f"update public.client_contacts set {assignments}"  # noqa: S608
        " where tenant_id = %(tenant_id)s and client_id = %(client_id)s and id = %(contact_id)s"
        f" returning {CONTACT_COLUMNS}",
        {**changes, "tenant_id": tenant.tenant_id, "client_id": client_id, "contact_id": contact_id},
    ).fetchone()
    if row is None:
        raise NotFound("No such contact person")
    return row


def delete_contact(tenant: TenantContext, client_id: uuid.UUID, contact_id: uuid.UUID) -> None:
    """Remove a contact person."""
    row = tenant.conn.execute(
        "delete from public.client_contacts where tenant_id = %s and client_id = %s and id = %s returning id",
        (tenant.tenant_id, client_id, contact_id),
    ).fetchone()
    if row is None:
        raise NotFound("No such contact person")
