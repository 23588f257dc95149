"""Lambda entry point of the integrations worker.

Two triggers: the Notion and Linear SQS FIFO queues (a batch of sync messages, answered with
``batchItemFailures``), and a schedule (``{"docflow_job": "integrations.drain"}``: publish the outbox
rows whose after-commit drain failed, and queue issues for receipts waiting for review too long).
"""

from __future__ import annotations

from typing import Any

from docflow import snapstart
from docflow.observability import get_logger, get_metrics

snapstart.bind_runtime()  # the SnapStart hooks (a no-op without the Lambda runtime's module)
logger = get_logger()


@get_metrics().log_metrics
@logger.inject_lambda_context(clear_state=True, log_event=False)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Dispatch on the trigger: SQS records, or the scheduled drain."""
    if isinstance(event.get("Records"), list):
        from docflow.integrations.consumer import handle_sqs_event

        return dict(handle_sqs_event(event))
    if event.get("docflow_job") == "integrations.drain":
        from docflow.db import system_transaction
        from docflow.integrations import outbox

        with system_transaction("integrations.sweep") as conn:
            swept = outbox.sweep_reviews(conn)
        published = outbox.drain()
        logger.info("integration outbox drained", extra={"published": published, "review_issues": swept})
        return {"published": published, "review_issues": swept}
    raise ValueError("not an event this function handles")
