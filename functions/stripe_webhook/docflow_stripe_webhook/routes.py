"""``POST /api/v1/stripe/webhook``: Stripe's signed event deliveries.

The ``Stripe-Signature`` header is checked over the raw body before anything else (400 and nothing
stored otherwise); the event is then processed exactly once (:mod:`docflow.billing.events`). The
answer is 200 for every verified event, handled, duplicate or ignored, and 503 when Stripe could not
be read back (Stripe delivers again later).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from docflow.config import get_settings

router = APIRouter(prefix="/api/v1/stripe", tags=["billing"])


@router.post("/webhook", summary="Stripe webhook (signed by Stripe)")
async def stripe_webhook(request: Request) -> dict[str, str]:
    """Verify the delivery's signature and process its event once; see the module documentation."""
    from docflow.billing.signatures import configured_secrets, verify_event

    payload = await request.body()
    secrets = configured_secrets(get_settings().require("stripe_webhook_secret"))
    event = verify_event(payload, request.headers.get("stripe-signature"), secrets)
    from docflow.billing.events import process_event

    outcome = await run_in_threadpool(process_event, event)
    return {"received": "true", "outcome": outcome.value}
