"""From an extracted receipt to what is stored: fields with confidences, rows, status and warnings."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from docflow.receipts.models import FIELD_NAMES, LineItem, ReceiptData, VatRow

#: Fields without which a receipt always needs a person to look at it.
REQUIRED_FIELDS: tuple[str, ...] = ("date", "total")
#: Extraction warnings that mean total, date and VAT rows do not agree: the VAT cannot be booked as read.
VAT_DISAGREEMENTS: tuple[str, ...] = ("vat_total_mismatch", "vat_row_inconsistent", "vat_rate_invalid")
#: A VAT row the engine is less sure of than this is not booked without a person's look.
VAT_ROW_REVIEW_CONFIDENCE = 0.7
#: A total or date the engine is less sure of than this is not booked without a person's look: the
#: total when no second reading (payment, VAT rows, items) confirms it, the date when OCR noise was
#: read as one.
TOTAL_REVIEW_CONFIDENCE = 0.7
DATE_REVIEW_CONFIDENCE = 0.7
#: A Y-tunnus the engine is less sure of than this (one reading of it contradicted by another) is not
#: booked without a person's look: the VAT summary counts the receipt's VAT under it.
BUSINESS_ID_REVIEW_CONFIDENCE = 0.7
#: Papers that always need a person: a card slip or a deposit-return voucher carries no VAT breakdown
#: to book. A refund (a credit receipt) is booked like a sale when its negative rows add up: it lowers
#: the period's deductible VAT, and leaving it out would claim too much.
KIND_REASONS: dict[str, str] = {
    "card_slip": "card_slip",
    "deposit_return": "deposit_return",
}
#: Extraction warnings that make a Finnish receipt no valid VAT voucher: without the seller's Y-tunnus
#: the VAT summary cannot count its VAT, so a person reads or adds it.
VOUCHER_GAPS: tuple[str, ...] = ("no_business_id",)


@dataclass(frozen=True, slots=True)
class Review:
    """The stored form of one reading: field values, rows, warnings and the resulting status."""

    fields: dict[str, dict[str, Any]]
    merchant: str | None
    business_id: str | None
    receipt_date: dt.date | None
    total: Decimal | None
    currency: str
    vat_rows: tuple[VatRow, ...]
    items: tuple[LineItem, ...]
    warnings: tuple[dict[str, str], ...]
    confidence: float
    ocr_text: str
    ocr_seconds: float
    status: str
    duplicate_of: uuid.UUID | None


def json_value(value: object) -> Any:
    """A field value as JSON: dates ISO, times ``HH:MM``, decimals as strings with a dot, ids as text."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def field_map(receipt: ReceiptData) -> dict[str, dict[str, Any]]:
    """``{name: {"value": ..., "confidence": ...}}`` for every field the extractor found."""
    found: dict[str, dict[str, Any]] = {}
    for name in FIELD_NAMES:
        item = getattr(receipt, name)
        if item is not None:
            found[name] = {"value": json_value(item.value), "confidence": round(item.confidence, 3)}
    return found


def review_reasons(
    receipt: ReceiptData, *, duplicate_of: uuid.UUID | None, review_confidence: float
) -> list[str]:
    """Why a person must look at the receipt (empty: it can be booked as read).

    A receipt is booked only when total, date and VAT rows agree with each other: the gross amounts
    add up to the total, each row is arithmetic and its rate valid on the date in the receipt's country;
    the total and the date are read with confidence, a Finnish receipt names its seller's Y-tunnus (read
    with confidence when there is one), and the paper is a sale or a refund.
    """
    reasons = [f"no_{name}" for name in REQUIRED_FIELDS if getattr(receipt, name) is None]
    if duplicate_of is not None:
        reasons.append("duplicate")
    if receipt.confidence < review_confidence:
        reasons.append("low_confidence")
    if receipt.kind in KIND_REASONS:
        reasons.append(KIND_REASONS[receipt.kind])
    if receipt.total is not None and receipt.total.confidence < TOTAL_REVIEW_CONFIDENCE:
        reasons.append("total_uncertain")
    if receipt.date is not None and receipt.date.confidence < DATE_REVIEW_CONFIDENCE:
        reasons.append("date_uncertain")
    if receipt.business_id is not None and receipt.business_id.confidence < BUSINESS_ID_REVIEW_CONFIDENCE:
        reasons.append("business_id_uncertain")
    if receipt.total is not None and not receipt.vat:
        reasons.append("no_vat_breakdown")
    codes = {warning.code for warning in receipt.warnings}
    reasons.extend(code for code in VOUCHER_GAPS if code in codes)
    reasons.extend(code for code in VAT_DISAGREEMENTS if code in codes)
    if any(row.confidence < VAT_ROW_REVIEW_CONFIDENCE for row in receipt.vat):
        reasons.append("vat_rows_uncertain")
    return reasons


def decide_status(receipt: ReceiptData, *, duplicate_of: uuid.UUID | None, review_confidence: float) -> str:
    """``needs_review`` when :func:`review_reasons` finds any reason, else ``processed``."""
    reasons = review_reasons(receipt, duplicate_of=duplicate_of, review_confidence=review_confidence)
    return "needs_review" if reasons else "processed"


def review_warning(reasons: list[str]) -> dict[str, str]:
    """The warning that says why the receipt needs review (the reasons as stable codes)."""
    return {
        "code": "needs_review",
        "message": "needs review: " + ", ".join(reasons),
        "reasons": ",".join(reasons),
    }


def duplicate_warning(other: uuid.UUID) -> dict[str, str]:
    """The warning that links a receipt to the one it duplicates."""
    return {
        "code": "duplicate",
        "message": "this looks like a receipt uploaded before",
        "receipt_id": str(other),
        "href": f"/api/v1/receipts/{other}",
    }


def _business_id(receipt: ReceiptData) -> str | None:
    from docflow.receipts.identifiers import is_valid_ytunnus

    value = receipt.business_id.value if receipt.business_id else None
    if value is None or len(value) != 9 or value[7] != "-" or not is_valid_ytunnus(value):
        return None
    return value


def build_review(
    receipt: ReceiptData,
    *,
    ocr_text: str,
    ocr_seconds: float,
    duplicate_of: uuid.UUID | None,
    review_confidence: float,
) -> Review:
    """Everything the store step writes for one reading."""
    from docflow.pii import scrub_text

    warnings = [warning.to_json() for warning in receipt.warnings]
    if duplicate_of is not None:
        warnings.append(duplicate_warning(duplicate_of))
    reasons = review_reasons(receipt, duplicate_of=duplicate_of, review_confidence=review_confidence)
    if reasons:
        warnings.append(review_warning(reasons))
    currency = receipt.currency.value if receipt.currency is not None else "EUR"
    return Review(
        fields=field_map(receipt),
        merchant=receipt.merchant.value[:200] if receipt.merchant else None,
        business_id=_business_id(receipt),
        receipt_date=receipt.date.value if receipt.date else None,
        total=receipt.total.value if receipt.total else None,
        currency=currency if len(currency) == 3 and currency.isalpha() else "EUR",
        vat_rows=receipt.vat,
        items=receipt.items,
        warnings=tuple(warnings),
        confidence=receipt.confidence,
        ocr_text=scrub_text(ocr_text),
        ocr_seconds=round(ocr_seconds, 3),
        status="needs_review" if reasons else "processed",
        duplicate_of=duplicate_of,
    )
