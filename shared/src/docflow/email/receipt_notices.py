"""What a member hears about their receipts once processing has stored a result.

Called by the pipeline in the transaction that stores the result (or the failure), so the message is
logged with the change and sent after its commit:

- a receipt mailed in (:mod:`docflow.email.inbound`) counts towards its message's **digest**: once
  every receipt of the message has a final status, the sender gets one ``receipts_digest`` (how many
  were read, need review, failed), key ``receipts_digest/<message>/v1``; no per-receipt mail;
- an uploaded receipt that **needs review** mails its uploader ``receipt_needs_review``, key
  ``receipt_needs_review/<receipt>/v1``: once per receipt, a reprocessing does not mail again.

Messages go to the member in their profile's locale; nobody without an address, and a suppressed
address only gets its log row (:func:`docflow.email.outbox.queue`).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docflow.db import Connection
    from docflow.db.after_commit import AfterCommit
    from docflow.email.outbox import Recipient

FINAL = ("processed", "needs_review", "failed")
ALL_ROLES = ("owner", "admin", "member", "viewer")


def _member(conn: Connection, tenant_id: uuid.UUID, user_id: uuid.UUID | None) -> Recipient | None:
    from docflow.email.outbox import recipients

    if user_id is None:
        return None
    return next((r for r in recipients(conn, tenant_id, ALL_ROLES) if r.user_id == user_id), None)


def on_receipt_final(
    conn: Connection, hooks: AfterCommit, tenant_id: uuid.UUID, receipt_id: uuid.UUID
) -> None:
    """Queue the mail a receipt's final status calls for (see the module documentation)."""
    receipt = conn.execute(
        "select status, uploaded_by, original_filename from public.receipts where id = %s and tenant_id = %s",
        (receipt_id, tenant_id),
    ).fetchone()
    if receipt is None or receipt["status"] not in FINAL:
        return
    message = conn.execute(
        """
        select id, sender_user_id, receipt_ids from public.email_inbound_messages
         where tenant_id = %s and receipt_ids @> array[%s]::uuid[]
        """,
        (tenant_id, receipt_id),
    ).fetchone()
    if message is not None:
        _digest(
            conn,
            hooks,
            tenant_id=tenant_id,
            message_id=message["id"],
            user_id=message["sender_user_id"],
            receipt_ids=list(message["receipt_ids"]),
        )
    elif receipt["status"] == "needs_review":
        _needs_review(
            conn,
            hooks,
            tenant_id=tenant_id,
            receipt_id=receipt_id,
            user_id=receipt["uploaded_by"],
            name=str(receipt["original_filename"]),
        )


def _needs_review(
    conn: Connection,
    hooks: AfterCommit,
    *,
    tenant_id: uuid.UUID,
    receipt_id: uuid.UUID,
    user_id: uuid.UUID | None,
    name: str,
) -> None:
    from docflow.email.outbox import queue
    from docflow.email.settings import get_email_settings
    from docflow.email.templates import render

    member = _member(conn, tenant_id, user_id)
    if member is None:
        return
    url = f"{get_email_settings().email_app_url}/receipts/{receipt_id}"
    message = render("receipt_needs_review", member.locale, {"receipt": name, "url": url})
    queue(
        conn,
        hooks,
        tenant_id=tenant_id,
        kind="receipt_needs_review",
        entity=str(receipt_id),
        to=member,
        message=message,
    )


def _digest(
    conn: Connection,
    hooks: AfterCommit,
    *,
    tenant_id: uuid.UUID,
    message_id: uuid.UUID,
    user_id: uuid.UUID | None,
    receipt_ids: list[uuid.UUID],
) -> None:
    from docflow.email.outbox import queue
    from docflow.email.settings import get_email_settings
    from docflow.email.templates import render

    # The rows of the message's receipts, locked in one order: the last two to finish concurrently
    # see each other's status, so exactly one of them finds all final (and the key stops a second).
    rows = conn.execute(
        "select status from public.receipts where tenant_id = %s and id = any(%s) order by id for update",
        (tenant_id, receipt_ids),
    ).fetchall()
    statuses = [row["status"] for row in rows]
    if not statuses or any(status not in FINAL for status in statuses):
        return
    member = _member(conn, tenant_id, user_id)
    if member is None:
        return
    context = {
        "count": str(len(statuses)),
        "processed": str(statuses.count("processed")),
        "review": str(statuses.count("needs_review")),
        "failed": str(statuses.count("failed")),
        "url": f"{get_email_settings().email_app_url}/receipts",
    }
    message = render("receipts_digest", member.locale, context)
    queue(
        conn,
        hooks,
        tenant_id=tenant_id,
        kind="receipts_digest",
        entity=str(message_id),
        to=member,
        message=message,
    )
