"""Per-tenant usage: members always; receipts and storage once the receipts table exists."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docflow.db import Connection

#: The receipts table (migration 0040); it may not exist yet in a given deployment.
RECEIPTS_TABLE = "public.receipts"


@dataclass(frozen=True, slots=True)
class ReceiptUsage:
    """Receipts of one tenant and the bytes their files take."""

    receipts: int
    storage_bytes: int


def receipts_table_exists(conn: Connection, table: str = RECEIPTS_TABLE) -> bool:
    """Whether ``table`` exists with the ``tenant_id`` and ``size_bytes`` columns usage needs."""
    row = conn.execute(
        """
        select count(*) = 2 as ready
          from pg_attribute
         where attrelid = to_regclass(%s) and attname in ('tenant_id', 'size_bytes') and not attisdropped
        """,
        (table,),
    ).fetchone()
    return bool(row and row["ready"])


def receipt_usage(
    conn: Connection, tenant_ids: list[uuid.UUID], table: str = RECEIPTS_TABLE
) -> dict[uuid.UUID, ReceiptUsage] | None:
    """Usage per tenant (tenants with no receipts get zeros), or None without a receipts table."""
    from psycopg import sql

    if not receipts_table_exists(conn, table):
        return None
    schema, name = table.split(".", 1)
    query = sql.SQL(
        """
        select tenant_id, count(*) as receipts, coalesce(sum(size_bytes), 0)::bigint as storage_bytes
          from {table} where tenant_id = any(%s) group by tenant_id
        """
    ).format(table=sql.Identifier(schema, name))
    found = {
        row["tenant_id"]: ReceiptUsage(receipts=row["receipts"], storage_bytes=row["storage_bytes"])
        for row in conn.execute(query, (tenant_ids,)).fetchall()
    }
    return {tenant_id: found.get(tenant_id, ReceiptUsage(0, 0)) for tenant_id in tenant_ids}
