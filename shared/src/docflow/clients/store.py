"""Writing new clients into ``public.clients``, for every writer (the clients API, its CSV import,
lead conversion). A duplicate Y-tunnus is a generic 409 that names no value and no other client."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from docflow.clients.models import CLIENT_FIELDS, ClientCreate
from docflow.db import SqlState, translate_errors
from docflow.errors import Conflict

if TYPE_CHECKING:
    from docflow.db import Connection

CLIENT_COLUMNS = (
    "id, kind, name, business_id, vat_number, email, phone, notes, street_address, postal_code, city,"
    " country_code, tags, source_lead_id, archived_at is not null as archived, archived_at, created_at,"
    " updated_at"
)
DUPLICATE_BUSINESS_ID = "A client with this business ID already exists in this tenant (it may be archived)"


def duplicate_is_conflict() -> AbstractContextManager[None]:
    """A unique violation (the tenant's business IDs) becomes a generic 409 that names no value."""
    return translate_errors({SqlState.UNIQUE_VIOLATION: Conflict(DUPLICATE_BUSINESS_ID)})


def insert_clients(
    conn: Connection,
    tenant_id: uuid.UUID,
    clients: Sequence[ClientCreate],
    *,
    source_lead_id: uuid.UUID | None = None,
) -> list[dict[str, Any]]:
    """Insert validated clients of one tenant, all or none (one failing row fails the transaction);
    the rows as ``CLIENT_COLUMNS`` reads them. ``created_by`` is the database's ``auth.uid()``."""
    from psycopg import sql

    columns = ("tenant_id", "source_lead_id", *CLIENT_FIELDS)
    statement = sql.SQL(
        "insert into public.clients ({columns}) values ({values}) returning {returning}"
    ).format(
        columns=sql.SQL(", ").join(map(sql.Identifier, columns)),
        values=sql.SQL(", ").join(map(sql.Placeholder, columns)),
        returning=sql.SQL(CLIENT_COLUMNS),  # a constant, never input
    )
    created: list[dict[str, Any]] = []
    with duplicate_is_conflict():
        for client in clients:
            values = {**client.model_dump(), "tenant_id": tenant_id, "source_lead_id": source_lead_id}
            row = conn.execute(statement, values).fetchone()
            assert row is not None
            created.append(row)
    return created
