"""The ``Stripe-Signature`` check of a webhook delivery, over the raw body, with the official SDK.

``STRIPE_WEBHOOK_SECRET`` may hold several secrets separated by commas while one is being rolled: a
delivery passes when any of them signed it (Stripe then sends one ``v1`` signature per secret). The
timestamp must be within :data:`TOLERANCE_SECONDS` of now, in the past (the SDK's check) and in the
future (ours: a clock far ahead is as suspect as a replay).
"""

from __future__ import annotations

import json
import time
from typing import Any

from docflow.errors import BadRequest

#: How far a signature's timestamp may be from now (Stripe's default, and the documented value).
TOLERANCE_SECONDS = 300


class BadSignature(BadRequest):
    """Missing, malformed, wrong, stale or future ``Stripe-Signature`` (HTTP 400)."""

    code = "bad_signature"
    title = "Invalid webhook signature"


def _timestamp(header: str) -> int:
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            return int(value)
    raise BadSignature("The Stripe-Signature header has no timestamp")


def verify_event(
    payload: bytes, header: str | None, secrets: list[str], *, now: float | None = None
) -> dict[str, Any]:
    """The event of a correctly signed, fresh delivery, as plain JSON (else :class:`BadSignature`)."""
    if not header or len(header) > 4096:
        raise BadSignature("The Stripe-Signature header is missing")
    if _timestamp(header) > (now or time.time()) + TOLERANCE_SECONDS:
        raise BadSignature("The signature's timestamp is in the future")
    import stripe  # after the cheap refusals: a forged delivery does not load the SDK

    for secret in secrets:
        try:
            stripe.Webhook.construct_event(payload, header, secret, tolerance=TOLERANCE_SECONDS)
        except stripe.SignatureVerificationError:
            continue
        except ValueError:
            raise BadSignature("The body is not a Stripe event") from None
        event: dict[str, Any] = json.loads(payload)
        return event
    raise BadSignature("The signature does not match")


def configured_secrets(value: str) -> list[str]:
    """The secrets of ``STRIPE_WEBHOOK_SECRET`` (comma separated while rotating)."""
    return [part.strip() for part in value.split(",") if part.strip()]
