"""Filing a VAT period: owners and admins only, audited, figures kept as filed; the database then
refuses to edit, delete or re-categorise the period's receipts (409 through the API), and a receipt
processed later for that period is booked in the open period with a reference to the filed one."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from zoneinfo import ZoneInfo

import psycopg
import pytest
from fastapi.testclient import TestClient

from docflow.db import domain_error
from docflow.errors import Conflict
from docflow.tenancy import Role
from docflow_local.finance_data import ReceiptSpec, VatLine
from tests.integration.functions.finance.conftest import q1_2026, summary
from tests.support.tenants import Headers, Tenant, audit_actions

pytestmark = pytest.mark.db

LOCKS = "/api/v1/finance/locks"


@pytest.fixture(scope="module")
def receipts_http(postgres: object) -> Iterator[TestClient]:
    from docflow_receipts_api.handler import app

    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_filing_freezes_the_periods_receipts(
    *,
    http: TestClient,
    receipts_http: TestClient,
    fresh_tenant: Tenant,
    auth: Headers,
    write: Callable[..., list[uuid.UUID]],
    superuser_url: str,
) -> None:
    ids = write(fresh_tenant, *q1_2026())
    first = ids[0]
    for role in (Role.MEMBER, Role.VIEWER):
        assert (
            http.post(LOCKS, json={"period": "2026-Q1"}, headers=auth(fresh_tenant, role)).status_code == 403
        )
    response = http.post(LOCKS, json={"period": "2026-Q1"}, headers=auth(fresh_tenant, Role.ADMIN))
    assert response.status_code == 201, response.text
    lock = response.json()
    assert (lock["period_start"], lock["period_end"], lock["deductible_vat"], lock["receipts_counted"]) == (
        "2026-01-01",
        "2026-03-31",
        "36.85",
        2,
    )
    assert http.post(LOCKS, json={"period": "2026-02"}, headers=auth(fresh_tenant)).status_code == 409
    assert [a[0] for a in audit_actions(superuser_url, fresh_tenant)][-1:] == ["finance.period_filed"]

    # Through the receipts API: a correction, a deletion and a new category are all 409.
    member = auth(fresh_tenant, Role.MEMBER)
    patch = receipts_http.patch(f"/api/v1/receipts/{first}", json={"category": "matkat"}, headers=member)
    assert patch.status_code == 409, patch.text
    assert "filed VAT period" in patch.json()["detail"]
    assert receipts_http.delete(f"/api/v1/receipts/{first}", headers=member).status_code == 409

    # In the database itself, whoever asks (the owner of the tables included).
    with psycopg.connect(superuser_url) as conn:
        for statement in (
            "update public.receipts set category = 'matkat' where id = %s",
            "update public.receipts set total = 1 where id = %s",
            "delete from public.receipts where id = %s",
            "delete from public.receipt_vat_rows where receipt_id = %s",
            "insert into public.receipt_vat_rows (tenant_id, receipt_id, position, rate, net, tax, gross)"
            " select tenant_id, id, 9, 25.5, 1, 0.26, 1.26 from public.receipts where id = %s",
        ):
            with pytest.raises(psycopg.Error) as raised, conn.transaction():
                conn.execute(statement, (first,))
            assert raised.value.sqlstate == "DF006"
            assert isinstance(domain_error(raised.value), Conflict)
        # An open receipt cannot be moved into the filed period either.
        open_receipt = ids[-1]  # dated 2026-04-01
        with pytest.raises(psycopg.Error) as raised, conn.transaction():
            conn.execute(
                "update public.receipts set receipt_date = '2026-02-01' where id = %s", (open_receipt,)
            )
        assert raised.value.sqlstate == "DF006"
        # Columns the return does not read may still change (the OCR text, for instance).
        conn.execute("update public.receipts set ocr_text = 'x' where id = %s", (first,))

    # The filed figures stay as filed.
    body = summary(http, auth(fresh_tenant, Role.VIEWER), "2026-Q1")
    assert body["filed"]["deductible_vat"] == "36.85"
    assert body["deductible_vat"] == "36.85"


def test_a_late_receipt_goes_to_the_open_period_with_a_reference(
    http: TestClient,
    fresh_tenant: Tenant,
    auth: Headers,
    write: Callable[..., list[uuid.UUID]],
    superuser_url: str,
) -> None:
    write(
        fresh_tenant,
        ReceiptSpec(dt.date(2026, 1, 5), "Ajoissa Oy", "12.55", [VatLine("25.5", "10.00", "2.55", "12.55")]),
    )
    assert http.post(LOCKS, json={"period": "2026-01"}, headers=auth(fresh_tenant)).status_code == 201
    # Read after the filing (processed now): booked in the open month of its processing.
    (late,) = write(
        fresh_tenant,
        ReceiptSpec(
            dt.date(2026, 1, 20), "Myöhässä Oy", "25.10", [VatLine("25.5", "20.00", "5.10", "25.10")]
        ),
    )
    headers = auth(fresh_tenant, Role.VIEWER)
    january = summary(http, headers, "2026-01")
    assert january["deductible_vat"] == "2.55"
    now = dt.datetime.now(ZoneInfo("Europe/Helsinki")).date()
    current = summary(http, headers, f"{now.year}-{now.month:02d}")
    assert current["deductible_vat"] == "5.10"
    assert current["corrections"] == [
        {"filed_period_start": "2026-01-01", "receipts": 1, "deductible": "5.10"}
    ]
    # The late receipt is not frozen: it can still be corrected.
    with psycopg.connect(superuser_url) as conn:
        conn.execute("update public.receipts set category = 'matkat' where id = %s", (late,))
    locks = http.get(LOCKS, headers=headers).json()["items"]
    assert [item["period_start"] for item in locks] == ["2026-01-01"]


def test_an_unfinished_period_cannot_be_filed(http: TestClient, fresh_tenant: Tenant, auth: Headers) -> None:
    today = dt.datetime.now(dt.UTC).date()
    response = http.post(LOCKS, json={"period": str(today.year)}, headers=auth(fresh_tenant))
    assert response.status_code == 422
    assert http.post(LOCKS, json={"period": "2026-Q9"}, headers=auth(fresh_tenant)).status_code == 422
