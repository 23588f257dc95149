"""Helpers of the integration suites: the session's KMS key, connected tenants, queued work run."""

from __future__ import annotations

import uuid
from typing import Any

from tests.support.local_s3 import ensure_receipts_bucket


def ensure_integrations_kms() -> str:
    """Start the session's moto server (if needed) and create the integrations KMS key; its id."""
    from docflow.aws import reset_clients
    from docflow.integrations.settings import reset_integrations_settings
    from docflow_local.integrations import ensure_kms_key

    ensure_receipts_bucket()
    reset_clients()
    reset_integrations_settings()
    return ensure_kms_key()


def run_outbox(tenant_id: uuid.UUID | None = None) -> list[str]:
    """Drain the outbox straight into the consumer (no queue), as the worker would; the outcomes."""
    from docflow.integrations import outbox
    from docflow.integrations.consumer import handle

    outcomes: list[str] = []

    def publish(_: str, messages: Any) -> set[int]:
        accepted: set[int] = set()
        for message in messages:
            if tenant_id is None or message.tenant_id == tenant_id:
                outcomes.append(handle(message))
            accepted.add(message.outbox_id)
        return accepted

    while outbox.drain(publish=publish):
        pass
    return outcomes
