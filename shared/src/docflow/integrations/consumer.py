"""The queue consumer: one outbox message at a time, for the tenant's Notion or Linear.

The integration is loaded (and its secret opened) for each message, so a removed integration stops
at the next message: nothing is sent and the message is dropped. Transient provider failures are
raised to the caller, which reports the message (and, on a FIFO queue, the rest of its group) back
to SQS for a retry; a permanent failure is recorded on the record's sync status.
"""

from __future__ import annotations

from typing import Any

from docflow.integrations.outbox import SyncMessage, message_of
from docflow.observability import get_logger


def handle(message: SyncMessage, opened_keys: dict[bytes, Any] | None = None) -> str:
    """Do one message's work; returns its outcome (``dropped`` when the integration is gone).
    ``opened_keys``: secrets opened earlier in the same batch (see :func:`store.load`)."""
    from docflow.db import system_transaction
    from docflow.integrations import store

    with system_transaction("integrations.sync", tenant_id=str(message.tenant_id)) as conn:
        integration = store.load(conn, message.tenant_id, message.provider, opened_keys=opened_keys)
    if integration is None:
        return "dropped"
    if message.provider == "notion":
        from docflow.integrations.notion import sync_record

        return sync_record(integration, message.topic, message.entity_id)
    from docflow.integrations.linear_sync import open_issue

    return open_issue(integration, message.topic, message.entity_id)


def handle_sqs_event(event: dict[str, Any]) -> dict[str, list[dict[str, str]]]:
    """An SQS batch: ``batchItemFailures`` lists the messages to retry. A malformed message is
    logged by id and dropped; after a transient failure the rest of that tenant's group is
    returned unprocessed too, keeping the FIFO order."""
    from docflow.integrations.errors import ProviderError, SealingUnavailable

    logger = get_logger()
    failures: list[dict[str, str]] = []
    blocked: set[str] = set()
    opened_keys: dict[bytes, Any] = {}
    for record in event.get("Records") or []:
        message_id = str(record.get("messageId", ""))
        group = str((record.get("attributes") or {}).get("MessageGroupId", ""))
        if group and group in blocked:
            failures.append({"itemIdentifier": message_id})
            continue
        try:
            message = message_of(str(record.get("body", "")))
        except ValueError:
            logger.error("malformed integration message dropped", extra={"message_id": message_id})
            continue
        try:
            outcome = handle(message, opened_keys)
        except (ProviderError, SealingUnavailable) as error:
            logger.warning(
                "integration sync will be retried",
                extra={"message_id": message_id, "error_code": getattr(error, "upstream", error.code)},
            )
            failures.append({"itemIdentifier": message_id})
            if group:
                blocked.add(group)
            continue
        logger.info(
            "integration sync",
            extra={"provider": message.provider, "topic": message.topic, "outcome": outcome},
        )
    return {"batchItemFailures": failures}
