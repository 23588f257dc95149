"""The accountant's export read back: the Finnish CSV dialect parsed with the csv module (BOM, ``;``,
decimal comma, ``DD.MM.YYYY``), one row per VAT row, formulas neutralised, and the same rows as JSON;
expenses and the monthly trend of the same receipts."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from collections.abc import Callable
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from docflow.finance.export import HEADER
from docflow.tenancy import Role
from docflow_local.finance_data import ReceiptSpec, VatLine
from tests.integration.functions.finance.conftest import q1_2026
from tests.support.tenants import Headers, Tenant

pytestmark = pytest.mark.db

EXPORT = "/api/v1/finance/export"


def _fi(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


def test_csv_fi_reads_back_with_the_finnish_dialect(
    http: TestClient, fresh_tenant: Tenant, auth: Headers, write: Callable[..., list[uuid.UUID]]
) -> None:
    ids = write(
        fresh_tenant,
        *q1_2026(),
        ReceiptSpec(
            dt.date(2026, 3, 30),
            '=HYPERLINK("http://evil.example")',
            "12.55",
            [VatLine("25.5", "10.00", "2.55", "12.55")],
            category="toimisto",
        ),
    )
    response = http.get(
        EXPORT, params={"period": "2026-Q1", "format": "csv-fi"}, headers=auth(fresh_tenant, Role.VIEWER)
    )
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["content-disposition"] == 'attachment; filename="docflow-2026-Q1.csv"'
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert tuple(rows[0]) == HEADER
    records = [dict(zip(HEADER, row, strict=True)) for row in rows[1:]]
    # Processed receipts of the quarter: 3 + 1 + 1 + 1 + 1 + 1 + 1 (no rows: its total) + 1 + 1 rows.
    assert len(records) == 11
    first = [r for r in records if r["Kuitti"] == str(ids[0])]
    assert [(r["ALV %"], r["Veroton"], r["ALV"], r["Vähennettävä ALV"], r["ALV-koodi"]) for r in first] == [
        ("25,5", "100,00", "25,50", "25,50", "KOOS"),
        ("13,5", "20,00", "2,70", "2,70", "KOOS"),
        ("10", "10,00", "1,00", "1,00", "KOOS"),
    ]
    assert {r["Päivämäärä"] for r in first} == {"10.01.2026"}
    assert {r["Tilinumero"] for r in first} == {"4000"}
    assert {r["Vastatili"] for r in first} == {"1910"}
    assert len({r["Tositenumero"] for r in first}) == 1
    entertainment = next(r for r in records if r["Myyjä"] == "Ravintola Juhla")
    assert (entertainment["Tilinumero"], entertainment["Vähennettävä ALV"], entertainment["ALV-koodi"]) == (
        "8400",
        "0,00",
        "NONE",
    )
    car = next(r for r in records if r["Myyjä"] == "Neste Pasila")
    assert car["Vähennettävä ALV"] == "7,65"
    swedish = next(r for r in records if r["Myyjä"] == "ICA Maxi")
    assert (swedish["ALV-koodi"], swedish["Vähennettävä ALV"]) == ("NONE", "0,00")
    formula = next(r for r in records if r["Kuitti"] == str(ids[-1]))
    assert formula["Myyjä"].startswith("'=")
    assert formula["Selite"].startswith("'=")
    total = sum((_fi(r["Summa"]) for r in records), Decimal(0))
    assert total == Decimal("159.20") + Decimal("50.20") + Decimal("100.00") + Decimal("75.30") + Decimal(
        "12.55"
    ) + Decimal("12.55") + Decimal("5.00") + Decimal("11.40") + Decimal("12.55")

    as_json = http.get(EXPORT, params={"period": "2026-Q1", "format": "json"}, headers=auth(fresh_tenant))
    assert as_json.status_code == 200
    lines = as_json.json()["rows"]
    assert len(lines) == len(records)
    assert lines[0]["deductible_tax"] == "25.50"
    assert lines[0]["date"] == "2026-01-10"


def test_expenses_and_trend(
    http: TestClient, fresh_tenant: Tenant, auth: Headers, write: Callable[..., list[uuid.UUID]]
) -> None:
    rows = [VatLine("25.5", "79.68", "20.32", "100.00")]
    write(
        fresh_tenant,
        ReceiptSpec(dt.date(2026, 2, 10), "Neste", "100.00", rows, category="polttoaine"),
        ReceiptSpec(dt.date(2026, 2, 11), "Neste", "100.00", rows, category="polttoaine"),
        ReceiptSpec(dt.date(2026, 2, 12), "Elisa", "100.00", rows, category="puhelin_ja_internet"),
        ReceiptSpec(dt.date(2026, 1, 12), "Neste", "100.00", rows, category="polttoaine"),
        ReceiptSpec(dt.date(2025, 2, 12), "Neste", "100.00", rows, category="polttoaine"),
        ReceiptSpec(dt.date(2026, 2, 13), "Kioski", "100.00", status="needs_review"),
        ReceiptSpec(dt.date(2026, 2, 14), "ICA", "100.00", rows, country="SE", currency="SEK"),
    )
    headers = auth(fresh_tenant, Role.VIEWER)
    response = http.get("/api/v1/finance/expenses", params={"period": "2026-02"}, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == {
        "current": "300.00",
        "previous": "100.00",
        "year_earlier": "100.00",
        "receipts": 3,
    }
    fuel = next(g for g in body["by_category"] if g["key"] == "polttoaine")
    assert fuel["name"] == "Polttoaine"
    assert fuel["amounts"] == {
        "current": "200.00",
        "previous": "100.00",
        "year_earlier": "100.00",
        "receipts": 2,
    }
    assert body["by_merchant"][0]["name"] == "Neste"
    assert [r["total"] for r in body["largest"]] == ["100.00", "100.00", "100.00"]

    trend = http.get("/api/v1/finance/expenses/trend", params={"to": "2026-02"}, headers=headers).json()[
        "months"
    ]
    assert len(trend) == 12
    assert trend[0]["month"] == "2025-03-01"
    assert (trend[-1]["month"], trend[-1]["total"], trend[-1]["receipts"]) == ("2026-02-01", "300.00", 3)
    assert trend[-2]["total"] == "100.00"
    assert (
        http.get("/api/v1/finance/expenses/trend", params={"months": 25}, headers=headers).status_code == 422
    )


def test_an_export_beyond_the_response_limit_goes_to_s3(
    http: TestClient,
    fresh_tenant: Tenant,
    auth: Headers,
    write: Callable[..., list[uuid.UUID]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from docflow.aws import s3_client
    from docflow_finance import routes
    from tests.support.local_s3 import ensure_receipts_bucket

    bucket = ensure_receipts_bucket()
    write(fresh_tenant, *q1_2026())
    monkeypatch.setattr(routes, "MAX_INLINE_EXPORT_BYTES", 200)
    monkeypatch.setattr(routes, "SPOOL_MEMORY_BYTES", 100)  # spills to disk, as a large export does
    response = http.get(EXPORT, params={"period": "2026-Q1"}, headers=auth(fresh_tenant))
    assert response.status_code == 200, response.text
    link = response.json()
    assert link["expires_in"] == 300
    assert link["size_bytes"] > 200
    key = link["download_url"].split(f"/{bucket}/", 1)[1].split("?", 1)[0]
    assert key.startswith(f"exports/{fresh_tenant.id}/")
    stored = s3_client().get_object(Bucket=bucket, Key=key)["Body"].read()
    assert len(stored) == link["size_bytes"]
    assert stored.startswith(b"\xef\xbb\xbf")


def test_export_and_summary_round_the_same_way(
    http: TestClient, fresh_tenant: Tenant, auth: Headers, write: Callable[..., list[uuid.UUID]]
) -> None:
    """A half share of 2.53 is 1.265: both say 1.27 (per row, half up)."""
    write(
        fresh_tenant,
        ReceiptSpec(
            dt.date(2026, 5, 5),
            "Neste",
            "12.45",
            [VatLine("25.5", "9.92", "2.53", "12.45")],
            category="auto_sekakaytto",
        ),
    )
    headers = auth(fresh_tenant)
    summary = http.get("/api/v1/finance/vat-summary", params={"period": "2026-05"}, headers=headers).json()
    assert summary["deductible_vat"] == "1.27"
    assert summary["non_deductible_vat"] == "1.26"
    text = http.get(EXPORT, params={"period": "2026-05"}, headers=headers).content.decode("utf-8-sig")
    (record,) = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert record["Vähennettävä ALV"] == "1,27"
    as_json = http.get(EXPORT, params={"period": "2026-05", "format": "json"}, headers=headers).json()
    assert as_json["rows"][0]["deductible_tax"] == "1.27"
