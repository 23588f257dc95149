"""Validation of receipt corrections, without a database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from docflow.errors import Unprocessable
from docflow_receipts_api.corrections import validate_update
from docflow_receipts_api.schemas import ReceiptUpdate

TODAY = dt.date(2026, 11, 27)
CURRENT: dict[str, Any] = {
    "receipt_date": dt.date(2026, 3, 12),
    "total": Decimal("5.35"),
    "vat_rows": [
        {"rate": Decimal("13.5"), "net": Decimal("4.71"), "tax": Decimal("0.64"), "gross": Decimal("5.35")}
    ],
}


def _check(body: dict[str, Any]) -> list[str]:
    return validate_update(ReceiptUpdate.model_validate(body), CURRENT, TODAY)


def test_valid_corrections_name_the_corrected_fields() -> None:
    assert _check({"merchant": "K-Market", "date": "2026-03-11", "category": None}) == [
        "category",
        "date",
        "merchant",
    ]
    assert _check({"vat_rows": [], "business_id": None}) == ["business_id", "vat"]
    rows = [
        {"rate": "25.5", "net": "10.00", "tax": "2.55", "gross": "12.55"},
        {"rate": "13.5", "net": "4.71", "tax": "0.64", "gross": "5.35"},
    ]
    assert _check({"total": "17.90", "vat_rows": rows}) == ["total", "vat"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"business_id": "1234567-2"}, "business_id"),
        ({"business_id": "12345671"}, "business_id"),
        ({"date": "2026-11-28"}, "date"),
        ({"date": "1999-12-31"}, "date"),
        ({"merchant": None}, "merchant"),
        ({"total": None}, "total"),
        ({"vat_rows": None}, "vat_rows"),
        ({"total": "6.00"}, "total"),
        ({"vat_rows": [{"rate": "13.5", "net": "4.71", "tax": "0.64", "gross": "5.40"}]}, "vat_rows[0]"),
        ({"vat_rows": [{"rate": "13.5", "net": "4.71", "tax": "0.70", "gross": "5.41"}]}, "vat_rows[0]"),
        ({"vat_rows": [{"rate": "24", "net": "4.31", "tax": "1.03", "gross": "5.34"}]}, "vat_rows[0]"),
        ({"vat_rows": [{"rate": "13.5", "net": "1.00", "tax": "0.14", "gross": "1.14"}]}, "vat_rows"),
    ],
)
def test_invalid_corrections_name_the_field(body: dict[str, Any], field: str) -> None:
    with pytest.raises(Unprocessable) as raised:
        _check(body)
    assert raised.value.extra["errors"][0]["field"] == field


def test_a_rate_is_checked_against_the_corrected_date() -> None:
    row = {"rate": "24", "net": "4.31", "tax": "1.03", "gross": "5.34"}
    assert _check({"date": "2024-05-02", "total": "5.34", "vat_rows": [row]}) == ["date", "total", "vat"]


@pytest.mark.parametrize("extra", ["tenant_id", "status", "created_at", "corrected_fields", "fields"])
def test_unknown_fields_are_refused(extra: str) -> None:
    with pytest.raises(ValueError, match="Extra inputs are not permitted"):
        ReceiptUpdate.model_validate({extra: "x"})
