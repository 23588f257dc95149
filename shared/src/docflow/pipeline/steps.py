"""The processing steps, in order. Each takes the frozen context and returns a new one.

``STEPS`` is the whole pipeline: read it top to bottom. A step raises :class:`Skip` when there is
nothing to do (not ours, already done, an older event) and :class:`PermanentFailure` when the object
can never be read; any other exception (:class:`ReceiptBusy` included: another run holds the
receipt) is transient and the event is retried.
"""

from __future__ import annotations

import dataclasses
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from docflow.config import Settings
from docflow.pipeline.events import ObjectCreated
from docflow.pipeline.keys import UploadKey, parse_upload_key
from docflow.pipeline.review import Review, build_review
from docflow.pipeline.store import (
    Claim,
    claim_receipt,
    find_duplicate,
    is_held,
    record_hash,
    record_replaced_original,
    store_review,
)
from docflow.receipts.scan import scan_bytes

if TYPE_CHECKING:
    from docflow.receipts.models import ReceiptData


class Skip(Exception):
    """Nothing to do for this record; ``reason`` says why (for logs and metrics)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class PermanentFailure(Exception):
    """The object can never be processed; the receipt ends ``failed`` with ``reason``."""

    #: Whether the same version may be read again later (a redelivery or a drain claims it).
    retryable = False

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class BudgetExhausted(PermanentFailure):
    """The tenant spent its OCR seconds for the window; the receipt ends ``failed`` with
    ``ocr_budget_exhausted``, retryable (reprocess once the window has passed)."""

    retryable = True

    def __init__(self) -> None:
        super().__init__("ocr_budget_exhausted")


class ReceiptBusy(Exception):
    """Another run holds the receipt; retry later (Lambda's retry), by when it has finished or died."""


@dataclass(frozen=True, slots=True)
class Context:
    """What the steps know so far about one event record."""

    record: ObjectCreated
    settings: Settings
    key: UploadKey | None = None
    claim: Claim | None = None
    version_id: str | None = None
    data: bytes | None = None
    content_hash: str | None = None
    receipt: ReceiptData | None = None
    ocr_text: str = ""
    ocr_seconds: float = 0.0
    review: Review | None = None

    def held(self) -> Claim:
        """The claim (steps after ``claim`` always have one)."""
        if self.claim is None:
            raise RuntimeError("step ran before the receipt was claimed")
        return self.claim


Step = Callable[[Context], Context]


def locate(ctx: Context) -> Context:
    """Derive tenant and receipt from the key; anything outside the upload prefix is not ours."""
    if ctx.record.bucket != ctx.settings.receipts_bucket:
        raise Skip("foreign_bucket")
    key = parse_upload_key(ctx.settings.receipts_upload_prefix, ctx.record.key)
    if key is None:
        raise Skip("foreign_key")
    return dataclasses.replace(ctx, key=key)


def claim(ctx: Context) -> Context:
    """Take the matching pending/failed receipt row (guarded transition, committed on its own). A newer
    version of the key of a receipt already read is recorded on the receipt and audited, never read."""
    from docflow import audit
    from docflow.db import system_transaction

    assert ctx.key is not None
    with system_transaction("receipts.claim") as conn:
        held = claim_receipt(
            conn,
            tenant_id=ctx.key.tenant_id,
            receipt_id=ctx.key.receipt_id,
            object_key=ctx.record.key,
            sequencer=ctx.record.sequencer,
            lease_seconds=ctx.settings.receipts_lease_seconds,
        )
        busy = held is None and is_held(conn, tenant_id=ctx.key.tenant_id, receipt_id=ctx.key.receipt_id)
        replaced = (
            held is None
            and not busy
            and record_replaced_original(
                conn,
                tenant_id=ctx.key.tenant_id,
                receipt_id=ctx.key.receipt_id,
                object_key=ctx.record.key,
                sequencer=ctx.record.sequencer,
                version_id=ctx.record.version_id,
            )
        )
        if replaced:
            audit.record(
                conn,
                action="receipt.original_replaced",
                actor=None,
                tenant_id=ctx.key.tenant_id,
                target_type="receipt",
                target_id=ctx.key.receipt_id,
            )
    if replaced:
        raise Skip("original_replaced")
    if busy:
        raise ReceiptBusy("another run holds this receipt")
    if held is None:
        raise Skip("not_claimable")
    return dataclasses.replace(ctx, claim=held)


def inspect(ctx: Context) -> Context:
    """HEAD the object: its size and type must be what the receipt row was created for. The version
    HEAD saw (the event's, when it names one) is the one read from here on."""
    from docflow.aws.s3 import head_object

    held = ctx.held()
    head = head_object(ctx.record.bucket, ctx.record.key, ctx.record.version_id)
    if head.size != held.size_bytes or ctx.record.size not in {None, held.size_bytes}:
        raise PermanentFailure("size_mismatch")
    if head.content_type.split(";", 1)[0].strip().lower() != held.content_type:
        raise PermanentFailure("type_mismatch")
    return dataclasses.replace(ctx, version_id=ctx.record.version_id or head.version_id)


def download(ctx: Context) -> Context:
    """Read the announced number of bytes of the inspected version, never more, and hash them; the
    hash and the version are recorded together."""
    from docflow.aws.s3 import read_object
    from docflow.db import system_transaction

    held = ctx.held()
    try:
        data = read_object(
            ctx.record.bucket, ctx.record.key, max_bytes=held.size_bytes, version_id=ctx.version_id
        )
    except ValueError:
        raise PermanentFailure("size_mismatch") from None
    digest = hashlib.sha256(data).hexdigest()
    with system_transaction("receipts.hash") as conn:
        record_hash(conn, held, digest, ctx.version_id)
    return dataclasses.replace(ctx, data=data, content_hash=digest)


def verify(ctx: Context) -> Context:
    """Size, magic bytes against the declared type and name, polyglots: all before decoding."""
    from docflow.ocr import DocumentError, OcrLimits
    from docflow.ocr.loader import validate_upload

    held = ctx.held()
    try:
        validate_upload(
            ctx.data or b"",
            declared_type=held.content_type,
            filename=held.original_filename,
            limits=OcrLimits(),
        )
    except DocumentError as error:
        raise PermanentFailure(error.code) from None
    return ctx


def read(ctx: Context) -> Context:
    """OCR the document and extract the receipt's fields (the expensive step), within the document's
    time limit and the tenant's OCR budget; the seconds spent are charged to the tenant either way.
    No transaction is open while Tesseract runs."""
    from docflow.db import system_transaction
    from docflow.ocr import DocumentError, OcrDocumentTimeoutError, OcrLimits, OcrUnavailableError
    from docflow.pipeline import budget

    held = ctx.held()
    with system_transaction("receipts.budget") as conn:
        left = budget.seconds_left(conn, held.tenant_id)
    if left <= 0:
        raise BudgetExhausted
    seconds, by_budget = budget.document_limit(left)
    started = time.perf_counter()
    try:
        receipt, result = scan_bytes(
            ctx.data or b"",
            filename=held.original_filename,
            limits=OcrLimits(document_timeout_seconds=seconds),
        )
    except OcrUnavailableError:
        raise  # the engine failed, not the document: retry
    except OcrDocumentTimeoutError:
        raise BudgetExhausted() if by_budget else PermanentFailure("ocr_document_timeout") from None
    except DocumentError as error:
        raise PermanentFailure(error.code) from None
    finally:
        with system_transaction("receipts.budget") as conn:
            budget.spend(conn, held.tenant_id, time.perf_counter() - started)
    return dataclasses.replace(
        ctx, receipt=receipt, ocr_text=result.text, ocr_seconds=time.perf_counter() - started
    )


def review(ctx: Context) -> Context:
    """Look for a duplicate and decide the status (processed or needs_review)."""
    from docflow.db import system_transaction

    held, receipt = ctx.held(), ctx.receipt
    assert receipt is not None
    draft = build_review(
        receipt,
        ocr_text=ctx.ocr_text,
        ocr_seconds=ctx.ocr_seconds,
        duplicate_of=None,
        review_confidence=ctx.settings.receipts_review_confidence,
    )
    with system_transaction("receipts.review") as conn:
        duplicate = find_duplicate(
            conn,
            held,
            content_hash=ctx.content_hash,
            business_id=draft.business_id,
            receipt_date=draft.receipt_date,
            total=draft.total,
        )
    if duplicate is None:
        return dataclasses.replace(ctx, review=draft)
    final = build_review(
        receipt,
        ocr_text=ctx.ocr_text,
        ocr_seconds=ctx.ocr_seconds,
        duplicate_of=duplicate,
        review_confidence=ctx.settings.receipts_review_confidence,
    )
    return dataclasses.replace(ctx, review=final)


def store(ctx: Context) -> Context:
    """Write fields, rows, text and the final status in one transaction, if the claim still holds;
    the tenant's category rules categorise the receipt in the same transaction, and the mail the status
    calls for (needs review, or the digest of a mailed message) is logged with it and sent after the
    commit. A hard receipt of a tenant with the automatic second reading on is queued for it once this
    has committed."""
    from docflow.ai.auto import queue_after_store
    from docflow.db import system_transaction
    from docflow.db.after_commit import commit_hooks
    from docflow.email.receipt_notices import on_receipt_final
    from docflow.finance.rules import apply_to_stored_receipt

    review = ctx.review
    assert review is not None
    claim = ctx.held()
    with commit_hooks() as hooks, system_transaction("receipts.store") as conn:
        if not store_review(conn, claim, review):
            raise Skip("claim_lost")
        apply_to_stored_receipt(conn, claim.tenant_id, claim.receipt_id)
        on_receipt_final(conn, hooks, claim.tenant_id, claim.receipt_id)
        queue_after_store(
            conn,
            hooks,
            tenant_id=claim.tenant_id,
            receipt_id=claim.receipt_id,
            status=review.status,
            confidence=review.confidence,
        )
    return ctx


#: The pipeline, in order.
STEPS: tuple[tuple[str, Step], ...] = (
    ("locate", locate),
    ("claim", claim),
    ("inspect", inspect),
    ("download", download),
    ("verify", verify),
    ("read", read),
    ("review", review),
    ("store", store),
)
