"""The daily retention job: rows past their table's retention period are deleted.

``app_private.purge_expired`` (migration 0094) holds the periods and what is never deleted; it
deletes at most a batch of rows per table per call. Each call runs in a short system transaction of
its own, repeated while some table still filled its batch, up to :data:`MAX_ROUNDS` calls a run (the
next day's run goes on from there). Only the counts per table are logged; their sum is the
``RetentionRowsDeleted`` metric.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docflow.metrics import BusinessMetric, emit
from docflow.observability import get_logger

if TYPE_CHECKING:
    from docflow.db import Connection

#: The scheduled event's ``docflow_job`` (template.yaml, SupabaseUtilsFunction ``Retention``).
RETENTION_JOB = "retention.purge"
#: Rows deleted per table per call (one transaction).
BATCH_SIZE = 1000
#: Calls per run at most: 50 batches of 1000 rows per table a day.
MAX_ROUNDS = 50

ROWS_DELETED = BusinessMetric(
    "docflow_retention_rows_deleted_total",
    "RetentionRowsDeleted",
    "Rows the daily retention job deleted past their table's retention period.",
)


def purge_batch(conn: Connection, batch: int = BATCH_SIZE) -> dict[str, int]:
    """One call of ``app_private.purge_expired`` at the database's time: rows deleted per table."""
    rows = conn.execute(
        "select table_name, deleted from app_private.purge_expired(now(), %s)", (batch,)
    ).fetchall()
    return {str(row["table_name"]): int(row["deleted"]) for row in rows}


def purge_expired(*, batch: int = BATCH_SIZE, max_rounds: int = MAX_ROUNDS) -> dict[str, int]:
    """Delete what is past its period, a batch per table per transaction, until no table fills its
    batch or ``max_rounds`` calls ran; returns the rows deleted per table."""
    from docflow.db import system_transaction

    totals: dict[str, int] = {}
    for _ in range(max_rounds):
        with system_transaction(RETENTION_JOB) as conn:
            counts = purge_batch(conn, batch)
        for table, deleted in counts.items():
            totals[table] = totals.get(table, 0) + deleted
        if all(deleted < batch for deleted in counts.values()):
            break
    emit(ROWS_DELETED, sum(totals.values()))
    get_logger().info("retention purge finished", extra={"deleted": totals})
    return totals
