"""Receipt exports, without a database: no cell of a CSV export runs as a formula."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from decimal import Decimal

import pytest

RECEIPT = uuid.UUID("00000000-0000-4000-8000-000000000001")


@pytest.mark.parametrize("fmt", ["csv", "csv-fi"])
def test_every_receipt_export_cell_is_neutralised(fmt: str) -> None:
    from docflow_receipts_api.export import render

    receipt = {
        "id": RECEIPT,
        "receipt_date": dt.date(2026, 3, 7),
        "merchant": '=HYPERLINK("http://x")',
        "business_id": "@SUM(1)",
        "total": Decimal("-12.40"),
        "currency": "+cmd|x",
        "category": "-2+3",
        "status": "processed",
        "vat_rows": [{"rate": 25.5, "net": -9.88, "tax": -2.52, "gross": -12.4}],
    }
    text = b"".join(render([receipt], fmt)).decode("utf-8-sig")
    (line,) = list(csv.reader(io.StringIO(text), delimiter=";" if fmt == "csv-fi" else ","))[1:]
    assert {'\'=HYPERLINK("http://x")', "'@SUM(1)", "'-2+3"} <= set(line)
    assert "'+cmd|x" in line or fmt == "csv-fi"
    assert ("-12.40" if fmt == "csv" else "-12,40") in line
