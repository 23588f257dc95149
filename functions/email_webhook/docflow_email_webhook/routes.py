"""``POST /api/v1/webhooks/resend``: Resend's signed delivery events.

The Svix signature (``svix-id``, ``svix-timestamp``, ``svix-signature``) is checked over the raw body
before anything else (a 400 problem and nothing stored otherwise); the event then updates the send log
once per ``svix-id`` (:mod:`docflow.email.webhook`). Every verified delivery is answered 200, applied,
duplicate or ignored.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from docflow.config import get_settings

router = APIRouter(prefix="/api/v1/webhooks", tags=["email"])


@router.post("/resend", summary="Resend webhook (signed by Resend)")
async def resend_webhook(request: Request) -> dict[str, str]:
    """Verify the delivery's signature and apply its event once; see the module documentation."""
    from docflow.email.settings import get_email_settings
    from docflow.email.webhook import configured_secrets, process, verify

    payload = await request.body()
    secrets = configured_secrets(get_settings().require("resend_webhook_secret"))
    svix_id, event = verify(
        payload, request.headers, secrets, tolerance=get_email_settings().resend_webhook_tolerance_seconds
    )
    outcome = await run_in_threadpool(process, svix_id, event)
    return {"received": "true", "outcome": outcome}
