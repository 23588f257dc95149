"""Run the steps for each record of an S3 event and turn their signals into outcomes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from docflow.config import get_settings
from docflow.metrics import OCR_SECONDS, RECEIPTS_FAILED, RECEIPTS_PROCESSED, emit
from docflow.pipeline.events import ObjectCreated, parse_s3_event
from docflow.pipeline.steps import STEPS, Context, PermanentFailure, Skip

#: Called after each step with its name and the new context (tests inject crashes here).
AfterStep = Callable[[str, Context], None]


@dataclass(frozen=True, slots=True)
class ProcessingResult:
    """What happened to one record: ``skipped``, ``failed`` or the receipt's final status."""

    key: str
    outcome: str
    reason: str | None = None


def _fail(ctx: Context, reason: str, *, retryable: bool) -> bool:
    """Record the failure; a final one (not retried) counts towards its mailed message's digest."""
    from docflow.db import system_transaction
    from docflow.db.after_commit import commit_hooks
    from docflow.email.receipt_notices import on_receipt_final
    from docflow.pipeline.store import record_failure

    if ctx.claim is None:
        return False
    with commit_hooks() as hooks, system_transaction("receipts.fail") as conn:
        recorded = record_failure(conn, ctx.claim, reason, retryable=retryable)
        if recorded and not retryable:
            on_receipt_final(conn, hooks, ctx.claim.tenant_id, ctx.claim.receipt_id)
        return recorded


def process_record(record: ObjectCreated, *, after_step: AfterStep | None = None) -> ProcessingResult:
    """Run every step for one record. Transient errors release the claim and propagate (retry)."""
    from docflow.observability import get_logger

    logger = get_logger()
    ctx = Context(record=record, settings=get_settings())
    try:
        for name, step in STEPS:
            ctx = step(ctx)
            if after_step is not None:
                after_step(name, ctx)
    except Skip as skip:
        logger.info("receipt event skipped", extra={"reason": skip.reason})
        return ProcessingResult(record.key, "skipped", skip.reason)
    except PermanentFailure as failure:
        _fail(ctx, failure.reason, retryable=failure.retryable)
        logger.warning("receipt failed", extra={"reason": failure.reason})
        emit(RECEIPTS_FAILED)
        return ProcessingResult(record.key, "failed", failure.reason)
    except Exception as error:
        _fail(ctx, "transient_error", retryable=True)
        logger.warning("receipt processing interrupted", extra={"error_type": type(error).__name__})
        raise
    assert ctx.review is not None
    emit(RECEIPTS_PROCESSED)
    emit(OCR_SECONDS, ctx.ocr_seconds)
    logger.info("receipt processed", extra={"status": ctx.review.status, "seconds": ctx.ocr_seconds})
    return ProcessingResult(record.key, ctx.review.status)


def process_event(event: dict[str, Any], *, after_step: AfterStep | None = None) -> list[ProcessingResult]:
    """Process every ``ObjectCreated`` record of an S3 event, in order."""
    return [process_record(record, after_step=after_step) for record in parse_s3_event(event)]
