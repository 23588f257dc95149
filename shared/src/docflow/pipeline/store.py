"""The processor's SQL: claim a receipt, store a reading, record a failure, find duplicates, and
fail the uploads whose original never arrived.

Every write is a guarded state transition: the claim succeeds only from ``pending``/``failed`` (or
``processing`` whose lease expired) and never for an older S3 sequencer; results are stored only by
the run holding the claim (``attempts`` is the fencing token), in one transaction with the status.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from docflow.db import Connection
from docflow.db.compose import statement
from docflow.pipeline.review import Review

#: A pending receipt whose original has not arrived this long after it was created (or after its last
#: reprocess request) never will: an upload URL lives at most ``MAX_UPLOAD_URL_SECONDS`` (600 s).
ABANDONED_UPLOAD_SECONDS = 3600
#: Abandoned uploads failed per call, oldest first (the scheduled drain calls every minute).
ABANDONED_UPLOAD_BATCH = 500
#: ``failure_reason`` of such a receipt.
UPLOAD_NOT_RECEIVED = "upload_not_received"

#: Hex sequencers of different lengths compare as numbers once padded to the same width.
_SEQ = "lpad(upper({value}), 64, '0')"


@dataclass(frozen=True, slots=True)
class Claim:
    """A receipt this run holds: the row's facts the later steps check the object against."""

    receipt_id: uuid.UUID
    tenant_id: uuid.UUID
    attempt: int
    object_key: str
    size_bytes: int
    content_type: str
    original_filename: str


def claim_receipt(
    conn: Connection,
    *,
    tenant_id: uuid.UUID,
    receipt_id: uuid.UUID,
    object_key: str,
    sequencer: str,
    lease_seconds: int,
) -> Claim | None:
    """Take the receipt for processing, or ``None`` when it is done, taken, deleted or newer."""
    stored, given = statement(_SEQ, value="r.sequencer"), statement(_SEQ, value="%(seq)s")
    claim = statement(
        """
        update public.receipts r
           set status = 'processing', attempts = r.attempts + 1, sequencer = %(seq)s,
               lease_until = now() + make_interval(secs => %(lease)s),
               failure_reason = null, failure_retryable = false, updated_at = now()
         where r.id = %(id)s and r.tenant_id = %(tenant)s and r.object_key = %(key)s
           and r.deleted_at is null
           and (r.status in ('pending', 'failed') or (r.status = 'processing' and r.lease_until < now()))
           and (r.sequencer is null
                or {stored} < {given}
                or ({stored} = {given} and (r.status <> 'failed' or r.failure_retryable)))
        returning r.id, r.tenant_id, r.attempts, r.object_key, r.size_bytes, r.content_type,
                  r.original_filename
        """,
        stored=stored,
        given=given,
    )
    row = conn.execute(
        claim,
        {
            "seq": sequencer,
            "lease": lease_seconds,
            "id": receipt_id,
            "tenant": tenant_id,
            "key": object_key,
        },
    ).fetchone()
    if row is None:
        return None
    return Claim(
        receipt_id=row["id"],
        tenant_id=row["tenant_id"],
        attempt=row["attempts"],
        object_key=row["object_key"],
        size_bytes=row["size_bytes"],
        content_type=row["content_type"],
        original_filename=row["original_filename"],
    )


def is_held(conn: Connection, *, tenant_id: uuid.UUID, receipt_id: uuid.UUID) -> bool:
    """Whether another run holds the receipt right now (``processing`` with a live lease)."""
    row = conn.execute(
        """
        select 1 from public.receipts
         where id = %s and tenant_id = %s and status = 'processing' and lease_until >= now()
        """,
        (receipt_id, tenant_id),
    ).fetchone()
    return row is not None


def record_hash(conn: Connection, claim: Claim, content_hash: str, version_id: str | None = None) -> None:
    """Remember the original's SHA-256 (the same bytes always give the same value) and the S3
    version those bytes were read from."""
    conn.execute(
        "update public.receipts set content_hash = %s, object_version_id = %s"
        " where id = %s and tenant_id = %s",
        (content_hash, version_id, claim.receipt_id, claim.tenant_id),
    )


#: The warning a receipt carries once its key was written again after it was read.
ORIGINAL_REPLACED = {
    "code": "original_replaced",
    "message": "The file was uploaded again after it was read; the version read is kept and served",
}


def record_replaced_original(
    conn: Connection,
    *,
    tenant_id: uuid.UUID,
    receipt_id: uuid.UUID,
    object_key: str,
    sequencer: str,
    version_id: str | None,
) -> bool:
    """Whether this event announces a newer version of the key of a receipt already read, other than
    the version read; if so, note it on the receipt (``original_replaced_at``, a warning, once)."""
    if not version_id:
        return False
    stored, given = statement(_SEQ, value="r.sequencer"), statement(_SEQ, value="%(seq)s")
    row = conn.execute(
        statement(
            """
            update public.receipts r
               set original_replaced_at = coalesce(r.original_replaced_at, now()),
                   warnings = case when r.original_replaced_at is null
                                   then r.warnings || jsonb_build_array(%(warning)s::jsonb)
                                   else r.warnings end,
                   updated_at = now()
             where r.id = %(id)s and r.tenant_id = %(tenant)s and r.object_key = %(key)s
               and r.deleted_at is null and r.status in ('processed', 'needs_review', 'failed')
               and r.object_version_id is not null and r.object_version_id <> %(version)s
               and (r.sequencer is null or {stored} < {given})
            returning r.id
            """,
            stored=stored,
            given=given,
        ),
        {
            "warning": json.dumps(ORIGINAL_REPLACED),
            "id": receipt_id,
            "tenant": tenant_id,
            "key": object_key,
            "version": version_id,
            "seq": sequencer,
        },
    ).fetchone()
    return row is not None


def find_duplicate(
    conn: Connection,
    claim: Claim,
    *,
    content_hash: str | None,
    business_id: str | None,
    receipt_date: object,
    total: Decimal | None,
) -> uuid.UUID | None:
    """The earliest other live receipt with the same content, or the same Y-tunnus, date and total."""
    row = conn.execute(
        """
        select id from public.receipts
         where tenant_id = %(tenant)s and id <> %(id)s and deleted_at is null
           and ((%(hash)s::text is not null and content_hash = %(hash)s)
                or (%(bid)s::text is not null and %(day)s::date is not null and %(total)s::numeric is not null
                    and business_id = %(bid)s and receipt_date = %(day)s and total = %(total)s))
         order by created_at, id
         limit 1
        """,
        {
            "tenant": claim.tenant_id,
            "id": claim.receipt_id,
            "hash": content_hash,
            "bid": business_id,
            "day": receipt_date,
            "total": total,
        },
    ).fetchone()
    return None if row is None else uuid.UUID(str(row["id"]))


def _lock_claimed(conn: Connection, claim: Claim) -> list[str] | None:
    row = conn.execute(
        """
        select corrected_fields from public.receipts
         where id = %s and tenant_id = %s and status = 'processing' and attempts = %s
         for update
        """,
        (claim.receipt_id, claim.tenant_id, claim.attempt),
    ).fetchone()
    return None if row is None else list(row["corrected_fields"])


def store_review(conn: Connection, claim: Claim, review: Review) -> bool:
    """Write a reading and its final status; ``False`` when the claim was lost meanwhile.

    Fields a user corrected keep their corrected values (and rows, for ``vat`` and ``items``).
    """
    corrected = _lock_claimed(conn, claim)
    if corrected is None:
        return False
    keep = set(corrected)
    fields = {name: value for name, value in review.fields.items() if name not in keep}
    conn.execute(
        """
        update public.receipts
           set status = %(status)s, fields = (select coalesce(jsonb_object_agg(key, value), '{}'::jsonb)
                                               from jsonb_each(fields) where key = any (corrected_fields))
                                     || %(fields)s::jsonb,
               merchant = case when 'merchant' = any (corrected_fields) then merchant else %(merchant)s end,
               business_id = case when 'business_id' = any (corrected_fields)
                                  then business_id else %(bid)s end,
               receipt_date = case when 'date' = any (corrected_fields) then receipt_date else %(day)s end,
               total = case when 'total' = any (corrected_fields) then total else %(total)s end,
               currency = case when 'currency' = any (corrected_fields) then currency else %(currency)s end,
               ocr_text = %(text)s, ocr_seconds = %(seconds)s, confidence = %(confidence)s,
               warnings = %(warnings)s::jsonb, duplicate_of = %(duplicate)s, lease_until = null,
               processed_at = now(), updated_at = now()
         where id = %(id)s and tenant_id = %(tenant)s
        """,
        {
            "status": review.status,
            "fields": json.dumps(fields),
            "merchant": review.merchant,
            "bid": review.business_id,
            "day": review.receipt_date,
            "total": review.total,
            "currency": review.currency,
            "text": review.ocr_text,
            "seconds": review.ocr_seconds,
            "confidence": review.confidence,
            "warnings": json.dumps(list(review.warnings)),
            "duplicate": review.duplicate_of,
            "id": claim.receipt_id,
            "tenant": claim.tenant_id,
        },
    )
    if "vat" not in keep:
        replace_vat_rows(conn, claim.tenant_id, claim.receipt_id, [row.to_json() for row in review.vat_rows])
    if "items" not in keep:
        replace_items(conn, claim.tenant_id, claim.receipt_id, [item.to_json() for item in review.items])
    return True


def replace_vat_rows(
    conn: Connection, tenant_id: uuid.UUID, receipt_id: uuid.UUID, rows: list[dict[str, Any]]
) -> None:
    """Replace a receipt's VAT rows (``rate``, ``net``, ``tax``, ``gross`` as decimal strings)."""
    conn.execute(
        "delete from public.receipt_vat_rows where tenant_id = %s and receipt_id = %s",
        (tenant_id, receipt_id),
    )
    for position, row in enumerate(rows):
        conn.execute(
            """
            insert into public.receipt_vat_rows
              (tenant_id, receipt_id, position, rate, net, tax, gross, confidence)
            values (%s, %s, %s, %s, %s, %s, %s, %s)
            """,
            (
                tenant_id,
                receipt_id,
                position,
                row["rate"],
                row["net"],
                row["tax"],
                row["gross"],
                row.get("confidence", 1.0),
            ),
        )


def replace_items(
    conn: Connection, tenant_id: uuid.UUID, receipt_id: uuid.UUID, items: list[dict[str, Any]]
) -> None:
    """Replace a receipt's line items."""
    conn.execute(
        "delete from public.receipt_items where tenant_id = %s and receipt_id = %s", (tenant_id, receipt_id)
    )
    for position, item in enumerate(items):
        conn.execute(
            """
            insert into public.receipt_items
              (tenant_id, receipt_id, position, name, quantity, unit_price, amount)
            values (%s, %s, %s, %s, %s, %s, %s)
            """,
            (
                tenant_id,
                receipt_id,
                position,
                str(item["name"])[:300],
                item.get("quantity"),
                item.get("unit_price"),
                item["amount"],
            ),
        )


def record_failure(conn: Connection, claim: Claim, reason: str, *, retryable: bool) -> bool:
    """End the claim as ``failed`` with a stable reason code; ``False`` when the claim was lost."""
    row = conn.execute(
        """
        update public.receipts
           set status = 'failed', failure_reason = %s, failure_retryable = %s, lease_until = null,
               updated_at = now()
         where id = %s and tenant_id = %s and status = 'processing' and attempts = %s
        returning id
        """,
        (reason[:200], retryable, claim.receipt_id, claim.tenant_id, claim.attempt),
    ).fetchone()
    return row is not None


def fail_abandoned_uploads(
    conn: Connection,
    *,
    older_than_seconds: int = ABANDONED_UPLOAD_SECONDS,
    limit: int = ABANDONED_UPLOAD_BATCH,
) -> list[uuid.UUID]:
    """Mark ``failed`` (``upload_not_received``, not retryable) the pending receipts whose original
    never reached the bucket: no S3 event ever claimed them (no sequencer), none is queued, and the
    upload URL expired long ago. Their ids; the uploader sees why and may delete or upload again.

    An original that still arrives later is processed all the same (a claim takes ``failed`` rows).
    """
    rows = conn.execute(
        """
        with abandoned as materialized (
          select p.id from public.receipts p
           where p.status = 'pending' and p.sequencer is null and p.deleted_at is null
             and coalesce(p.reprocess_requested_at, p.created_at) < now() - make_interval(secs => %(seconds)s)
             and not exists (select 1 from app_private.receipt_jobs j where j.receipt_id = p.id)
           order by p.created_at
           limit %(limit)s
             for update skip locked)
        update public.receipts r
           set status = 'failed', failure_reason = %(reason)s, failure_retryable = false, updated_at = now()
          from abandoned a
         where r.id = a.id
        returning r.id
        """,
        {"reason": UPLOAD_NOT_RECEIVED, "seconds": older_than_seconds, "limit": limit},
    ).fetchall()
    return [row["id"] for row in rows]
