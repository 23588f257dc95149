"""The automatic second reading after processing (a tenant setting, off by default).

The OCR image, which stores the engine's reading, has no model SDK; the function that reads again
(``ai_reading``) has no Tesseract. Between them is an SQS queue (``AI_READING_QUEUE_URL``):

- :func:`queue_after_store` runs inside the transaction that stores a reading. When the receipt is
  hard (``needs_review``, or processed below ``AI_REVIEW_CONFIDENCE``) and the tenant has
  ``ai_auto_second_reading`` on, it registers on the transaction's after-commit hooks
  (:mod:`docflow.db.after_commit`) one message ``{"tenant_id", "receipt_id"}``: nothing is queued for a
  reading that rolled back, and a failed send leaves the stored reading as it is (logged).
- :func:`read_queued` runs one message: it re-checks the setting, then reads the receipt again with
  :func:`docflow.ai.reading.second_reading` under the membership of the person who uploaded it (row
  level security and the tenant's AI budgets apply as if they had asked; an uploader who has left
  the tenant means no reading). Only model or network failures are retried (SQS redelivers, then
  its dead-letter queue); a receipt no longer hard, a spent budget or no model configured is final.

Nothing here imports the model SDK until a message is read.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import TYPE_CHECKING, Any

from docflow.config import EnvironmentSettings

if TYPE_CHECKING:
    from docflow.db import Connection
    from docflow.db.after_commit import AfterCommit


class AutoReadingSettings(EnvironmentSettings):
    """``AI_READING_QUEUE_URL``: where processing queues receipts to read again (unset: never)."""

    ai_reading_queue_url: str | None = None


@lru_cache(maxsize=1)
def get_auto_settings() -> AutoReadingSettings:
    """The process-wide setting."""
    return AutoReadingSettings()


def reset_auto_settings() -> None:
    """Forget the cached setting (tests change the environment)."""
    get_auto_settings.cache_clear()


def is_hard_result(status: str, confidence: float | None) -> bool:
    """Whether a stored reading qualifies for a second one (the rule of ``docflow.ai.reading.is_hard``)."""
    from docflow.ai.settings import get_ai_settings

    threshold = get_ai_settings().ai_review_confidence
    return status == "needs_review" or (
        status == "processed" and confidence is not None and confidence < threshold
    )


def tenant_wants_it(conn: Connection, tenant_id: uuid.UUID) -> bool:
    """The tenant's ``ai_auto_second_reading`` setting."""
    row = conn.execute(
        "select ai_auto_second_reading from public.tenants where id = %s", (tenant_id,)
    ).fetchone()
    return bool(row and row["ai_auto_second_reading"])


def queue_after_store(
    conn: Connection,
    hooks: AfterCommit,
    *,
    tenant_id: uuid.UUID,
    receipt_id: uuid.UUID,
    status: str,
    confidence: float | None,
) -> bool:
    """Register the message for after the commit when the reading is hard and the tenant wants it."""
    url = get_auto_settings().ai_reading_queue_url
    if not url or not is_hard_result(status, confidence) or not tenant_wants_it(conn, tenant_id):
        return False
    hooks.add(partial(send, url, tenant_id, receipt_id))
    return True


def send(url: str, tenant_id: uuid.UUID, receipt_id: uuid.UUID) -> None:
    """One message on the queue (ids only: no receipt content leaves the database this way)."""
    from docflow.aws import sqs_client

    body = json.dumps({"tenant_id": str(tenant_id), "receipt_id": str(receipt_id)})
    sqs_client().send_message(QueueUrl=url, MessageBody=body)


@dataclass(frozen=True, slots=True)
class QueuedReading:
    """One message of the queue."""

    tenant_id: uuid.UUID
    receipt_id: uuid.UUID

    @classmethod
    def parse(cls, body: str) -> QueuedReading:
        """The ids of a message body; ``ValueError`` for anything else."""
        data = json.loads(body)
        if not isinstance(data, dict) or set(data) != {"tenant_id", "receipt_id"}:
            raise ValueError("not a second reading message")
        return cls(uuid.UUID(str(data["tenant_id"])), uuid.UUID(str(data["receipt_id"])))


class RetryLater(Exception):
    """The model or the network failed; the message is to be delivered again."""


def _uploader(tenant_id: uuid.UUID, receipt_id: uuid.UUID) -> uuid.UUID | None:
    """The uploader of the receipt while still a member, if the tenant still wants the reading."""
    from docflow.db import system_transaction

    with system_transaction("ai.auto_reading") as conn:
        if not tenant_wants_it(conn, tenant_id):
            return None
        row = conn.execute(
            """
            select r.uploaded_by from public.receipts r
              join public.tenant_members m on m.tenant_id = r.tenant_id and m.user_id = r.uploaded_by
             where r.id = %s and r.tenant_id = %s and r.deleted_at is null
               and m.role in ('owner', 'admin', 'member')
            """,
            (receipt_id, tenant_id),
        ).fetchone()
    return None if row is None else uuid.UUID(str(row["uploaded_by"]))


def _acting_as(user_id: uuid.UUID) -> Any:
    from docflow.auth import Principal

    now = int(time.time())
    claims = {
        "sub": str(user_id),
        "role": "authenticated",
        "aud": "authenticated",
        "iat": now,
        "exp": now + 300,
    }
    return Principal.from_claims(claims)


def read_queued(message: QueuedReading) -> str:
    """Read one queued receipt again; the outcome code (``read``, ``off``, ``no_member`` or the
    problem code that ended it). Raises :class:`RetryLater` for a failure worth retrying."""
    from docflow import audit
    from docflow.db import translate_errors, user_transaction
    from docflow.errors import DocflowError

    uploader = _uploader(message.tenant_id, message.receipt_id)
    if uploader is None:
        return "skipped"
    from docflow.ai.reading import second_reading

    try:
        with (
            user_transaction(_acting_as(uploader), tenant_id=str(message.tenant_id)) as conn,
            translate_errors(),
        ):
            reading = second_reading(conn, message.receipt_id, uploader, today=dt.datetime.now(dt.UTC).date())
            if reading.written:
                audit.record(
                    conn,
                    action="ai.receipt_read_again",
                    actor=uploader,  # on whose behalf; "automatic" says nobody asked
                    tenant_id=message.tenant_id,
                    target_type="receipt",
                    target_id=message.receipt_id,
                    details={"accepted": reading.accepted, "rejected": reading.rejected, "automatic": True},
                )
    except DocflowError as exc:
        if exc.status == 503 and exc.code != "ai_not_configured":  # the model or network is down
            raise RetryLater(exc.code) from None
        return exc.code
    return "read"
