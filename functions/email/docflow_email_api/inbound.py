"""Received messages from S3 (SES receiving writes each raw message under ``inbound/``).

A message larger than :data:`docflow.email.inbound.mime.MAX_MESSAGE_BYTES` is never read whole: its
first bytes give the sender and recipients, and it is refused as ``message_too_large``. Records
outside the bucket and prefix are skipped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docflow.email.inbound.mime import InboundMessage


def process_event(event: dict[str, Any]) -> list[dict[str, Any]]:
    """Handle every received message of an S3 event; one result per tenant and message. A record whose
    object (or version) no longer exists is skipped as ``object_missing``."""
    from botocore.exceptions import ClientError

    from docflow.aws.s3 import is_missing
    from docflow.config import get_settings
    from docflow.email.inbound.accept import handle
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
        try:
            message = _read_message(bucket, record.key, record.size, record.version_id)
        except ClientError as error:
            if not is_missing(error):
                raise
            # Deleted, or an event replayed after the 30-day expiry: nothing to read, nothing to retry.
            get_logger().info("inbound event skipped", extra={"reason": "object_missing"})
            results.append({"status": "skipped", "reason": "object_missing"})
            continue
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


def _read_message(bucket: str, key: str, size: int | None, version_id: str | None) -> InboundMessage:
    """The parsed message at ``key``, or its refusal when it is too large to read whole."""
    from docflow.aws.s3 import read_object, read_object_head
    from docflow.email.inbound.mime import HEAD_BYTES, MAX_MESSAGE_BYTES, parse_message, rejected

    if size is not None and size > MAX_MESSAGE_BYTES:
        return rejected(read_object_head(bucket, key, length=HEAD_BYTES), "message_too_large")
    try:
        raw = read_object(bucket, key, max_bytes=MAX_MESSAGE_BYTES, version_id=version_id)
    except ValueError:
        return rejected(read_object_head(bucket, key, length=HEAD_BYTES), "message_too_large")
    return parse_message(raw)
