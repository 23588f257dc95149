"""Lambda entry point of the OCR image: S3 notifications go to the pipeline, HTTP to the app."""

from __future__ import annotations

from typing import Any

from docflow.http import create_app, make_handler
from docflow.observability import get_logger, get_metrics
from docflow.pipeline.events import is_s3_event
from docflow_ocr.routes import MAX_SYNC_BYTES, router

app = create_app(router, title="DocFlow OCR", max_body_bytes=MAX_SYNC_BYTES)
http_handler = make_handler(app)
logger = get_logger()

#: The scheduled event's ``docflow_job`` (template.yaml, OcrFunction ``Drain``).
DRAIN_JOB = "receipts.drain"


@get_metrics().log_metrics
@logger.inject_lambda_context(clear_state=True, log_event=False)
def s3_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Queue the uploaded originals of an S3 event, then work off the queue fairly between tenants
    (:mod:`docflow.pipeline.queue`); a transient error raises (Lambda retries)."""
    from docflow.pipeline.events import parse_s3_event
    from docflow.pipeline.queue import drain, enqueue
    from docflow.pipeline.runner import process_record

    results = [process_record(record) for record in enqueue(parse_s3_event(event))]
    results += drain(remaining_seconds=_remaining_seconds(context))
    return {"results": [{"outcome": r.outcome, "reason": r.reason} for r in results]}


@get_metrics().log_metrics
@logger.inject_lambda_context(clear_state=True, log_event=False)
def drain_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The scheduled drain: uploads whose original never arrived are marked failed, then the queued
    receipts whose worker died or whose invocation ran out of time are run."""
    from docflow.db import system_transaction
    from docflow.pipeline.queue import drain
    from docflow.pipeline.store import fail_abandoned_uploads

    with system_transaction("receipts.abandoned_uploads") as conn:
        abandoned = fail_abandoned_uploads(conn)
    if abandoned:
        logger.info("uploads never received marked failed", extra={"receipts": len(abandoned)})
    results = drain(remaining_seconds=_remaining_seconds(context))
    return {
        "abandoned_uploads": len(abandoned),
        "results": [{"outcome": r.outcome, "reason": r.reason} for r in results],
    }


def _remaining_seconds(context: Any) -> float | None:
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    return None if remaining is None else remaining() / 1000


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """One image, three triggers: ``ObjectCreated`` records, the scheduled queue drain, or an API
    Gateway request."""
    if is_s3_event(event):
        result: dict[str, Any] = s3_handler(event, context)
        return result
    if isinstance(event, dict) and event.get("docflow_job") == DRAIN_JOB:
        drained: dict[str, Any] = drain_handler(event, context)
        return drained
    return http_handler(event, context)
