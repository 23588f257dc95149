"""The receipt queue: one tenant's uploads cannot hold back another tenant's.

An S3 event is a wake-up call, not an order: its records wait in ``app_private.receipt_jobs``
(migration 0045) and every invocation of the OCR function works off the queue (:func:`drain`), taking
each time the fairest job: from the tenant with the fewest jobs in flight, then the tenant served
longest ago (round-robin), then the oldest. A tenant never has more than
``RECEIPTS_QUEUE_TENANT_MAX_IN_FLIGHT`` jobs in flight, so a flood of one tenant's documents leaves
workers free for the others and slows only itself. The claim is serialised by a transaction-level
advisory lock (a few milliseconds), so the cap holds under concurrency.

A job is the newest S3 record of its receipt; a newer event (reprocess) replaces it. The run itself
is :func:`docflow.pipeline.runner.process_record` with all its guarantees (claim, fencing, one
transaction for the result). A job whose run failed transiently waits ``attempts * 10`` s and is
retried up to ``RECEIPTS_QUEUE_MAX_ATTEMPTS`` times; a job whose worker died is taken again once its
lease has expired, by the next invocation or the scheduled drain (``{"docflow_job": "receipts.drain"}``).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from docflow.config import get_settings
from docflow.pipeline.budget import get_budget_settings
from docflow.pipeline.events import ObjectCreated
from docflow.pipeline.keys import parse_upload_key

if TYPE_CHECKING:
    from docflow.db import Connection
    from docflow.pipeline.runner import AfterStep, ProcessingResult

#: Seconds a failed job waits per attempt before it may be claimed again.
RETRY_DELAY_SECONDS = 10
#: Time an invocation keeps for finishing, beyond the document limit, before it takes another job.
DRAIN_MARGIN_SECONDS = 10.0

_CLAIM_LOCK = 0x5EC0DE0045  # pg_advisory_xact_lock key of the claim


@dataclass(frozen=True, slots=True)
class Job:
    """A queued S3 record of one receipt."""

    receipt_id: uuid.UUID
    tenant_id: uuid.UUID
    record: ObjectCreated
    attempts: int


def enqueue(records: Iterable[ObjectCreated]) -> list[ObjectCreated]:
    """Queue the records of existing receipts (a newer record of a queued receipt replaces the older);
    return the others (foreign keys, unknown receipts), which the caller runs directly to skip them."""
    from docflow.db import system_transaction

    settings = get_settings()
    rest: list[ObjectCreated] = []
    with system_transaction("receipts.enqueue") as conn:
        for record in records:
            key = (
                parse_upload_key(settings.receipts_upload_prefix, record.key)
                if record.bucket == settings.receipts_bucket
                else None
            )
            if key is None or not _receipt_exists(conn, key.tenant_id, key.receipt_id, record.key):
                rest.append(record)
                continue
            conn.execute(
                """
                insert into app_private.receipt_jobs as j
                  (receipt_id, tenant_id, bucket, object_key, size_bytes, version_id, sequencer)
                values (%(id)s, %(tenant)s, %(bucket)s, %(key)s, %(size)s, %(version)s, %(seq)s)
                on conflict (receipt_id) do update
                   set bucket = excluded.bucket, object_key = excluded.object_key,
                       size_bytes = excluded.size_bytes, version_id = excluded.version_id,
                       sequencer = excluded.sequencer, attempts = 0, not_before = clock_timestamp()
                 where lpad(upper(j.sequencer), 64, '0') < lpad(upper(excluded.sequencer), 64, '0')
                """,
                {
                    "id": key.receipt_id,
                    "tenant": key.tenant_id,
                    "bucket": record.bucket,
                    "key": record.key,
                    "size": record.size,
                    "version": record.version_id,
                    "seq": record.sequencer,
                },
            )
    return rest


def _receipt_exists(conn: Connection, tenant_id: uuid.UUID, receipt_id: uuid.UUID, object_key: str) -> bool:
    row = conn.execute(
        "select 1 from public.receipts where id = %s and tenant_id = %s and object_key = %s",
        (receipt_id, tenant_id, object_key),
    ).fetchone()
    return row is not None


def claim_next(conn: Connection, *, max_in_flight: int, lease_seconds: int) -> Job | None:
    """Lease the fairest waiting job (see the module), or ``None`` when none may start now."""
    conn.execute("select pg_advisory_xact_lock(%s)", (_CLAIM_LOCK,))
    row = conn.execute(
        """
        with running as (
          select tenant_id, count(*) as n from app_private.receipt_jobs
           where lease_until > clock_timestamp() group by tenant_id
        ), pick as (
          select j.receipt_id, j.tenant_id
            from app_private.receipt_jobs j
            left join running r on r.tenant_id = j.tenant_id
            left join app_private.receipt_job_turns t on t.tenant_id = j.tenant_id
           where (j.lease_until is null or j.lease_until <= clock_timestamp())
             and j.not_before <= clock_timestamp()
             and coalesce(r.n, 0) < %(cap)s
           order by coalesce(r.n, 0), t.last_claimed_at nulls first, j.enqueued_at, j.receipt_id
           limit 1
        ), turn as (
          insert into app_private.receipt_job_turns as t (tenant_id, last_claimed_at)
          select tenant_id, clock_timestamp() from pick
          on conflict (tenant_id) do update set last_claimed_at = excluded.last_claimed_at
        )
        update app_private.receipt_jobs j
           set lease_until = clock_timestamp() + make_interval(secs => %(lease)s), attempts = j.attempts + 1
          from pick where j.receipt_id = pick.receipt_id
        returning j.receipt_id, j.tenant_id, j.bucket, j.object_key, j.size_bytes, j.version_id,
                  j.sequencer, j.attempts
        """,
        {"cap": max_in_flight, "lease": lease_seconds},
    ).fetchone()
    if row is None:
        return None
    record = ObjectCreated(
        bucket=row["bucket"],
        key=row["object_key"],
        size=row["size_bytes"],
        version_id=row["version_id"],
        sequencer=row["sequencer"],
    )
    return Job(row["receipt_id"], row["tenant_id"], record, row["attempts"])


def finish(conn: Connection, job: Job) -> None:
    """Drop a job that ran; a newer record that replaced it meanwhile stays queued, free to claim."""
    deleted = conn.execute(
        "delete from app_private.receipt_jobs where receipt_id = %s and sequencer = %s returning 1",
        (job.receipt_id, job.record.sequencer),
    ).fetchone()
    if deleted is None:
        conn.execute(
            "update app_private.receipt_jobs set lease_until = null, attempts = 0 where receipt_id = %s",
            (job.receipt_id,),
        )


def release(conn: Connection, job: Job, *, max_attempts: int) -> None:
    """After a transient failure: retry later, or drop the job after ``max_attempts``."""
    if job.attempts >= max_attempts:
        finish(conn, job)
        return
    conn.execute(
        """
        update app_private.receipt_jobs
           set lease_until = null,
               not_before = clock_timestamp() + make_interval(secs => %s)
         where receipt_id = %s and sequencer = %s
        """,
        (job.attempts * RETRY_DELAY_SECONDS, job.receipt_id, job.record.sequencer),
    )


def drain(
    *, remaining_seconds: float | None = None, after_step: AfterStep | None = None
) -> list[ProcessingResult]:
    """Run queued jobs, fairest first, until none may start or the time left (``remaining_seconds``
    of the invocation) could not fit another document. The first job always runs: the invocation
    was started for one. A transient failure releases its job and propagates (Lambda retries)."""
    from docflow.db import system_transaction
    from docflow.pipeline.runner import process_record

    budget = get_budget_settings()
    lease = get_settings().receipts_lease_seconds
    deadline = None if remaining_seconds is None else time.monotonic() + remaining_seconds
    reserve = budget.ocr_document_timeout_seconds + DRAIN_MARGIN_SECONDS
    results: list[ProcessingResult] = []
    while deadline is None or not results or deadline - time.monotonic() > reserve:
        with system_transaction("receipts.queue") as conn:
            job = claim_next(
                conn, max_in_flight=budget.receipts_queue_tenant_max_in_flight, lease_seconds=lease
            )
        if job is None:
            break
        try:
            result = process_record(job.record, after_step=after_step)
        except Exception:
            with system_transaction("receipts.queue") as conn:
                release(conn, job, max_attempts=budget.receipts_queue_max_attempts)
            raise
        with system_transaction("receipts.queue") as conn:
            finish(conn, job)
        results.append(result)
    return results
