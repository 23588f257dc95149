"""The receipts function's SQL, always on the request's RLS-bound transaction."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from docflow.db import Connection

SUMMARY_COLUMNS = """
    id, status, failure_reason, original_filename, merchant, business_id, receipt_date, total, currency,
    category, client_id, confidence, duplicate_of, created_at, updated_at
"""


@dataclass(frozen=True, slots=True)
class ListFilters:
    """Filters of ``GET /api/v1/receipts``; ``None`` means not filtered."""

    status: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    merchant: str | None = None
    category: str | None = None
    min_total: Decimal | None = None
    max_total: Decimal | None = None
    q: str | None = None


def insert_pending(
    conn: Connection,
    *,
    receipt_id: uuid.UUID,
    tenant_id: uuid.UUID,
    user_id: uuid.UUID,
    object_key: str,
    filename: str,
    content_type: str,
    size_bytes: int,
    duplicate_of: uuid.UUID | None,
    warnings: list[dict[str, str]],
) -> None:
    """Create the pending receipt an upload will fill."""
    conn.execute(
        """
        insert into public.receipts (id, tenant_id, uploaded_by, object_key, original_filename, content_type,
                                     size_bytes, status, duplicate_of, warnings)
        values (%s, %s, %s, %s, %s, %s, %s, 'pending', %s, %s::jsonb)
        """,
        (
            receipt_id,
            tenant_id,
            user_id,
            object_key,
            filename,
            content_type,
            size_bytes,
            duplicate_of,
            json.dumps(warnings),
        ),
    )


def client_exists(conn: Connection, client_id: uuid.UUID) -> bool:
    """Whether the current tenant has this client (other tenants' clients are invisible here)."""
    row = conn.execute(
        "select 1 from public.clients where id = %s and tenant_id = (select app_private.current_tenant_id())",
        (client_id,),
    ).fetchone()
    return row is not None


def find_by_hash(conn: Connection, content_hash: str) -> uuid.UUID | None:
    """The earliest live receipt of the tenant with these exact bytes."""
    row = conn.execute(
        """
        select id from public.receipts
         where tenant_id = (select app_private.current_tenant_id())
           and content_hash = %s and deleted_at is null
         order by created_at, id limit 1
        """,
        (content_hash.lower(),),
    ).fetchone()
    return None if row is None else uuid.UUID(str(row["id"]))


def _where(filters: ListFilters) -> tuple[list[str], dict[str, Any]]:
    clauses = ["tenant_id = (select app_private.current_tenant_id())", "deleted_at is null"]
    params: dict[str, Any] = {}
    checks: list[tuple[object, str]] = [
        (filters.status, "status = %(status)s"),
        (filters.date_from, "receipt_date >= %(date_from)s"),
        (filters.date_to, "receipt_date <= %(date_to)s"),
        (filters.merchant, "lower(merchant) like %(merchant)s escape '\\'"),
        (filters.category, "category = %(category)s"),
        (filters.min_total, "total >= %(min_total)s"),
        (filters.max_total, "total <= %(max_total)s"),
        (
            filters.q,
            "to_tsvector('simple', coalesce(ocr_text, '') || ' ' || coalesce(merchant, ''))"
            " @@ plainto_tsquery('simple', %(q)s)",
        ),
    ]
    for value, clause in checks:
        if value is not None:
            clauses.append(clause)
    params.update({k: v for k, v in vars_of(filters).items() if v is not None})
    if filters.merchant is not None:
        escaped = filters.merchant.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params["merchant"] = f"%{escaped}%"
    return clauses, params


def vars_of(filters: ListFilters) -> dict[str, Any]:
    """The filters as query parameters."""
    return {name: getattr(filters, name) for name in filters.__slots__}


def list_receipts(
    conn: Connection, filters: ListFilters, *, after: tuple[dt.datetime, uuid.UUID] | None, limit: int
) -> list[dict[str, Any]]:
    """One page (``limit + 1`` rows tell whether there is another), newest first."""
    clauses, params = _where(filters)
    if after is not None:
        clauses.append("(created_at, id) < (%(after_created)s, %(after_id)s)")
        params.update({"after_created": after[0], "after_id": after[1]})
    params["limit"] = limit + 1
    sql = (
        f"select {SUMMARY_COLUMNS} from public.receipts where {' and '.join(clauses)}"  # noqa: S608 - fixed
        " order by created_at desc, id desc limit %(limit)s"
    )
    return list(conn.execute(sql, params).fetchall())


def get_receipt(conn: Connection, receipt_id: uuid.UUID) -> dict[str, Any] | None:
    """A live receipt of the current tenant with its rows, items and history."""
    row = conn.execute(
        f"""
        select {SUMMARY_COLUMNS}, content_type, size_bytes, fields, corrected_fields, warnings, ocr_seconds,
               processed_at, object_key, tenant_id
          from public.receipts
         where id = %s and tenant_id = (select app_private.current_tenant_id()) and deleted_at is null
        """,  # noqa: S608 - fixed column list
        (receipt_id,),
    ).fetchone()
    if row is None:
        return None
    receipt = dict(row)
    receipt["vat_rows"] = conn.execute(
        "select rate, net, tax, gross, confidence from public.receipt_vat_rows"
        " where receipt_id = %s and tenant_id = %s order by position",
        (receipt_id, receipt["tenant_id"]),
    ).fetchall()
    receipt["items"] = conn.execute(
        "select name, quantity, unit_price, amount from public.receipt_items"
        " where receipt_id = %s and tenant_id = %s order by position",
        (receipt_id, receipt["tenant_id"]),
    ).fetchall()
    receipt["status_history"] = conn.execute(
        "select from_status, to_status, reason, created_at as at from public.receipt_status_history"
        " where receipt_id = %s and tenant_id = %s order by id",
        (receipt_id, receipt["tenant_id"]),
    ).fetchall()
    return receipt


@dataclass(frozen=True, slots=True)
class Change:
    """One corrected column: its column, its name in ``fields``, and the new value."""

    column: str
    field: str
    value: Any


def apply_update(
    conn: Connection, receipt: dict[str, Any], changes: list[Change], corrected: list[str]
) -> None:
    """Write corrected columns and their field entries, and add their names to ``corrected_fields``."""
    from docflow.pipeline.review import json_value

    fields = dict(receipt["fields"])
    params: dict[str, Any] = {}
    assignments: list[str] = []
    for change in changes:
        assignments.append(f"{change.column} = %({change.column})s")
        params[change.column] = change.value
        if change.value is None:
            fields.pop(change.field, None)
        else:
            fields[change.field] = {"value": json_value(change.value), "confidence": 1.0}
    params.update(
        {
            "fields": json.dumps(fields),
            "corrected": sorted(set(receipt["corrected_fields"]) | set(corrected)),
            "id": receipt["id"],
        }
    )
    set_clause = ", ".join([*assignments, "fields = %(fields)s::jsonb", "corrected_fields = %(corrected)s"])
    conn.execute(
        f"update public.receipts set {set_clause}, updated_at = now() where id = %(id)s",  # noqa: S608
        params,
    )


def soft_delete(conn: Connection, receipt_id: uuid.UUID) -> None:
    """Hide a receipt; its original stays in the bucket under the retention rule."""
    conn.execute(
        "update public.receipts set deleted_at = now(), updated_at = now()"
        " where id = %s and deleted_at is null",
        (receipt_id,),
    )


def mark_for_reprocess(conn: Connection, receipt_id: uuid.UUID) -> bool:
    """Put a receipt back to ``pending`` unless a run holds it right now."""
    row = conn.execute(
        """
        update public.receipts set status = 'pending', failure_reason = null, updated_at = now()
         where id = %s and deleted_at is null and status <> 'processing'
        returning id
        """,
        (receipt_id,),
    ).fetchone()
    return row is not None


def export_rows(conn: Connection, date_from: dt.date, date_to: dt.date, limit: int) -> list[dict[str, Any]]:
    """Receipts dated within the range with their VAT rows, oldest first."""
    rows = conn.execute(
        """
        select r.id, r.receipt_date, r.merchant, r.business_id, r.total, r.currency, r.category, r.status,
               coalesce(r.fields->'country'->>'value', 'FI') <> 'FI' as foreign_vat,
               coalesce((select jsonb_agg(jsonb_build_object('rate', v.rate, 'net', v.net, 'tax', v.tax,
                                                             'gross', v.gross) order by v.position)
                           from public.receipt_vat_rows v
                          where v.receipt_id = r.id and v.tenant_id = r.tenant_id), '[]'::jsonb) as vat_rows
          from public.receipts r
         where r.tenant_id = (select app_private.current_tenant_id()) and r.deleted_at is null
           and r.receipt_date between %s and %s
           and r.status in ('processed', 'needs_review')
         order by r.receipt_date, r.created_at, r.id
         limit %s
        """,
        (date_from, date_to, limit),
    ).fetchall()
    return list(rows)
