"""Lambda entry point of the automatic second reading: messages that processing queued on
``AI_READING_QUEUE_URL`` (see :mod:`docflow.ai.auto`), answered as an SQS partial batch response:
only messages whose reading failed for a reason worth retrying are delivered again."""

from __future__ import annotations

from typing import Any

from docflow import snapstart
from docflow.observability import get_logger, get_metrics

snapstart.bind_runtime()  # the SnapStart hooks (a no-op without the Lambda runtime's module)
logger = get_logger()


@get_metrics().log_metrics
@logger.inject_lambda_context(clear_state=True, log_event=False)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Read each queued receipt again; ``batchItemFailures`` names the messages to retry."""
    from docflow.ai.auto import QueuedReading, RetryLater, read_queued

    failures: list[dict[str, str]] = []
    records = event.get("Records") if isinstance(event, dict) else None
    for record in records if isinstance(records, list) else []:
        message_id = str(record.get("messageId", ""))
        try:
            message = QueuedReading.parse(str(record.get("body", "")))
        except ValueError:
            logger.warning("second reading message dropped", extra={"reason": "malformed"})
            continue
        try:
            outcome = read_queued(message)
        except RetryLater as exc:
            logger.warning("second reading postponed", extra={"reason": str(exc)})
            failures.append({"itemIdentifier": message_id})
            continue
        except Exception as exc:
            logger.warning("second reading failed", extra={"error_type": type(exc).__name__})
            failures.append({"itemIdentifier": message_id})
            continue
        logger.info(
            "second reading done",
            extra={
                "outcome": outcome,
                "tenant_id": str(message.tenant_id),
                "receipt_id": str(message.receipt_id),
            },
        )
    return {"batchItemFailures": failures}
