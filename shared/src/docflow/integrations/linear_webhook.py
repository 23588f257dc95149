"""Linear's webhook deliveries: the ``Linear-Signature`` check and the issue state recorded back.

A delivery's ``Linear-Signature`` is the hex HMAC-SHA256 of the raw body under the webhook's signing
secret, which each tenant sets with its API key (sealed like it). The tenant is found by the body's
``organizationId`` (recorded when the key was set); a delivery is accepted when the signature matches
that tenant's secret and its ``webhookTimestamp`` (milliseconds) is within the tolerance (60 s) either
way. Each ``Linear-Delivery`` id takes effect once (``public.linear_webhook_deliveries``, written in the
same transaction as the state). An ``Issue`` event records the issue's state on the receipt's or the
support request's issue row.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from collections.abc import Mapping
from typing import Any, Literal

from docflow.errors import DocflowError

#: Tenants that may share one Linear workspace (each with its own webhook secret).
MAX_TENANTS_PER_ORGANIZATION = 20
_DELIVERY = re.compile(r"^[A-Za-z0-9_-]{1,100}$")
_SIGNATURE = re.compile(r"^[0-9a-f]{64}$")

Outcome = Literal["applied", "duplicate", "ignored"]


class InvalidLinearWebhook(DocflowError):
    """A delivery whose signature, timestamp or body is not acceptable (400)."""

    status = 400
    code = "invalid_signature"
    title = "Invalid webhook signature"


def sign(secret: str, payload: bytes) -> str:
    """The ``Linear-Signature`` of a body (what Linear sends; tests sign with it)."""
    return hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()


def parse(
    payload: bytes, headers: Mapping[str, str], *, tolerance: int, now: float | None = None
) -> tuple[str, dict[str, Any]]:
    """The delivery id and body of a well-formed, timely delivery (the signature is checked by
    :func:`process`, which knows the tenant's secret); else :class:`InvalidLinearWebhook`."""
    delivery = headers.get("linear-delivery") or ""
    signature = (headers.get("linear-signature") or "").lower()
    if not delivery or not signature:
        raise InvalidLinearWebhook("the Linear-Delivery and Linear-Signature headers are required")
    if not _DELIVERY.match(delivery) or not _SIGNATURE.match(signature):
        raise InvalidLinearWebhook("Linear-Delivery or Linear-Signature is malformed")
    try:
        body = json.loads(payload)
    except ValueError:
        raise InvalidLinearWebhook("the body is not JSON") from None
    if not isinstance(body, dict):
        raise InvalidLinearWebhook("the body is not a JSON object")
    stamp = body.get("webhookTimestamp")
    if not isinstance(stamp, int) or isinstance(stamp, bool):
        raise InvalidLinearWebhook("webhookTimestamp is missing")
    current = time.time() if now is None else now
    if abs(current - stamp / 1000) > tolerance:
        raise InvalidLinearWebhook("the delivery is outside the accepted time window")
    if not isinstance(body.get("organizationId"), str):
        raise InvalidLinearWebhook("organizationId is missing")
    return delivery, body


def process(payload: bytes, signature: str, delivery: str, body: dict[str, Any]) -> Outcome:
    """Find the tenant whose secret signed the delivery and apply it once; a signature no tenant's
    secret makes is :class:`InvalidLinearWebhook`."""
    from docflow.db import system_transaction
    from docflow.integrations import store

    organization = str(body["organizationId"])[:100]
    with system_transaction("integrations.linear_webhook") as conn:
        tenants = conn.execute(
            """
            select tenant_id from public.integrations
             where provider = 'linear' and external_account = %s and webhook_sealed is not null
             order by tenant_id limit %s
            """,
            (organization, MAX_TENANTS_PER_ORGANIZATION),
        ).fetchall()
        signer = None
        for row in tenants:
            opened = store.load(conn, row["tenant_id"], "linear")
            if opened and opened.webhook_secret:
                expected = sign(opened.webhook_secret, payload)
                if hmac.compare_digest(expected, signature.lower()):
                    signer = row["tenant_id"]
                    break
        if signer is None:
            raise InvalidLinearWebhook("the signature does not match")
        first = conn.execute(
            "insert into public.linear_webhook_deliveries (delivery_id) values (%s) on conflict do nothing "
            "returning delivery_id",
            (delivery,),
        ).fetchone()
        if first is None:
            return "duplicate"
        data = body.get("data")
        if body.get("type") != "Issue" or not isinstance(data, dict) or not isinstance(data.get("id"), str):
            return "ignored"
        raw_state = data.get("state")
        state: dict[str, Any] = raw_state if isinstance(raw_state, dict) else {}
        updated = conn.execute(
            """
            update public.linear_issues
               set state_name = %s, state_type = %s, identifier = coalesce(%s, identifier), updated_at = now()
             where tenant_id = %s and issue_id::text = %s
            returning subject_id
            """,
            (
                str(state.get("name") or "")[:100] or None,
                str(state.get("type") or "")[:30] or None,
                str(data.get("identifier") or "")[:50] or None,
                signer,
                data["id"][:100],
            ),
        ).fetchone()
    return "applied" if updated else "ignored"
