"""The integration outbox: rows written in the transaction of the change (database triggers on
clients, leads and receipts; :func:`enqueue` for the routes' own work), published to each provider's
SQS FIFO queue by :func:`drain` (the tenant is the message group, the row id the deduplication id).

A row is marked published only once SQS accepted it, so a failed drain leaves it pending for the
next one; a message published twice is harmless (the consumer is idempotent). The drain runs after
the commit of a request that queued work (:func:`nudge`, an after-commit hook) and on a schedule
(rows whose nudge failed, and receipts waiting for review past the tenant's threshold).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from docflow.observability import get_logger

if TYPE_CHECKING:
    from docflow.db import Connection

Topic = Literal["client", "lead", "receipt_failed", "receipt_review", "support"]
#: SQS takes at most 10 entries per SendMessageBatch.
SQS_BATCH = 10


class SyncMessage(BaseModel):
    """One unit of sync work, as it travels on the queue."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    outbox_id: int = Field(ge=1)
    tenant_id: uuid.UUID
    provider: Literal["notion", "linear"]
    topic: Topic
    entity_id: uuid.UUID


#: Publishes messages of one provider; returns the outbox ids accepted.
Publisher = Callable[[str, Sequence[SyncMessage]], set[int]]


def enqueue(
    conn: Connection, *, tenant_id: uuid.UUID, provider: str, topic: Topic, entity_id: uuid.UUID
) -> None:
    """Queue one unit of work in the caller's transaction (no ``returning``: request roles may
    write the outbox but never read it)."""
    conn.execute(
        "insert into public.integration_outbox (tenant_id, provider, topic, entity_id)"
        " values (%s, %s, %s, %s)",
        (tenant_id, provider, topic, entity_id),
    )


def sqs_publisher(provider: str, messages: Sequence[SyncMessage]) -> set[int]:
    """Send ``messages`` to the provider's FIFO queue; the ids SQS accepted."""
    from docflow.aws import sqs_client
    from docflow.integrations.settings import get_integrations_settings

    settings = get_integrations_settings()
    url = settings.notion_queue_url if provider == "notion" else settings.linear_queue_url
    if not url:
        return set()
    accepted: set[int] = set()
    for start in range(0, len(messages), SQS_BATCH):
        chunk = messages[start : start + SQS_BATCH]
        answer = sqs_client().send_message_batch(
            QueueUrl=url,
            Entries=[
                {
                    "Id": str(message.outbox_id),
                    "MessageBody": message.model_dump_json(),
                    "MessageGroupId": str(message.tenant_id),
                    "MessageDeduplicationId": str(message.outbox_id),
                }
                for message in chunk
            ],
        )
        accepted |= {int(entry["Id"]) for entry in answer.get("Successful", [])}
    return accepted


def drain(*, limit: int | None = None, publish: Publisher | None = None) -> int:
    """Publish pending outbox rows (oldest first, rows another drain holds are skipped); returns how
    many were published."""
    from docflow.db import system_transaction
    from docflow.integrations.settings import get_integrations_settings

    batch = limit or get_integrations_settings().integrations_drain_batch
    send = publish or sqs_publisher
    with system_transaction("integrations.drain") as conn:
        rows = conn.execute(
            """
            select id, tenant_id, provider, topic, entity_id from public.integration_outbox
             where published_at is null order by id limit %s for update skip locked
            """,
            (batch,),
        ).fetchall()
        by_provider: dict[str, list[SyncMessage]] = {}
        for row in rows:
            message = SyncMessage(
                outbox_id=row["id"],
                tenant_id=row["tenant_id"],
                provider=row["provider"],
                topic=row["topic"],
                entity_id=row["entity_id"],
            )
            by_provider.setdefault(message.provider, []).append(message)
        published: set[int] = set()
        for provider, messages in by_provider.items():
            published |= send(provider, messages)
        ids = [row["id"] for row in rows]
        conn.execute(
            """
            update public.integration_outbox
               set published_at = case when id = any(%s) then now() end, attempts = attempts + 1
             where id = any(%s)
            """,
            (sorted(published), ids),
        )
    return len(published)


def nudge() -> None:
    """Drain after a commit that queued work; a failure is logged and the schedule drains later."""
    try:
        drain()
    except Exception as exc:
        get_logger().warning("integration outbox not drained", extra={"error_type": type(exc).__name__})


def sweep_reviews(conn: Connection) -> int:
    """Queue a Linear issue for each receipt waiting for review longer than its tenant's threshold
    (``review_after_hours`` of the Linear integration, else ``LINEAR_REVIEW_AFTER_HOURS``) that has no
    issue and no queued work yet; returns how many were queued."""
    from docflow.integrations.settings import get_integrations_settings

    default_hours = get_integrations_settings().linear_review_after_hours
    rows = conn.execute(
        """
        insert into public.integration_outbox (tenant_id, provider, topic, entity_id)
        select r.tenant_id, 'linear', 'receipt_review', r.id
          from public.integrations i
          join public.receipts r on r.tenant_id = i.tenant_id
         where i.provider = 'linear'
           and r.status = 'needs_review' and r.deleted_at is null
           and r.updated_at < now() - make_interval(
                 hours => coalesce((i.settings ->> 'review_after_hours')::int, %s))
           and not exists (select from public.linear_issues l
                            where l.tenant_id = r.tenant_id and l.subject_kind = 'receipt'
                              and l.subject_id = r.id)
           and not exists (select from public.integration_outbox o
                            where o.tenant_id = r.tenant_id and o.entity_id = r.id and o.provider = 'linear')
        returning id
        """,
        (default_hours,),
    ).fetchall()
    return len(rows)


def message_of(body: str) -> SyncMessage:
    """Parse a queue message body (raises ``ValueError`` for a malformed one)."""
    return SyncMessage.model_validate(json.loads(body))
