"""The VAT summary against hand-computed figures: three rates, a non-deductible and a partial
category, a foreign receipt, a corrected receipt, each reason to leave a receipt out, the rate
change of 2026 and of 2024-09, due dates, and another tenant that sees nothing."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from decimal import Decimal

import psycopg
import pytest
from fastapi.testclient import TestClient

from docflow.tenancy import Role
from docflow_local.finance_data import ReceiptSpec, VatLine
from tests.integration.functions.finance.conftest import q1_2026, summary
from tests.support.tenants import Headers, Tenant

pytestmark = pytest.mark.db


def _rates(body: dict[str, object]) -> dict[str, tuple[str, str, str, str, int]]:
    lines = body["by_rate"]
    assert isinstance(lines, list)
    return {
        format(Decimal(x["rate"]).normalize(), "f"): (
            x["net"],
            x["tax"],
            x["gross"],
            x["deductible"],
            x["rows"],
        )
        for x in lines
    }


def test_quarter_matches_the_hand_computed_figures(
    http: TestClient,
    fresh_tenant: Tenant,
    auth: Headers,
    write: Callable[..., list[uuid.UUID]],
    superuser_url: str,
) -> None:
    ids = write(fresh_tenant, *q1_2026())
    # A receipt a user corrected: its rows now say 20.00 + 5.10 (the reading said 10.00 + 2.55).
    corrected = write(
        fresh_tenant,
        ReceiptSpec(
            dt.date(2026, 2, 20),
            "Korjattu Oy",
            "25.10",
            [VatLine("25.5", "20.00", "5.10", "25.10")],
            corrected_fields=("vat", "total"),
        ),
    )
    # A deleted receipt never counts.
    deleted = write(
        fresh_tenant,
        ReceiptSpec(
            dt.date(2026, 2, 21), "Poistettu Oy", "12.55", [VatLine("25.5", "10.00", "2.55", "12.55")]
        ),
    )
    with psycopg.connect(superuser_url) as conn:
        conn.execute("update public.receipts set deleted_at = now() where id = %s", (deleted[0],))
    body = summary(http, auth(fresh_tenant, Role.VIEWER), "2026-Q1")

    assert body["period"] == {
        "label": "2026-Q1",
        "kind": "quarter",
        "start": "2026-01-01",
        "end": "2026-03-31",
        "due_date": "2026-05-12",
    }
    assert _rates(body) == {
        "25.5": ("180.00", "45.90", "225.90", "38.25", 3),
        "13.5": ("20.00", "2.70", "22.70", "2.70", 1),
        "10": ("10.00", "1.00", "11.00", "1.00", 1),
    }
    assert body["deductible_vat"] == "41.95"
    assert body["receipts_counted"] == 3
    assert body["non_deductible_vat"] == "17.85"  # 10.20 entertainment + 7.65 private car use
    assert body["left_out"] == {
        "not_processed": 0,
        "needs_review": 1,
        "foreign": 1,
        "no_vat_rows": 1,
        "no_business_id": 1,
        "vat_rows_do_not_add_up": 2,
        "not_deductible": 1,
    }
    assert body["left_out_total"] == 7
    assert body["foreign"] == [
        {"country": "SE", "currency": "SEK", "receipts": 1, "net": "80.00", "tax": "20.00", "gross": "100.00"}
    ]
    assert body["corrections"] == []
    assert body["filed"] is None
    assert len(ids) == 11
    assert corrected


def test_both_sides_of_a_rate_change(
    http: TestClient, fresh_tenant: Tenant, auth: Headers, write: Callable[..., list[uuid.UUID]]
) -> None:
    d = dt.date
    write(
        fresh_tenant,
        ReceiptSpec(d(2024, 8, 30), "Elo Oy", "12.40", [VatLine("24", "10.00", "2.40", "12.40")]),
        ReceiptSpec(d(2024, 9, 2), "Syys Oy", "12.55", [VatLine("25.5", "10.00", "2.55", "12.55")]),
        # 25.5 % before it applied: left out.
        ReceiptSpec(
            d(2024, 8, 31), "Liian Aikaisin Oy", "12.55", [VatLine("25.5", "10.00", "2.55", "12.55")]
        ),
        ReceiptSpec(d(2025, 12, 30), "Joulu Oy", "11.40", [VatLine("14", "10.00", "1.40", "11.40")]),
        ReceiptSpec(d(2026, 1, 2), "Tammi Oy", "11.35", [VatLine("13.5", "10.00", "1.35", "11.35")]),
    )
    headers = auth(fresh_tenant)
    q3 = summary(http, headers, "2024-Q3")
    assert _rates(q3) == {
        "25.5": ("10.00", "2.55", "12.55", "2.55", 1),
        "24": ("10.00", "2.40", "12.40", "2.40", 1),
    }
    assert q3["left_out"]["vat_rows_do_not_add_up"] == 1
    assert _rates(summary(http, headers, "2025-12")) == {"14": ("10.00", "1.40", "11.40", "1.40", 1)}
    assert _rates(summary(http, headers, "2026-01")) == {"13.5": ("10.00", "1.35", "11.35", "1.35", 1)}
    year = summary(http, headers, "2025")
    assert year["period"]["due_date"] == "2026-02-28"
    assert year["deductible_vat"] == "1.40"


def test_another_tenant_sees_none_of_it(
    http: TestClient,
    fresh_tenant: Tenant,
    auth: Headers,
    write: Callable[..., list[uuid.UUID]],
    superuser_url: str,
) -> None:
    from tests.support.tenants import create_tenant

    write(fresh_tenant, *q1_2026())
    other = create_tenant(superuser_url, Role.OWNER)
    body = summary(http, auth(other), "2026-Q1")
    assert body["deductible_vat"] == "0.00"
    assert body["by_rate"] == []
    assert body["foreign"] == []
    assert body["left_out_total"] == 0
    # The other tenant naming the first in the header is refused.
    headers = {**auth(other), "X-Tenant-Id": str(fresh_tenant.id)}
    assert (
        http.get("/api/v1/finance/vat-summary", params={"period": "2026-Q1"}, headers=headers).status_code
        == 403
    )


def test_default_period_follows_the_tenant_setting(
    http: TestClient, fresh_tenant: Tenant, auth: Headers
) -> None:
    owner, viewer = auth(fresh_tenant, Role.OWNER), auth(fresh_tenant, Role.VIEWER)
    assert http.get("/api/v1/finance/settings", headers=viewer).json() == {"vat_period": "month"}
    assert summary(http, viewer, "2026-01")["period"]["kind"] == "month"
    response = http.get("/api/v1/finance/vat-summary", headers=viewer)
    assert response.json()["period"]["kind"] == "month"
    assert (
        http.put("/api/v1/finance/settings", json={"vat_period": "quarter"}, headers=viewer).status_code
        == 403
    )
    assert (
        http.put("/api/v1/finance/settings", json={"vat_period": "quarter"}, headers=owner).status_code == 200
    )
    assert http.get("/api/v1/finance/vat-summary", headers=viewer).json()["period"]["kind"] == "quarter"


@pytest.mark.parametrize("period", ["2026-Q5", "2026-13", "26", "1999", "2026-1", "x" * 8])
def test_a_bad_period_is_a_422(http: TestClient, fresh_tenant: Tenant, auth: Headers, period: str) -> None:
    response = http.get("/api/v1/finance/vat-summary", params={"period": period}, headers=auth(fresh_tenant))
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


def test_a_refund_lowers_the_deductible_vat_of_its_period(
    http: TestClient, fresh_tenant: Tenant, auth: Headers, write: Callable[..., list[uuid.UUID]]
) -> None:
    d = dt.date
    write(
        fresh_tenant,
        ReceiptSpec(d(2026, 2, 2), "Tuoli Oy", "125.50", [VatLine("25.5", "100.00", "25.50", "125.50")]),
        # The chair returned: a credit receipt with negative rows that add up.
        ReceiptSpec(d(2026, 2, 9), "Tuoli Oy", "-62.75", [VatLine("25.5", "-50.00", "-12.75", "-62.75")]),
    )
    body = summary(http, auth(fresh_tenant), "2026-02")
    assert _rates(body) == {"25.5": ("50.00", "12.75", "62.75", "12.75", 2)}
    assert body["deductible_vat"] == "12.75"
