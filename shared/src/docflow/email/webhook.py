"""Resend's webhook deliveries: the Standard Webhooks (Svix) signature and their effect on the send log.

A delivery carries ``svix-id``, ``svix-timestamp`` and ``svix-signature``; the signature is
``v1,<base64 HMAC-SHA256>`` of ``<svix-id>.<svix-timestamp>.<raw body>`` under the secret's bytes
(``whsec_<base64>``), and the header may list several space-separated signatures while a secret is
rotated. A delivery is accepted when one of them matches one configured secret and its timestamp is
within the tolerance (5 minutes by default) either way. Each ``svix-id`` takes effect once.

Events: ``email.sent``, ``email.delivered``, ``email.delivery_delayed``, ``email.opened`` update the
message's status; ``email.bounced`` (a permanent bounce) and ``email.complained`` also suppress the
address for the tenant. A status never goes back (``opened`` after ``delivered``, not the reverse).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from typing import Any, Literal

from docflow.errors import DocflowError

#: Largest ``svix-signature`` header read (a few signatures during rotation).
MAX_SIGNATURE_HEADER = 1024
MAX_SIGNATURES = 8

Outcome = Literal["applied", "duplicate", "ignored", "unknown_email"]

#: Event type -> the status it records, in order of precedence (a later one never goes back).
STATUSES: dict[str, str] = {
    "email.sent": "sent",
    "email.delivery_delayed": "delivery_delayed",
    "email.delivered": "delivered",
    "email.opened": "opened",
    "email.bounced": "bounced",
    "email.complained": "complained",
}
_RANK = {
    "pending": 0,
    "sent": 1,
    "delivery_delayed": 2,
    "delivered": 3,
    "opened": 4,
    "bounced": 5,
    "complained": 6,
}


class InvalidWebhook(DocflowError):
    """A delivery whose signature, timestamp or body is not acceptable (400)."""

    status = 400
    code = "invalid_signature"
    title = "Invalid webhook signature"


def configured_secrets(value: str) -> list[bytes]:
    """The secrets' bytes from ``RESEND_WEBHOOK_SECRET`` (comma-separated ``whsec_<base64>``)."""
    keys: list[bytes] = []
    for part in value.split(","):
        text = part.strip().removeprefix("whsec_")
        if not text:
            continue
        try:
            keys.append(base64.b64decode(text, validate=True))
        except (binascii.Error, ValueError):
            raise ValueError("RESEND_WEBHOOK_SECRET is not whsec_<base64>") from None
    if not keys:
        raise ValueError("RESEND_WEBHOOK_SECRET is empty")
    return keys


def sign(secret: bytes, svix_id: str, timestamp: int, payload: bytes) -> str:
    """The ``v1,<base64>`` signature of a delivery (what Resend sends; tests sign with it)."""
    content = f"{svix_id}.{timestamp}.".encode() + payload
    return "v1," + base64.b64encode(hmac.new(secret, content, hashlib.sha256).digest()).decode()


def verify(
    payload: bytes,
    headers: Mapping[str, str],
    secrets: list[bytes],
    *,
    tolerance: int = 300,
    now: float | None = None,
) -> tuple[str, dict[str, Any]]:
    """The delivery's ``svix-id`` and event when signed by one of ``secrets`` in time; else
    :class:`InvalidWebhook` (which never says what was expected)."""
    svix_id = headers.get("svix-id") or ""
    stamp = headers.get("svix-timestamp") or ""
    header = headers.get("svix-signature") or ""
    if not svix_id or not stamp or not header:
        raise InvalidWebhook("the svix-id, svix-timestamp and svix-signature headers are required")
    if len(svix_id) > 100 or not all(c.isalnum() or c in "_-" for c in svix_id):
        raise InvalidWebhook("svix-id is malformed")
    if len(header) > MAX_SIGNATURE_HEADER or not stamp.isdigit() or len(stamp) > 12:
        raise InvalidWebhook("the signature headers are malformed")
    moment = int(stamp)
    current = time.time() if now is None else now
    if abs(current - moment) > tolerance:
        raise InvalidWebhook("the delivery's timestamp is outside the tolerance")
    offered = [part.split(",", 1)[1] for part in header.split(" ")[:MAX_SIGNATURES] if part.startswith("v1,")]
    expected = [sign(secret, svix_id, moment, payload).split(",", 1)[1] for secret in secrets]
    if not any(hmac.compare_digest(o.encode(), e.encode()) for o in offered for e in expected):
        raise InvalidWebhook("no signature matches")
    try:
        event = json.loads(payload)
    except (ValueError, UnicodeDecodeError):
        raise InvalidWebhook("the body is not JSON") from None
    if (
        not isinstance(event, dict)
        or not isinstance(event.get("type"), str)
        or not isinstance(event.get("data"), dict)
    ):
        raise InvalidWebhook("the body is not a Resend event")
    return svix_id, event


def _hard_bounce(data: Mapping[str, Any]) -> bool:
    bounce = data.get("bounce")
    kind = str(bounce.get("type", "")) if isinstance(bounce, dict) else ""
    return kind.lower() in {"permanent", "hard", ""}


def process(svix_id: str, event: Mapping[str, Any]) -> Outcome:
    """Apply one verified delivery once (the ``svix-id`` is recorded in the same transaction)."""
    from docflow.db import system_transaction

    kind = str(event["type"])[:100]
    data: Mapping[str, Any] = event["data"]
    with system_transaction("email.webhook") as conn:
        fresh = conn.execute(
            "insert into public.resend_webhook_deliveries (svix_id, event_type) values (%s, %s)"
            " on conflict do nothing returning svix_id",
            (svix_id, kind),
        ).fetchone()
        if fresh is None:
            return "duplicate"
        status = STATUSES.get(kind)
        email_id = data.get("email_id")
        if status is None or not isinstance(email_id, str):
            return "ignored"
        row = conn.execute(
            "select id, tenant_id, recipient, status from public.email_sends"
            " where provider_id = %s for update",
            (email_id[:100],),
        ).fetchone()
        if row is None:
            return "unknown_email"
        if _RANK.get(status, 0) > _RANK.get(row["status"], 0):
            conn.execute(
                "update public.email_sends set status = %s, updated_at = now() where id = %s",
                (status, row["id"]),
            )
        if kind == "email.complained" or (kind == "email.bounced" and _hard_bounce(data)):
            conn.execute(
                "insert into public.email_suppressions (tenant_id, address, reason) values (%s, %s, %s)"
                " on conflict do nothing",
                (
                    row["tenant_id"],
                    str(row["recipient"]).strip().lower(),
                    "complained" if kind == "email.complained" else "bounced",
                ),
            )
    return "applied"
