"""Read the business counters from the database in one named system transaction.

Totals only: no label carries a tenant, a name or anything personal. Receipt counters appear once
``public.receipts`` exists (migration 0040); ``needs_review`` receipts were read, so they count as
processed.
"""

from __future__ import annotations

from docflow import metrics
from docflow.db import Connection, system_transaction
from docflow.metrics import Sample

LEAD_STATUSES = ("new", "contacted", "qualified", "won", "lost")
PROCESSED_RECEIPT_STATUSES = ("processed", "needs_review")


def _lead_samples(conn: Connection) -> list[Sample]:
    rows = conn.execute("select status, count(*) as n from public.leads group by status").fetchall()
    by_status = {row["status"]: int(row["n"]) for row in rows}
    converted = conn.execute("select count(*) as n from public.leads where client_id is not null").fetchone()
    return [
        Sample(metrics.LEADS_CAPTURED, sum(by_status.values())),
        *(Sample(metrics.LEADS_BY_STATUS, by_status.get(s, 0), {"status": s}) for s in LEAD_STATUSES),
        Sample(metrics.LEADS_CONVERTED, int(converted["n"]) if converted else 0),
    ]


def _tenant_samples(conn: Connection) -> list[Sample]:
    row = conn.execute(
        """
        select (select count(*) from public.tenants where status = 'active') as tenants,
               (select count(*) from public.tenant_members m join public.tenants t on t.id = m.tenant_id
                 where t.status = 'active') as members
        """
    ).fetchone()
    assert row is not None
    return [
        Sample(metrics.TENANTS_ACTIVE, int(row["tenants"])),
        Sample(metrics.TENANT_MEMBERS, int(row["members"])),
    ]


def _receipt_samples(conn: Connection) -> list[Sample]:
    present = conn.execute("select to_regclass('public.receipts') is not null as present").fetchone()
    if not present or not present["present"]:
        return []
    row = conn.execute(
        """
        select count(*) filter (where status = any(%s)) as processed,
               count(*) filter (where status = 'failed') as failed,
               coalesce(sum(ocr_seconds), 0)::float8 as ocr_seconds
          from public.receipts
        """,
        (list(PROCESSED_RECEIPT_STATUSES),),
    ).fetchone()
    assert row is not None
    return [
        Sample(metrics.RECEIPTS_PROCESSED, int(row["processed"])),
        Sample(metrics.RECEIPTS_FAILED, int(row["failed"])),
        Sample(metrics.OCR_SECONDS, float(row["ocr_seconds"])),
    ]


def collect_samples() -> list[Sample]:
    """Every business counter, read in one read-only system transaction."""
    with system_transaction("metrics.collect") as conn:
        conn.execute("set transaction read only")
        return [*_lead_samples(conn), *_tenant_samples(conn), *_receipt_samples(conn)]
