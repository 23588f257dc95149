"""Received messages from S3 (SES receiving writes each raw message under ``inbound/``).

A message larger than :data:`docflow.email.inbound.mime.MAX_MESSAGE_BYTES` is never read whole: its
first bytes give the sender and recipients, and it is refused as ``message_too_large``. Records
outside the bucket and prefix are skipped.
"""

from __future__ import annotations

from typing import Any


def process_event(event: dict[str, Any]) -> list[dict[str, Any]]:
    """Handle every received message of an S3 event; one result per tenant and message."""
    from docflow.aws.s3 import read_object, read_object_head
    from docflow.config import get_settings
    from docflow.email.inbound.accept import handle
    from docflow.email.inbound.mime import HEAD_BYTES, MAX_MESSAGE_BYTES, parse_message, rejected
    from docflow.email.settings import get_email_settings
    from docflow.observability import get_logger
    from docflow.pipeline.events import parse_s3_event

    bucket = get_settings().receipts_bucket
    prefix = get_email_settings().email_inbound_prefix.strip("/") + "/"
    results: list[dict[str, Any]] = []
    for record in parse_s3_event(event):
        if record.bucket != bucket or not record.key.startswith(prefix):
            get_logger().info("inbound event skipped", extra={"reason": "foreign_key"})
            results.append({"status": "skipped", "reason": "foreign_key"})
            continue
        if record.size is not None and record.size > MAX_MESSAGE_BYTES:
            message = rejected(read_object_head(bucket, record.key, length=HEAD_BYTES), "message_too_large")
        else:
            try:
                raw = read_object(
                    bucket, record.key, max_bytes=MAX_MESSAGE_BYTES, version_id=record.version_id
                )
            except ValueError:
                raw = read_object_head(bucket, record.key, length=HEAD_BYTES)
                message = rejected(raw, "message_too_large")
            else:
                message = parse_message(raw)
        for outcome in handle(message):
            results.append(
                {
                    "tenant_id": str(outcome.tenant_id) if outcome.tenant_id else None,
                    "status": outcome.status,
                    "reason": outcome.reason,
                    "receipts": len(outcome.receipt_ids),
                }
            )
    return results
