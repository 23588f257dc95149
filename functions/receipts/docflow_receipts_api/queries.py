"""The receipts function's SQL, always on the request's RLS-bound transaction."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import Any

from docflow.db import Connection
from docflow.db.compose import Conditions, checked_columns, contains_pattern, set_list, statement
from docflow.http.pagination import Keyset, Page, fetch_page
from docflow_receipts_api.corrections import COLUMNS
from docflow_receipts_api.schemas import ReceiptQuery, ReceiptSummary

SUMMARY_COLUMNS = """
    id, status, failure_reason, original_filename, merchant, business_id, receipt_date, total, currency,
    category, client_id, confidence, duplicate_of, created_at, updated_at
"""


#: The receipts columns a correction may write.
CORRECTABLE_COLUMNS = frozenset(column for column, _ in COLUMNS.values())
RECEIPT_ORDER = Keyset("receipts", ("created_at", "id"), (dt.datetime, uuid.UUID), descending=True)


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


def list_receipts(conn: Connection, query: ReceiptQuery) -> Page[ReceiptSummary]:
    """One page of the current tenant's live receipts matching every given filter, newest first."""
    where = Conditions()
    where.add("tenant_id = (select app_private.current_tenant_id())")
    where.add("deleted_at is null")
    where.add_if_given("status = %(status)s", status=query.status)
    where.add_if_given("receipt_date >= %(date_from)s", date_from=query.date_from)
    where.add_if_given("receipt_date <= %(date_to)s", date_to=query.date_to)
    if query.merchant is not None:
        where.add("lower(merchant) like %(merchant)s", merchant=contains_pattern(query.merchant.lower()))
    where.add_if_given("category = %(category)s", category=query.category)
    where.add_if_given("total >= %(min_total)s", min_total=query.min_total)
    where.add_if_given("total <= %(max_total)s", max_total=query.max_total)
    where.add_if_given(
        "to_tsvector('simple', coalesce(ocr_text, '') || ' ' || coalesce(merchant, ''))"
        " @@ plainto_tsquery('simple', %(q)s)",
        q=query.q,
    )
    select = statement("select {columns} from public.receipts", columns=SUMMARY_COLUMNS)
    return fetch_page(
        conn, select, where, order=RECEIPT_ORDER, page=query, item=ReceiptSummary.model_validate
    )


def get_receipt(conn: Connection, receipt_id: uuid.UUID) -> dict[str, Any] | None:
    """A live receipt of the current tenant with its rows, items and history."""
    row = conn.execute(
        statement(
            """
            select {columns}, content_type, size_bytes, fields, corrected_fields, warnings, ocr_seconds,
                   processed_at, object_key, object_version_id, tenant_id
              from public.receipts
             where id = %s and tenant_id = (select app_private.current_tenant_id()) and deleted_at is null
            """,
            columns=SUMMARY_COLUMNS,
        ),
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
    for change in changes:
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
    assignments = set_list(checked_columns([change.column for change in changes], CORRECTABLE_COLUMNS))
    conn.execute(
        statement(
            "update public.receipts set {assignments}{sep}fields = %(fields)s::jsonb,"
            " corrected_fields = %(corrected)s, updated_at = now() where id = %(id)s",
            assignments=assignments,
            sep=", " if changes else "",
        ),
        params,
    )


def soft_delete(conn: Connection, receipt_id: uuid.UUID) -> None:
    """Hide a receipt; its original stays in the bucket under the retention rule."""
    conn.execute(
        "update public.receipts set deleted_at = now(), updated_at = now()"
        " where id = %s and deleted_at is null",
        (receipt_id,),
    )


def mark_for_reprocess(conn: Connection, receipt_id: uuid.UUID, *, queued_seconds: int) -> bool:
    """Put a receipt back to ``pending`` unless a run holds it right now or an earlier request
    queued it less than ``queued_seconds`` ago and it is still pending."""
    row = conn.execute(
        """
        update public.receipts
           set status = 'pending', failure_reason = null, reprocess_requested_at = now(), updated_at = now()
         where id = %s and deleted_at is null and status <> 'processing'
           and not (status = 'pending' and reprocess_requested_at is not null
                    and reprocess_requested_at > now() - make_interval(secs => %s))
        returning id
        """,
        (receipt_id, queued_seconds),
    ).fetchone()
    return row is not None


def export_rows(conn: Connection, date_from: dt.date, date_to: dt.date, limit: int) -> list[dict[str, Any]]:
    """Receipts dated within the range with their VAT rows, oldest first."""
    rows = conn.execute(
        """
        select r.id, r.receipt_date, r.merchant, r.business_id, r.total, r.currency, r.category, r.status,
               coalesce(r.fields->'country'->>'value', 'FI') <> 'FI' as is_foreign,
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
