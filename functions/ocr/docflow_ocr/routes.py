"""``POST /api/v1/ocr``: read an uploaded image or PDF and return its text and receipt fields."""

from __future__ import annotations

import time
import uuid
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from docflow.config import get_settings
from docflow.errors import BadRequest, RateLimited
from docflow.http.deps import TenantWriterIdentity

router = APIRouter(prefix="/api/v1/ocr", tags=["ocr"])

#: Largest body accepted: Lambda's 6 MB synchronous payload holds about 4.5 MB once base64 encoded.
MAX_SYNC_BYTES = 4_500_000
WINDOW_SECONDS = 60
BINARY = {"type": "string", "format": "binary"}


class OcrPublic(BaseModel):
    """The document's text, the fields read from it, and how long it took."""

    content_type: str
    pages: int
    text: str
    ocr_confidence: float
    receipt: dict[str, Any]
    seconds: float


@router.post(
    "",
    summary="Read a receipt image or PDF synchronously",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {t: {"schema": BINARY} for t in ("image/*", "application/pdf")},
        }
    },
)
async def read_receipt(request: Request, tenant: TenantWriterIdentity, response: Response) -> OcrPublic:
    """The body is the file itself; ``Content-Type`` must match its bytes. Limited per tenant (requests
    per minute and OCR seconds per window, shared with S3 processing) and per document
    (``OCR_DOCUMENT_TIMEOUT_SECONDS``); owners, admins and members only (viewers do not spend the
    tenant's OCR budget). No database transaction is open while the document is read: the tenant is
    resolved, the budget read and the seconds spent each in a short transaction of its own."""
    from starlette.concurrency import run_in_threadpool

    from docflow.ocr import OcrDocumentTimeoutError
    from docflow.pipeline import budget

    _count_request(tenant.tenant_id)
    data = await request.body()
    if not data:
        raise BadRequest("Send the image or PDF as the request body")
    declared = request.headers.get("content-type")
    seconds, by_budget = budget.document_limit(_budget_left(tenant.tenant_id))
    started = time.perf_counter()
    try:
        result = await run_in_threadpool(_read, data, declared, seconds)
    except OcrDocumentTimeoutError:
        if by_budget:
            raise _budget_exhausted() from None
        raise
    finally:
        _spend(tenant.tenant_id, time.perf_counter() - started)
    response.headers["Cache-Control"] = "no-store"
    return OcrPublic(**result, seconds=round(time.perf_counter() - started, 3))


def _budget_exhausted() -> RateLimited:
    from docflow.pipeline import budget

    window = budget.get_budget_settings().ocr_tenant_budget_window_seconds
    retry = window - int(time.time()) % window
    return RateLimited(retry, "The tenant's OCR time for this hour is spent; try again later")


def _budget_left(tenant_id: uuid.UUID) -> float:
    """The tenant's OCR seconds left (a short transaction); 429 when none are left."""
    from docflow.db import system_transaction
    from docflow.pipeline import budget

    with system_transaction("ocr.budget") as conn:
        left = budget.seconds_left(conn, tenant_id)
    if left <= 0:
        raise _budget_exhausted()
    return float(left)


def _spend(tenant_id: uuid.UUID, seconds: float) -> None:
    """Charge the seconds a read took to the tenant (a fresh transaction, after the OCR)."""
    from docflow.db import system_transaction
    from docflow.pipeline import budget

    with system_transaction("ocr.budget") as conn:
        budget.spend(conn, tenant_id, seconds)


def _count_request(tenant_id: uuid.UUID) -> None:
    """One hit on the tenant's OCR budget, committed on its own so refused files count too (429 past it)."""
    from docflow.ratelimit import Limit, bucket_key, enforce_rate_limits

    limit = Limit(
        bucket_key("ocr.tenant", str(tenant_id)), get_settings().ocr_rate_limit_per_minute, WINDOW_SECONDS
    )
    enforce_rate_limits("ocr.rate_limit", limit)


def _read(data: bytes, declared_type: str | None, timeout_seconds: float) -> dict[str, Any]:
    from docflow.ocr import OcrLimits, read_document
    from docflow.receipts.scan import read_receipt

    limits = OcrLimits(document_timeout_seconds=timeout_seconds)
    result = read_document(data, declared_type=declared_type, limits=limits)
    receipt = read_receipt(result)
    return {
        "content_type": result.content_type,
        "pages": len(result.pages),
        "text": result.text,
        "ocr_confidence": round(result.mean_confidence, 3),
        "receipt": receipt.to_json(),
    }
