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


@get_metrics().log_metrics
@logger.inject_lambda_context(clear_state=True, log_event=False)
def s3_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Process every uploaded original of an S3 event; a transient error raises (Lambda retries)."""
    from docflow.pipeline.runner import process_event

    results = process_event(event)
    return {"results": [{"outcome": r.outcome, "reason": r.reason} for r in results]}


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """One image, two triggers: ``ObjectCreated`` records or an API Gateway request."""
    if is_s3_event(event):
        result: dict[str, Any] = s3_handler(event, context)
        return result
    return http_handler(event, context)
