"""Fixtures of the finance tests: the finance app, fresh tenants and hand-computed receipts."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from docflow.tenancy import Role
from docflow_local.finance_data import ReceiptSpec, VatLine, insert_receipts
from tests.support.tenants import Headers, Tenant, create_tenant, member_headers

Y = "0737546-2"


@pytest.fixture(scope="module")
def http(postgres: object) -> Iterator[TestClient]:
    from docflow_finance.handler import app

    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def auth(token_for: Callable[..., str]) -> Headers:
    """``auth(tenant, role)``: the headers of that role's user acting for that tenant."""

    def headers(tenant: Tenant, role: Role = Role.OWNER) -> dict[str, str]:
        return member_headers(token_for, tenant, role)

    return headers


@pytest.fixture
def fresh_tenant(superuser_url: str) -> Tenant:
    return create_tenant(superuser_url, *Role)


@pytest.fixture
def write(superuser_url: str) -> Callable[..., list[uuid.UUID]]:
    """``write(tenant, *specs)``: insert receipts as the processor would have stored them."""

    def insert(tenant: Tenant, *specs: ReceiptSpec) -> list[uuid.UUID]:
        with psycopg.connect(superuser_url) as conn:
            return insert_receipts(conn, tenant.id, specs)

    return insert


def q1_2026() -> list[ReceiptSpec]:
    """The hand-computed quarter (2026-Q1) of ``test_vat_summary``."""
    d = dt.date
    return [
        # Three rates, all deductible: 25.5 + 13.5 + 10 %.
        ReceiptSpec(
            d(2026, 1, 10),
            "Tukku Oy",
            "159.20",
            [
                VatLine("25.5", "100.00", "25.50", "125.50"),
                VatLine("13.5", "20.00", "2.70", "22.70"),
                VatLine("10", "10.00", "1.00", "11.00"),
            ],
            category="tarvikkeet",
        ),
        # Business entertainment: not deductible.
        ReceiptSpec(
            d(2026, 2, 3),
            "Ravintola Juhla",
            "50.20",
            [VatLine("25.5", "40.00", "10.20", "50.20")],
            category="edustus",
        ),
        # Swedish: foreign VAT, never counted.
        ReceiptSpec(
            d(2026, 2, 15),
            "ICA Maxi",
            "100.00",
            [VatLine("25", "80.00", "20.00", "100.00")],
            business_id=None,
            country="SE",
            currency="SEK",
        ),
        # A car in mixed use: half of the VAT.
        ReceiptSpec(
            d(2026, 3, 1),
            "Neste Pasila",
            "75.30",
            [VatLine("25.5", "60.00", "15.30", "75.30")],
            category="auto_sekakaytto",
        ),
        ReceiptSpec(d(2026, 3, 5), "Kioski", "8.90", status="needs_review"),
        ReceiptSpec(
            d(2026, 3, 6), "Tori", "12.55", [VatLine("25.5", "10.00", "2.55", "12.55")], business_id=None
        ),
        # Rows that do not add up to the total.
        ReceiptSpec(d(2026, 3, 7), "Sekava Oy", "30.00", [VatLine("25.5", "10.00", "2.55", "12.55")]),
        ReceiptSpec(d(2026, 3, 8), "Parkki Oy", "5.00"),
        # 14 % is no Finnish rate in 2026.
        ReceiptSpec(d(2026, 1, 20), "Vanha Hinta Oy", "11.40", [VatLine("14", "10.00", "1.40", "11.40")]),
        # Outside the quarter on both sides.
        ReceiptSpec(d(2025, 12, 31), "Joulu Oy", "11.40", [VatLine("14", "10.00", "1.40", "11.40")]),
        ReceiptSpec(d(2026, 4, 1), "Huhti Oy", "12.55", [VatLine("25.5", "10.00", "2.55", "12.55")]),
    ]


def summary(http: TestClient, headers: dict[str, str], period: str) -> dict[str, Any]:
    response = http.get("/api/v1/finance/vat-summary", params={"period": period}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body: dict[str, Any] = response.json()
    return body
