"""A received message into receipts, once: the tenant from the recipient address, the sender checked
against the tenant's members, one pending receipt per attachment, the originals written under the
upload prefix after the commit (where the S3 trigger runs the same pipeline as for an upload).

A message for a tenant is recorded once per dedup key (``public.email_inbound_messages``): a
delivery seen before creates nothing and only writes an original still missing (a crash after the
commit). A message that makes no receipt is recorded with its reason and logged; the sender gets a
reply only when they are a member of the tenant (never an unknown address: no backscatter), and never
for a message SES judged as spam or a virus. Logs carry reasons, counts and tenant ids, never
addresses, subjects or file names.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from docflow.email.inbound.mime import InboundAttachment, InboundMessage, parse_message
from docflow.observability import get_logger

if TYPE_CHECKING:
    from docflow.db import Connection
    from docflow.db.after_commit import AfterCommit
    from docflow.email.outbox import Recipient

#: Reasons never answered: the sender may be forged, or the message hostile.
NO_REPLY = frozenset({"unknown_sender", "virus", "spam", "sender_not_authenticated"})
#: Roles whose messages become receipts (the upload route's writers; viewers cannot upload).
WRITER_ROLES = frozenset({"owner", "admin", "member"})


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one message did for one tenant: ``accepted``, ``rejected``, ``duplicate`` or ``ignored``."""

    tenant_id: uuid.UUID | None
    status: str
    reason: str | None = None
    receipt_ids: tuple[uuid.UUID, ...] = ()


@dataclass(frozen=True, slots=True)
class Sender:
    """The member who sent the message, and the address and locale a reply goes to."""

    user_id: uuid.UUID
    email: str
    locale: str
    role: str


def inbound_address(local_part: str) -> str:
    """The full inbound address of a local part."""
    from docflow.email.settings import get_email_settings

    return f"{local_part}@{get_email_settings().email_inbound_domain}"


def tenants_for(recipients: tuple[str, ...]) -> list[uuid.UUID]:
    """The active tenants whose inbound addresses are among ``recipients``, in the order named."""
    from docflow.db import system_transaction
    from docflow.email.settings import get_email_settings

    domain = "@" + get_email_settings().email_inbound_domain
    locals_ = [address.removesuffix(domain) for address in recipients if address.endswith(domain)]
    found: list[uuid.UUID] = []
    if not locals_:
        return found
    with system_transaction("email.inbound.route") as conn:
        for local in dict.fromkeys(locals_):
            row = conn.execute("select app_private.inbound_tenant(%s) as tenant", (local[:64],)).fetchone()
            if row and row["tenant"] is not None and row["tenant"] not in found:
                found.append(row["tenant"])
    return found


def sender_of(conn: Connection, tenant_id: uuid.UUID, address: str) -> Sender | None:
    """The tenant's member whose confirmed address sent the message, if any."""
    if not address:
        return None
    row = conn.execute(
        "select user_id, email, locale, role from app_private.inbound_sender(%s, %s)", (tenant_id, address)
    ).fetchone()
    if row is None:
        return None
    return Sender(row["user_id"], str(row["email"]), str(row["locale"]), str(row["role"]))


def handle_raw(raw: bytes) -> list[Outcome]:
    """Parse a raw message and turn it into receipts for each tenant it is addressed to."""
    return handle(parse_message(raw))


def handle(message: InboundMessage) -> list[Outcome]:
    """:func:`accept_for` each tenant the message is addressed to; an address of no tenant is logged."""
    tenants = tenants_for(message.recipients)
    if not tenants:
        get_logger().warning("inbound message ignored", extra={"reason": "unknown_recipient"})
        return [Outcome(None, "ignored", "unknown_recipient")]
    return [accept_for(tenant_id, message) for tenant_id in tenants]


def _check_plan(conn: Connection, tenant_id: uuid.UUID, count: int) -> str | None:
    """``plan_limit_reached`` when ``count`` more receipts exceed the plan's month (the upload's check:
    the same quota lock, this month's receipts counted as the upload route counts them)."""
    from docflow.billing import entitlements

    row = conn.execute(
        """
        select count(*) as n from public.receipts
         where tenant_id = %s
           and created_at >= date_trunc('month', now() at time zone 'UTC') at time zone 'UTC'
        """,
        (tenant_id,),
    ).fetchone()
    try:
        with conn.transaction():
            entitlements.require(
                conn, entitlements.Limit.RECEIPTS_PER_MONTH, adding=count, used=int(row["n"]) if row else 0
            )
    except entitlements.PlanLimitReached:
        return "plan_limit_reached"
    return None


def accept_for(tenant_id: uuid.UUID, message: InboundMessage) -> Outcome:
    """Record the message for the tenant once and create its receipts (see the module documentation)."""
    from docflow.db import system_transaction
    from docflow.db.after_commit import commit_hooks

    with commit_hooks() as hooks, system_transaction("email.inbound", tenant_id=str(tenant_id)) as conn:
        sender = sender_of(conn, tenant_id, message.sender)
        reason = message.rejection
        if sender is None:
            reason = "unknown_sender"
        elif sender.role not in WRITER_ROLES:
            reason = "sender_not_allowed"
        if reason is None:
            reason = _check_plan(conn, tenant_id, len(message.attachments))
        row = conn.execute(
            """
            insert into public.email_inbound_messages
                   (tenant_id, dedup_key, sender_user_id, status, reason, attachments)
            values (%s, %s, %s, %s, %s, %s)
            on conflict (tenant_id, dedup_key) do nothing
            returning id
            """,
            (
                tenant_id,
                message.dedup_key,
                sender.user_id if sender else None,
                "rejected" if reason else "accepted",
                reason,
                len(message.attachments),
            ),
        ).fetchone()
        if row is None:
            rewritten = _rewrite_missing(conn, hooks, tenant_id, message)
            outcome = Outcome(tenant_id, "duplicate", None, rewritten)
        elif reason is not None:
            if sender is not None and reason not in NO_REPLY:
                _reply(
                    conn,
                    hooks=hooks,
                    tenant_id=tenant_id,
                    message_row=row["id"],
                    sender=sender,
                    reason=reason,
                )
            outcome = Outcome(tenant_id, "rejected", reason)
        else:
            assert sender is not None
            ids = _create_receipts(conn, hooks, tenant_id, sender.user_id, message.attachments)
            conn.execute(
                "update public.email_inbound_messages set receipt_ids = %s where id = %s",
                (list(ids), row["id"]),
            )
            outcome = Outcome(tenant_id, "accepted", None, ids)
    log = get_logger()
    extra = {"tenant_id": str(tenant_id), "reason": outcome.reason, "receipts": len(outcome.receipt_ids)}
    if outcome.status == "rejected":
        log.warning("inbound message rejected", extra=extra)
    else:
        log.info(f"inbound message {outcome.status}", extra=extra)
    return outcome


def _create_receipts(
    conn: Connection,
    hooks: AfterCommit,
    tenant_id: uuid.UUID,
    user_id: uuid.UUID,
    attachments: tuple[InboundAttachment, ...],
) -> tuple[uuid.UUID, ...]:
    """One pending receipt per attachment, as an upload creates them (a known content hash marks the
    duplicate); each original is written once the rows committed."""
    from docflow.config import get_settings
    from docflow.pipeline.keys import build_upload_key
    from docflow.pipeline.review import duplicate_warning

    settings = get_settings()
    ids: list[uuid.UUID] = []
    for attachment in attachments:
        receipt_id = uuid.uuid4()
        key = build_upload_key(settings.receipts_upload_prefix, tenant_id, receipt_id, attachment.filename)
        found = conn.execute(
            """
            select id from public.receipts
             where tenant_id = %s and content_hash = %s and deleted_at is null
             order by created_at, id limit 1
            """,
            (tenant_id, attachment.sha256),
        ).fetchone()
        duplicate = found["id"] if found else None
        conn.execute(
            """
            insert into public.receipts (id, tenant_id, uploaded_by, object_key, original_filename,
                                         content_type, size_bytes, status, duplicate_of, warnings)
            values (%s, %s, %s, %s, %s, %s, %s, 'pending', %s, %s::jsonb)
            """,
            (
                receipt_id,
                tenant_id,
                user_id,
                key,
                attachment.filename,
                attachment.content_type,
                len(attachment.data),
                duplicate,
                json.dumps([duplicate_warning(duplicate)] if duplicate else []),
            ),
        )
        hooks.add(partial(_write_original, settings.receipts_bucket, key, attachment), propagate=True)
        ids.append(receipt_id)
    return tuple(ids)


def _write_original(bucket: str, key: str, attachment: InboundAttachment) -> None:
    from docflow.aws.s3 import put_object

    put_object(bucket, key, attachment.data, content_type=attachment.content_type)


def _write_if_missing(bucket: str, key: str, attachment: InboundAttachment) -> None:
    from docflow.aws.s3 import object_exists

    if not object_exists(bucket, key):
        _write_original(bucket, key, attachment)


def _rewrite_missing(
    conn: Connection, hooks: AfterCommit, tenant_id: uuid.UUID, message: InboundMessage
) -> tuple[uuid.UUID, ...]:
    """For a message seen before: write the originals of its receipts still pending whose object is
    missing (the earlier delivery crashed after its commit); returns the receipts looked at."""
    from docflow.config import get_settings

    rows = conn.execute(
        """
        select r.id, r.object_key, r.status, r.size_bytes
          from public.email_inbound_messages m
          join public.receipts r on r.id = any (m.receipt_ids) and r.tenant_id = m.tenant_id
         where m.tenant_id = %s and m.dedup_key = %s and m.status = 'accepted'
         order by array_position(m.receipt_ids, r.id)
        """,
        (tenant_id, message.dedup_key),
    ).fetchall()
    bucket = get_settings().receipts_bucket
    for row, attachment in zip(rows, message.attachments, strict=False):
        if row["status"] == "pending" and len(attachment.data) == row["size_bytes"]:
            hooks.add(partial(_write_if_missing, bucket, str(row["object_key"]), attachment), propagate=True)
    return tuple(row["id"] for row in rows)


def _reply(
    conn: Connection,
    *,
    hooks: AfterCommit,
    tenant_id: uuid.UUID,
    message_row: uuid.UUID,
    sender: Sender,
    reason: str,
) -> None:
    """Tell the member why their message made no receipt (once per message: the key names its row)."""
    from docflow.email.outbox import Recipient, queue
    from docflow.email.settings import get_email_settings
    from docflow.email.templates import inbound_reason, locale_of, render

    locale = locale_of(sender.locale)
    recipient: Recipient = Recipient(sender.user_id, sender.email, locale)
    context = {
        "reason": inbound_reason(reason, locale),
        "url": f"{get_email_settings().email_app_url}/receipts",
    }
    message = render("inbound_rejected", locale, context)
    queue(
        conn,
        hooks,
        tenant_id=tenant_id,
        kind="inbound_rejected",
        entity=str(message_row),
        to=recipient,
        message=message,
    )
