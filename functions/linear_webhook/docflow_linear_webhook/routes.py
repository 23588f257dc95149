"""``POST /api/v1/webhooks/linear``: Linear's signed deliveries.

The raw body is read before anything else; ``Linear-Delivery``, ``Linear-Signature`` and the body's
``webhookTimestamp`` (60 s) are checked, then the tenant whose webhook secret makes the signature is
found and the delivery applied once per delivery id (:mod:`docflow.integrations.linear_webhook`). A
missing or wrong signature or a stale delivery is a 400 problem, never the expected value.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

router = APIRouter(prefix="/api/v1/webhooks", tags=["linear"])


@router.post("/linear", summary="Linear webhook (signed by Linear)")
async def linear_webhook(request: Request) -> dict[str, str]:
    """Verify the delivery and record the issue's state once; see the module documentation."""
    from docflow.integrations.linear_webhook import parse, process
    from docflow.integrations.settings import get_integrations_settings

    payload = await request.body()
    delivery, body = parse(
        payload, request.headers, tolerance=get_integrations_settings().linear_webhook_tolerance_seconds
    )
    outcome = await run_in_threadpool(
        process, payload, request.headers.get("linear-signature", ""), delivery, body
    )
    return {"received": "true", "outcome": outcome}
