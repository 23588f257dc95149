"""Validation of user corrections: Y-tunnus check digit, plausible dates, VAT arithmetic."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from docflow.errors import Unprocessable
from docflow.receipts.identifiers import is_valid_ytunnus
from docflow.receipts.vat import is_valid_rate
from docflow_receipts_api.schemas import ReceiptUpdate, VatRowIn

#: Rounding slack per VAT row and for the sum of rows against the total.
CENT = Decimal("0.01")
EARLIEST_DATE = dt.date(2000, 1, 1)

#: PATCH field name -> receipts column (and the name recorded in ``corrected_fields``).
COLUMNS: dict[str, tuple[str, str]] = {
    "merchant": ("merchant", "merchant"),
    "business_id": ("business_id", "business_id"),
    "date": ("receipt_date", "date"),
    "total": ("total", "total"),
    "currency": ("currency", "currency"),
    "category": ("category", "category"),
    "client_id": ("client_id", "client_id"),
}
#: Fields that may be cleared with ``null`` (the others always hold a value once corrected).
NULLABLE = frozenset({"category", "client_id", "business_id"})


def _invalid(field: str, message: str) -> Unprocessable:
    return Unprocessable(message, extra={"errors": [{"field": field, "message": message}]})


def check_business_id(value: str | None) -> None:
    """A Y-tunnus must be ``1234567-8`` with a correct check digit."""
    if value is not None and not (len(value) == 9 and value[7] == "-" and is_valid_ytunnus(value)):
        raise _invalid("business_id", "not a valid Y-tunnus (1234567-8 with a correct check digit)")


def check_date(value: dt.date | None, today: dt.date) -> None:
    """A purchase date is neither in the future nor before 2000."""
    if value is not None and not EARLIEST_DATE <= value <= today:
        raise _invalid("date", "the date must be between 2000-01-01 and today")


def check_vat_rows(rows: list[VatRowIn], *, total: Decimal | None, day: dt.date | None) -> None:
    """Each row: net + tax = gross, tax = net x rate, a rate valid on the date; rows add up to the total."""
    for index, row in enumerate(rows):
        field = f"vat_rows[{index}]"
        if abs(row.net + row.tax - row.gross) > CENT:
            raise _invalid(field, "net + tax must equal gross")
        expected = (row.net * row.rate / 100).quantize(CENT)
        if abs(expected - row.tax) > 2 * CENT:
            raise _invalid(field, "tax does not match the rate")
        if day is not None and not is_valid_rate(row.rate, day):
            raise _invalid(field, f"{row.rate} % is not a Finnish VAT rate on {day.isoformat()}")
    gross = sum((r.gross for r in rows), Decimal(0))
    if rows and total is not None and abs(gross - total) > CENT * len(rows):
        raise _invalid("vat_rows", "VAT rows do not add up to the total")


def validate_update(update: ReceiptUpdate, current: dict[str, Any], today: dt.date) -> list[str]:
    """Check a correction against itself and the stored receipt; returns the corrected field names."""
    sent = update.model_fields_set
    for name in sent:
        if name not in NULLABLE and name != "vat_rows" and getattr(update, name) is None:
            raise _invalid(name, "this field cannot be cleared")
    if "vat_rows" in sent and update.vat_rows is None:
        raise _invalid("vat_rows", "send an empty list to clear the VAT rows")
    check_business_id(update.business_id)
    check_date(update.date, today)
    day = update.date if "date" in sent else current["receipt_date"]
    total = update.total if "total" in sent else current["total"]
    if "vat_rows" in sent:
        check_vat_rows(update.vat_rows or [], total=total, day=day)
    elif "total" in sent and current["vat_rows"]:
        gross = sum((Decimal(str(r["gross"])) for r in current["vat_rows"]), Decimal(0))
        if total is not None and abs(gross - total) > CENT * len(current["vat_rows"]):
            raise _invalid("total", "the total does not match the VAT rows; correct them too")
    return sorted(COLUMNS[name][1] if name in COLUMNS else "vat" for name in sent)
