"""``GET /api/metrics``: Prometheus text exposition, guarded by ``METRICS_TOKEN``.

Without a configured token the route answers 404, as if it did not exist: nothing to scrape, and
nothing to probe. With one, the scraper sends ``Authorization: Bearer <token>``; anything else is 401.
"""

from __future__ import annotations

import hmac
from typing import Any

from fastapi import APIRouter, Request, Response

from docflow.config import get_settings
from docflow.errors import NotFound, Unauthorized
from docflow.metrics import PROMETHEUS_CONTENT_TYPE, render_exposition
from docflow_metrics.collect import collect_samples

router = APIRouter(tags=["metrics"])

_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Prometheus text format 0.0.4",
        "content": {"text/plain": {"schema": {"type": "string"}}},
    },
    401: {"description": "Missing or wrong token", "content": {"application/problem+json": {}}},
    404: {"description": "No METRICS_TOKEN configured", "content": {"application/problem+json": {}}},
}


def require_metrics_token(request: Request) -> None:
    """404 when no token is configured, 401 unless the bearer token matches (constant time)."""
    configured = get_settings().metrics_token
    expected = configured.get_secret_value() if configured else ""
    if not expected:
        raise NotFound()
    values = [v.decode("latin-1") for k, v in request.scope["headers"] if k == b"authorization"]
    if len(values) != 1:
        raise Unauthorized("A metrics token is required")
    scheme, _, presented = values[0].partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(presented.strip().encode(), expected.encode()):
        raise Unauthorized("A metrics token is required")


@router.get(
    "/api/metrics",
    summary="Business counters (Prometheus)",
    response_class=Response,
    responses=_RESPONSES,
)
def prometheus_metrics(request: Request) -> Response:
    """Leads (total, by status, converted), active tenants and members, receipts and OCR seconds."""
    require_metrics_token(request)
    return Response(content=render_exposition(collect_samples()), media_type=PROMETHEUS_CONTENT_TYPE)
