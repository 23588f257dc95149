"""``POST /api/v1/ocr``: read an uploaded image or PDF and return its text and receipt fields."""

from __future__ import annotations

import time
import uuid
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from docflow.config import get_settings
from docflow.errors import BadRequest
from docflow.http.deps import TenantWriter

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
async def read_receipt(request: Request, tenant: TenantWriter, response: Response) -> OcrPublic:
    """The body is the file itself; ``Content-Type`` must match its bytes. Limited per tenant;
    owners, admins and members only (viewers do not spend the tenant's OCR budget)."""
    from starlette.concurrency import run_in_threadpool

    _count_request(tenant.tenant_id)
    data = await request.body()
    if not data:
        raise BadRequest("Send the image or PDF as the request body")
    declared = request.headers.get("content-type")
    started = time.perf_counter()
    result = await run_in_threadpool(_read, data, declared)
    response.headers["Cache-Control"] = "no-store"
    return OcrPublic(**result, seconds=round(time.perf_counter() - started, 3))


def _count_request(tenant_id: uuid.UUID) -> None:
    """One hit on the tenant's OCR budget, committed on its own so refused files count too (429 past it)."""
    from docflow.ratelimit import Limit, bucket_key, enforce_rate_limits

    limit = Limit(
        bucket_key("ocr.tenant", str(tenant_id)), get_settings().ocr_rate_limit_per_minute, WINDOW_SECONDS
    )
    enforce_rate_limits("ocr.rate_limit", limit)


def _read(data: bytes, declared_type: str | None) -> dict[str, Any]:
    from docflow.ocr import read_document
    from docflow.receipts.extract import extract_receipt

    result = read_document(data, declared_type=declared_type)
    receipt = extract_receipt(result.lines)
    return {
        "content_type": result.content_type,
        "pages": len(result.pages),
        "text": result.text,
        "ocr_confidence": round(result.mean_confidence, 3),
        "receipt": receipt.to_json(),
    }
