"""SQL of the clients route group. Every statement runs on the request's RLS-bound transaction and
also names the tenant explicitly, so the indexes serve it and a policy slip would still find nothing."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from docflow.clients import CLIENT_COLUMNS, CLIENT_FIELDS, duplicate_is_conflict
from docflow.db.compose import (
    Conditions,
    checked_columns,
    column_list,
    contains_pattern,
    set_list,
    statement,
    value_list,
)
from docflow.errors import NotFound, Unprocessable
from docflow.http.deps import TenantContext
from docflow.http.pagination import Keyset, Page, fetch_page
from docflow_clients.schemas import ClientPublic, ClientQuery, ContactCreate

CONTACT_COLUMNS = "id, client_id, name, title, email, phone, is_primary, created_at, updated_at"
#: Most clients one export holds (a Lambda response is at most 6 MB); larger tenants export by status.
EXPORT_MAX_ROWS = 20_000
#: Columns a request may write: the schema's fields, never the tenant, id or timestamps.
WRITABLE_CLIENT_COLUMNS = frozenset(CLIENT_FIELDS)
WRITABLE_CONTACT_COLUMNS = frozenset(ContactCreate.model_fields)
CLIENT_ORDER = Keyset("clients", ("name", "id"), (str, uuid.UUID))
#: The condition of each status filter (``all`` has none).
STATUS_CONDITIONS = {"active": "archived_at is null", "archived": "archived_at is not null"}


def list_clients(tenant: TenantContext, query: ClientQuery) -> Page[ClientPublic]:
    """One page of the tenant's clients ordered by ``(name, id)``."""
    where = Conditions()
    where.add("tenant_id = %(tenant)s", tenant=tenant.tenant_id)
    if query.status in STATUS_CONDITIONS:
        where.add(STATUS_CONDITIONS[query.status])
    q = query.q.strip() if query.q else None
    if q:
        digits = "".join(ch for ch in q if ch.isdigit())
        where.add(
            """(name ilike %(pattern)s or email ilike %(pattern)s or business_id ilike %(pattern)s
                or (length(%(qdigits)s) >= 7 and replace(business_id, '-', '') like %(qdigits)s || '%%')
                or %(qtag)s = any (tags))""",
            pattern=contains_pattern(q),
            qdigits=digits,
            qtag=q.lower(),
        )
    if query.tag:
        where.add("tags @> array[%(tag)s::text]", tag=query.tag.strip().lower())
    where.add_if_given("kind = %(kind)s", kind=query.kind)
    select = statement("select {columns} from public.clients", columns=CLIENT_COLUMNS)
    return fetch_page(
        tenant.conn, select, where, order=CLIENT_ORDER, page=query, item=ClientPublic.model_validate
    )


def get_client(tenant: TenantContext, client_id: uuid.UUID, *, for_update: bool = False) -> dict[str, Any]:
    """One client of the tenant (404 for anything else, including another tenant's id)."""
    row = tenant.conn.execute(
        statement(
            "select {columns} from public.clients where tenant_id = %s and id = %s{lock}",
            columns=CLIENT_COLUMNS,
            lock=" for update" if for_update else "",
        ),
        (tenant.tenant_id, client_id),
    ).fetchone()
    if row is None:
        raise NotFound("No such client")
    return row


def update_client(tenant: TenantContext, client_id: uuid.UUID, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Apply ``changes`` (column -> value; the names come from the schema, never from the client)."""
    if not changes:
        return get_client(tenant, client_id)
    assignments = set_list(checked_columns(changes, WRITABLE_CLIENT_COLUMNS))
    with duplicate_is_conflict():
        row = tenant.conn.execute(
            statement(
                "update public.clients set {assignments}"
                " where tenant_id = %(tenant_id)s and id = %(client_id)s returning {columns}",
                assignments=assignments,
                columns=CLIENT_COLUMNS,
            ),
            {**changes, "tenant_id": tenant.tenant_id, "client_id": client_id},
        ).fetchone()
    if row is None:
        raise NotFound("No such client")
    return row


def set_archived(tenant: TenantContext, client_id: uuid.UUID, *, archived: bool) -> dict[str, Any]:
    """Archive (keeping the first archive time) or restore a client."""
    with duplicate_is_conflict():
        row = tenant.conn.execute(
            statement(
                """
                update public.clients
                   set archived_at = case when %(archived)s then coalesce(archived_at, now()) end
                 where tenant_id = %(tenant)s and id = %(client_id)s
                returning {columns}
                """,
                columns=CLIENT_COLUMNS,
            ),
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
    where = Conditions()
    where.add("tenant_id = %(tenant)s", tenant=tenant.tenant_id)
    if status in STATUS_CONDITIONS:
        where.add(STATUS_CONDITIONS[status])
    where.bind(limit=EXPORT_MAX_ROWS + 1)
    rows = tenant.conn.execute(
        statement(
            "select {columns} from public.clients{where} order by name, id limit %(limit)s",
            columns=CLIENT_COLUMNS,
            where=where.sql(),
        ),
        where.params,
    ).fetchall()
    if len(rows) > EXPORT_MAX_ROWS:
        raise Unprocessable(f"An export holds at most {EXPORT_MAX_ROWS} clients; export by status instead")
    return rows


# Contact persons


def list_contacts(tenant: TenantContext, client_id: uuid.UUID) -> list[dict[str, Any]]:
    """The contact persons of one client, primary first (at most 200)."""
    return tenant.conn.execute(
        statement(
            """
            select {columns} from public.client_contacts
             where tenant_id = %s and client_id = %s
             order by is_primary desc, name, id
             limit 200
            """,
            columns=CONTACT_COLUMNS,
        ),
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
    names = checked_columns(values, WRITABLE_CONTACT_COLUMNS)
    row = tenant.conn.execute(
        statement(
            "insert into public.client_contacts (tenant_id, client_id, {names})"
            " values (%(tenant_id)s, %(client_id)s, {values}) returning {columns}",
            names=column_list(names),
            values=value_list(names),
            columns=CONTACT_COLUMNS,
        ),
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
    names = checked_columns(changes, WRITABLE_CONTACT_COLUMNS)
    row = tenant.conn.execute(
        statement(
            "update public.client_contacts set {assignments}"
            " where tenant_id = %(tenant_id)s and client_id = %(client_id)s and id = %(contact_id)s"
            " returning {columns}",
            assignments=set_list(names) if names else "name = name",
            columns=CONTACT_COLUMNS,
        ),
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
