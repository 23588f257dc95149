"""``POST /api/csp-report``: browsers report Content Security Policy violations here (no token)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response, status
from starlette.concurrency import run_in_threadpool

from docflow import metrics
from docflow.config import get_settings
from docflow.errors import RateLimited
from docflow.http.deps import client_address
from docflow.observability import get_logger
from docflow.ratelimit import Limit, bucket_key, enforce_rate_limits
from docflow_csp_report.parse import MAX_BODY_BYTES, MAX_REPORTS, parse_reports

router = APIRouter(tags=["csp"])

_LEGACY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["csp-report"],
    "properties": {"csp-report": {"type": "object"}},
}
_REPORTS_SCHEMA: dict[str, Any] = {
    "type": "array",
    "maxItems": MAX_REPORTS,
    "items": {
        "type": "object",
        "required": ["type", "body"],
        "properties": {"type": {"type": "string"}, "body": {"type": "object"}},
    },
}
_OPENAPI: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/csp-report": {"schema": _LEGACY_SCHEMA},
            "application/reports+json": {"schema": _REPORTS_SCHEMA},
        },
    }
}
_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"description": text, "content": {"application/problem+json": {}}}
    for code, text in {
        400: "Not a CSP report",
        413: f"Body over {MAX_BODY_BYTES} bytes",
        415: "Unsupported media type",
        429: "Too many reports from this address; see Retry-After",
    }.items()
}


def _count_hit(client_ip: str) -> None:
    """One hit on the caller's window. Reports are best effort: a database outage lets them through."""
    settings = get_settings()
    limit = Limit(
        bucket_key("csp.ip", client_ip),
        settings.csp_report_rate_limit_per_ip,
        settings.csp_report_rate_limit_window_seconds,
    )
    try:
        enforce_rate_limits("csp.report", limit)
    except RateLimited:
        raise
    except Exception as exc:
        get_logger().warning("csp rate limit unavailable", extra={"error_type": type(exc).__name__})


@router.post(
    "/api/csp-report",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Receive CSP violation reports (public)",
    openapi_extra=_OPENAPI,
    responses=_RESPONSES,
)
async def receive_reports(request: Request) -> Response:
    """204 for any well-formed report; each violation is logged as one scrubbed structured event."""
    client_ip = client_address(request)
    await run_in_threadpool(_count_hit, client_ip)
    records = parse_reports(request.headers.get("content-type"), await request.body())
    logger = get_logger()
    for record in records:
        logger.warning("csp violation", extra={"csp": record})
    if records:
        metrics.emit(metrics.CSP_REPORTS, len(records))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
