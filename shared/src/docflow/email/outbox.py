"""The send log and the after-commit send.

:func:`queue` runs inside the transaction of the change that causes a message: it writes the message's
row in ``public.email_sends`` (status ``pending``, or ``suppressed`` for an address that bounced hard
or complained) keyed by its idempotency key, and registers the send on the transaction's after-commit
hooks, so nothing is mailed for a change that rolled back. The same key queued again (a retried
request, a rerun job) finds the row: ``pending`` is sent again under the same ``Idempotency-Key``
(Resend answers with the first send), anything else is left alone. Bodies are never stored.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from docflow.email.client import Attachment, Outgoing, SendFailed
from docflow.email.templates import Locale, Rendered, idempotency_key, locale_of
from docflow.observability import get_logger

if TYPE_CHECKING:
    from docflow.db import Connection
    from docflow.db.after_commit import AfterCommit

#: Longest recipient address accepted (RFC 5321's path limit).
MAX_ADDRESS_LENGTH = 320


@dataclass(frozen=True, slots=True)
class Recipient:
    """A member who gets a message: their address and locale."""

    user_id: uuid.UUID | None
    email: str
    locale: Locale


def recipients(conn: Connection, tenant_id: uuid.UUID, roles: tuple[str, ...]) -> list[Recipient]:
    """The tenant's members of ``roles`` with an address, each with their profile's locale."""
    rows = conn.execute(
        "select user_id, email, locale from app_private.email_recipients(%s, %s)", (tenant_id, list(roles))
    ).fetchall()
    return [Recipient(row["user_id"], str(row["email"]), locale_of(row["locale"])) for row in rows]


def is_suppressed(conn: Connection, tenant_id: uuid.UUID, address: str) -> bool:
    """Whether ``address`` bounced hard or complained for this tenant (and was not cleared)."""
    row = conn.execute(
        "select 1 from public.email_suppressions where tenant_id = %s and address = %s",
        (tenant_id, address.strip().lower()),
    ).fetchone()
    return row is not None


def queue(
    conn: Connection,
    hooks: AfterCommit,
    *,
    tenant_id: uuid.UUID,
    kind: str,
    entity: str,
    to: Recipient,
    message: Rendered,
    attachments: tuple[Attachment, ...] = (),
) -> str | None:
    """Log the message and send it after the commit; returns its idempotency key, or ``None`` when
    nothing will be sent (suppressed address, or already sent or failed under this key)."""
    key = idempotency_key(kind, entity)
    address = to.email.strip()
    if not address or len(address) > MAX_ADDRESS_LENGTH:
        raise ValueError("recipient address missing or too long")
    suppressed = is_suppressed(conn, tenant_id, address)
    row = conn.execute(
        """
        insert into public.email_sends (tenant_id, idempotency_key, kind, recipient, locale, status)
        values (%s, %s, %s, %s, %s, %s)
        on conflict (idempotency_key) do update set updated_at = public.email_sends.updated_at
        returning status
        """,
        (tenant_id, key, kind, address, to.locale, "suppressed" if suppressed else "pending"),
    ).fetchone()
    if row is None or row["status"] != "pending":
        return None
    outgoing = Outgoing(
        to=address,
        subject=message.subject,
        html=message.html,
        text=message.text,
        idempotency_key=key,
        attachments=attachments,
        tags=(("kind", kind),),
    )
    hooks.add(partial(deliver, outgoing))
    return key


def deliver(message: Outgoing) -> str:
    """Send one logged message now and record the outcome (``sent`` with Resend's id, or ``failed``
    with the error code); returns the status recorded. Call only after the commit."""
    from docflow.db import system_transaction
    from docflow.email import client

    try:
        provider_id: str | None = client.send(message)
        status, error = "sent", None
        attempts = 1
    except SendFailed as exc:
        provider_id, status, error, attempts = None, "failed", exc.code, exc.attempts
        get_logger().warning(
            "e-mail not sent",
            extra={"error_code": exc.code, "kind": message.tags[0][1] if message.tags else ""},
        )
    with system_transaction("email.send") as conn:
        conn.execute(
            """
            update public.email_sends
               set status = %s, provider_id = coalesce(%s, provider_id), error_code = %s,
                   attempts = attempts + %s, updated_at = now()
             where idempotency_key = %s and status = 'pending'
            """,
            (status, provider_id, error, attempts, message.idempotency_key),
        )
    return status


def send_now(
    tenant_id: uuid.UUID, kind: str, entity: str, messages: list[tuple[Recipient, Rendered]]
) -> list[str]:
    """Queue ``messages`` in a transaction of their own and send them once it committed (for callers
    that are already past their own commit, e.g. the billing notices); returns the keys sent."""
    from docflow.db import system_transaction
    from docflow.db.after_commit import commit_hooks

    keys: list[str] = []
    with commit_hooks() as hooks, system_transaction("email.queue", tenant_id=str(tenant_id)) as conn:
        for recipient, rendered in messages:
            recipient_entity = f"{entity}:{recipient.user_id}" if recipient.user_id else entity
            key = queue(
                conn,
                hooks,
                tenant_id=tenant_id,
                kind=kind,
                entity=recipient_entity,
                to=recipient,
                message=rendered,
            )
            if key:
                keys.append(key)
    return keys
