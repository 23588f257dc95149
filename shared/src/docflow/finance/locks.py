"""Filed VAT periods. Filing stores the figures of the return; from then on the database refuses to
change the receipts the period counted (DF006, migration 0050), whoever asks."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from docflow.finance.periods import VatPeriod
from docflow.finance.summary import vat_summary

if TYPE_CHECKING:
    from docflow.db import Connection

LOCK_COLUMNS = (
    "id, period_kind, period_start, period_end, deductible_vat, receipts_counted, locked_by, locked_at"
)


def list_locks(conn: Connection, tenant_id: uuid.UUID) -> list[dict[str, Any]]:
    """The tenant's filed periods, newest first."""
    return conn.execute(
        "select id, period_kind, period_start, period_end, deductible_vat, receipts_counted, locked_by,"
        " locked_at from public.vat_period_locks where tenant_id = %s order by period_start desc",
        (tenant_id,),
    ).fetchall()


def lock_for(conn: Connection, tenant_id: uuid.UUID, period: VatPeriod) -> dict[str, Any] | None:
    """The filing that covers any day of ``period``, if one does."""
    row: dict[str, Any] | None = conn.execute(
        "select id, period_kind, period_start, period_end, deductible_vat, receipts_counted, locked_by,"
        " locked_at from public.vat_period_locks"
        " where tenant_id = %s and period_start <= %s and period_end >= %s"
        " order by period_start limit 1",
        (tenant_id, period.end, period.start),
    ).fetchone()
    return row


def lock_period(
    conn: Connection, tenant_id: uuid.UUID, period: VatPeriod, user_id: uuid.UUID
) -> dict[str, Any] | None:
    """File ``period`` with its current figures; ``None`` when a filing already covers part of it."""
    if lock_for(conn, tenant_id, period) is not None:
        return None
    summary = vat_summary(conn, tenant_id, period)
    row: dict[str, Any] | None = conn.execute(
        """
        insert into public.vat_period_locks
          (tenant_id, period_kind, period_start, period_end, deductible_vat, receipts_counted, locked_by)
        values (%s, %s, %s, %s, %s, %s, %s)
        returning id, period_kind, period_start, period_end, deductible_vat, receipts_counted, locked_by,
                  locked_at
        """,
        (
            tenant_id,
            period.kind,
            period.start,
            period.end,
            summary.deductible_vat,
            summary.receipts_counted,
            user_id,
        ),
    ).fetchone()
    return row
