"""The journal writer: per-row deduction and rounding, VAT codes, the Finnish dialect and JSON."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import uuid
from decimal import Decimal
from typing import Any

from docflow.csv_fi import fi_rate, safe_text
from docflow.finance.export import HEADER, journal_row, render

RECEIPT = uuid.UUID("00000000-0000-4000-8000-000000000042")


def _row(**changes: Any) -> dict[str, Any]:
    row = {
        "voucher": 7,
        "receipt_id": RECEIPT,
        "receipt_date": dt.date(2026, 3, 1),
        "merchant": "Neste Pasila",
        "business_id": "0737546-2",
        "total": Decimal("75.30"),
        "currency": "EUR",
        "category": "auto_sekakaytto",
        "account": "7300",
        "is_foreign": False,
        "share": Decimal("0.5000"),
        "position": 0,
        "rate": Decimal("25.50"),
        "net": Decimal("60.00"),
        "tax": Decimal("15.30"),
        "gross": Decimal("75.30"),
    }
    return {**row, **changes}


def test_partial_share_is_rounded_per_row_half_up_as_the_summary() -> None:
    row = journal_row(_row(tax=Decimal("2.53"), net=Decimal("9.92"), gross=Decimal("12.45")))
    assert row.deductible == Decimal("1.27")  # 1.265: half up, as PostgreSQL's round()
    assert row.vat_code == "KOOS"


def test_foreign_and_not_deductible_rows_deduct_nothing() -> None:
    assert journal_row(_row(is_foreign=True, share=Decimal(1))).deductible == Decimal("0.00")
    assert journal_row(_row(is_foreign=True, share=Decimal(1))).vat_code == "NONE"
    assert journal_row(_row(share=Decimal(0))).vat_code == "NONE"


def test_a_receipt_without_vat_rows_is_one_row_of_its_total() -> None:
    row = journal_row(_row(rate=None, net=None, tax=None, gross=None, total=Decimal("5.00")))
    assert (row.debit, row.net, row.tax, row.rate) == (
        Decimal("5.00"),
        Decimal("5.00"),
        Decimal("0.00"),
        None,
    )


def test_csv_fi_and_json() -> None:
    rows = [journal_row(_row()), journal_row(_row(merchant="@SUM(A1)", position=1))]
    text = b"".join(render(rows, "csv-fi")).decode("utf-8")
    assert text.startswith("\ufeff")
    parsed = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert tuple(parsed[0]) == HEADER
    first = dict(zip(HEADER, parsed[1], strict=True))
    assert (first["Päivämäärä"], first["Summa"], first["ALV %"], first["Vähennettävä ALV"]) == (
        "01.03.2026",
        "75,30",
        "25,5",
        "7,65",
    )
    assert dict(zip(HEADER, parsed[2], strict=True))["Myyjä"] == "'@SUM(A1)"
    data = json.loads(b"".join(render(rows, "json")))
    assert data["rows"][0]["deductible_tax"] == "7.65"
    assert data["rows"][0]["vat_rate"] == "25.5"


def test_cells() -> None:
    assert fi_rate(Decimal("10.00")) == "10"
    assert fi_rate(Decimal("13.50")) == "13,5"
    assert safe_text("-1") == "'-1"
    assert safe_text("K-Market") == "K-Market"
