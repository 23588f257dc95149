"""Accountant exports: generic CSV, the Finnish CSV dialect and JSON, written row by row.

``csv-fi`` opens in a Finnish spreadsheet as is: UTF-8 with BOM, ``;`` separators, decimal comma,
``DD.MM.YYYY`` dates, one row per VAT row. Every CSV cell goes through :mod:`docflow.spreadsheet`, so
none runs as a formula.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any, Literal

from docflow import spreadsheet
from docflow.csv_fi import fi_date, fi_decimal

ExportFormat = Literal["csv", "csv-fi", "json"]

MEDIA_TYPES: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "csv-fi": "text/csv; charset=utf-8",
    "json": "application/json",
}

FI_HEADER = (
    "Päivämäärä",
    "Myyjä",
    "Y-tunnus",
    "Veroton",
    "ALV",
    "Verollinen",
    "ALV %",
    "Kategoria",
    "Kuitti",
)
CSV_HEADER = ("id", "date", "merchant", "business_id", "total", "currency", "vat", "category", "status")


def _line(cells: Iterable[object], *, delimiter: str) -> str:
    """One CSV line; every cell goes through :func:`docflow.spreadsheet.cell`."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerow(spreadsheet.row(cells))
    return buffer.getvalue()


def rows_fi(receipts: Iterable[dict[str, Any]]) -> Iterator[str]:
    """The Finnish dialect, line by line (the first chunk carries the BOM)."""
    yield "\ufeff" + _line(FI_HEADER, delimiter=";")
    for receipt in receipts:
        common = (
            fi_date(receipt["receipt_date"]),
            receipt["merchant"],
            receipt["business_id"] or "",
        )
        tail = (receipt["category"], str(receipt["id"]))
        no_breakdown = {"rate": None, "net": None, "tax": None, "gross": receipt["total"]}
        vat_rows = _deductible_rows(receipt) or [no_breakdown]
        for row in vat_rows:
            rate = row["rate"]
            amounts = (
                fi_decimal(_dec(row["net"])),
                fi_decimal(_dec(row["tax"])),
                fi_decimal(_dec(row["gross"])),
                "" if rate is None else format(Decimal(str(rate)).normalize(), "f").replace(".", ","),
            )
            yield _line((*common, *amounts, *tail), delimiter=";")


def rows_csv(receipts: Iterable[dict[str, Any]]) -> Iterator[str]:
    """Plain CSV: ``,``, dot decimals, ISO dates, one row per receipt."""
    yield _line(CSV_HEADER, delimiter=",")
    for receipt in receipts:
        deductible = _deductible_rows(receipt)
        vat = sum((_dec(row["tax"]) or Decimal(0) for row in deductible), Decimal(0))
        yield _line(
            (
                str(receipt["id"]),
                receipt["receipt_date"].isoformat() if receipt["receipt_date"] else "",
                receipt["merchant"],
                receipt["business_id"] or "",
                "" if receipt["total"] is None else format(receipt["total"], "f"),
                receipt["currency"],
                format(vat, "f") if deductible else "",
                receipt["category"],
                receipt["status"],
            ),
            delimiter=",",
        )


def rows_json(receipts: Iterable[dict[str, Any]]) -> Iterator[str]:
    """A JSON array, one receipt per chunk."""
    yield "["
    for index, receipt in enumerate(receipts):
        yield ("," if index else "") + json.dumps(receipt, default=_json_default, ensure_ascii=False)
    yield "]\n"


def render(receipts: Iterable[dict[str, Any]], export_format: ExportFormat) -> Iterator[bytes]:
    """The export as encoded chunks."""
    writer = {"csv": rows_csv, "csv-fi": rows_fi, "json": rows_json}[export_format]
    return (chunk.encode("utf-8") for chunk in writer(receipts))


def _deductible_rows(receipt: dict[str, Any]) -> list[dict[str, Any]]:
    """The VAT rows that are Finnish deductible VAT: none for a receipt from abroad."""
    return [] if receipt.get("is_foreign") else list(receipt["vat_rows"] or [])


def _dec(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _json_default(value: object) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)
