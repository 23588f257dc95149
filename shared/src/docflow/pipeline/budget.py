"""OCR budgets: a wall-clock limit per document and OCR seconds per tenant and window.

Every OCR run (S3 processing and ``POST /api/v1/ocr``) asks :func:`seconds_left` before it starts,
reads for at most ``min(OCR_DOCUMENT_TIMEOUT_SECONDS, seconds left)`` and then :func:`spend` s the
seconds it took, each in a short transaction of its own (no transaction is open while OCR runs).
The usage lives in ``app_private.ocr_usage`` (migration 0045), so the budget holds across every
Lambda instance. A run may overshoot the budget by at most what it was given; the next one is refused.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

from pydantic import Field

from docflow.config import EnvironmentSettings

if TYPE_CHECKING:
    from docflow.db import Connection


class OcrBudgetSettings(EnvironmentSettings):
    """``OCR_DOCUMENT_TIMEOUT_SECONDS``, ``OCR_TENANT_BUDGET_*``, ``RECEIPTS_QUEUE_*`` (``.env.example``)."""

    #: Wall-clock limit for reading one document (every page); below the OCR Lambda's timeout.
    ocr_document_timeout_seconds: float = Field(default=60.0, gt=0, le=900)
    #: OCR seconds one tenant may spend per window, S3 processing and synchronous OCR together.
    ocr_tenant_budget_seconds: int = Field(default=1800, ge=1, le=31 * 86_400)
    ocr_tenant_budget_window_seconds: int = Field(default=3600, ge=60, le=31 * 86_400)
    #: Receipts of one tenant processed at the same time (the others wait in the queue).
    receipts_queue_tenant_max_in_flight: int = Field(default=4, ge=1, le=1000)
    #: Transient failures of one queued receipt before it is left ``failed`` (retryable).
    receipts_queue_max_attempts: int = Field(default=3, ge=1, le=20)


@lru_cache(maxsize=1)
def get_budget_settings() -> OcrBudgetSettings:
    """The process-wide budget settings."""
    return OcrBudgetSettings()


def reset_budget_settings() -> None:
    """Forget the cached settings (tests change the environment)."""
    get_budget_settings.cache_clear()


def seconds_left(
    conn: Connection, tenant_id: uuid.UUID, settings: OcrBudgetSettings | None = None
) -> Decimal:
    """OCR seconds the tenant may still spend in the current window (0 when exhausted)."""
    settings = settings or get_budget_settings()
    row = conn.execute(
        "select coalesce(sum(seconds), 0) as spent from app_private.ocr_usage"
        " where tenant_id = %(tenant)s"
        "   and window_start = to_timestamp(floor(extract(epoch from now()) / %(window)s) * %(window)s)",
        {"tenant": tenant_id, "window": settings.ocr_tenant_budget_window_seconds},
    ).fetchone()
    spent = Decimal(row["spent"]) if row else Decimal(0)
    return max(Decimal(0), Decimal(settings.ocr_tenant_budget_seconds) - spent)


def spend(
    conn: Connection, tenant_id: uuid.UUID, seconds: float, settings: OcrBudgetSettings | None = None
) -> None:
    """Add ``seconds`` of OCR to the tenant's usage in the current window."""
    settings = settings or get_budget_settings()
    conn.execute(
        "insert into app_private.ocr_usage as u (tenant_id, window_start, seconds)"
        " values (%(tenant)s, to_timestamp(floor(extract(epoch from now()) / %(window)s) * %(window)s),"
        "         %(seconds)s)"
        " on conflict (tenant_id, window_start) do update set seconds = u.seconds + excluded.seconds",
        {
            "tenant": tenant_id,
            "window": settings.ocr_tenant_budget_window_seconds,
            "seconds": Decimal(str(round(max(seconds, 0.0), 3))),
        },
    )


def document_limit(left: Decimal | float, settings: OcrBudgetSettings | None = None) -> tuple[float, bool]:
    """The time one document may take and whether the tenant's budget (not the document limit) sets it."""
    settings = settings or get_budget_settings()
    if float(left) < settings.ocr_document_timeout_seconds:
        return float(left), True
    return settings.ocr_document_timeout_seconds, False
