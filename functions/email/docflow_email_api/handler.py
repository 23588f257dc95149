"""Lambda entry point of the e-mail group: S3 notifications of received messages, or HTTP."""

from __future__ import annotations

from typing import Any

from docflow.http import create_app, make_handler
from docflow.observability import get_logger, get_metrics
from docflow.pipeline.events import is_s3_event
from docflow_email_api.routes import router

app = create_app(router, title="DocFlow e-mail")
http_handler = make_handler(app)
logger = get_logger()


@get_metrics().log_metrics
@logger.inject_lambda_context(clear_state=True, log_event=False)
def s3_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Turn each received message of an S3 event into receipts; a transient error raises (retry)."""
    from docflow_email_api.inbound import process_event

    return {"results": process_event(event)}


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """One function, two triggers: ``ObjectCreated`` under ``inbound/`` or an API Gateway request."""
    if is_s3_event(event):
        result: dict[str, Any] = s3_handler(event, context)
        return result
    return http_handler(event, context)
