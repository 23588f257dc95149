"""``/api/v1/email``: the inbound address for every member; the report preview and trigger for owners
and admins only, built by the scheduled job's code (a trigger sends once per tenant and month)."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterator

import psycopg
import pytest
from fastapi.testclient import TestClient

from docflow_local.fake_resend import FakeResend
from docflow_local.finance_data import ReceiptSpec, VatLine, insert_receipts
from tests.support.email import resend
from tests.support.tenants import Tenant, create_tenant, member_headers

__all__ = ["resend"]

pytestmark = pytest.mark.db


@pytest.fixture(scope="module")
def http(postgres: object) -> Iterator[TestClient]:
    from docflow_email_api.handler import app

    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def tenant(superuser_url: str) -> Tenant:
    tenant = create_tenant(superuser_url, "owner", "admin", "member", "viewer")
    with psycopg.connect(superuser_url) as conn:
        conn.execute(
            "insert into public.profiles (user_id, locale) values (%s, 'en')"
            " on conflict (user_id) do update set locale = 'en'",
            (tenant.members["admin"].user_id,),
        )
        insert_receipts(
            conn,
            tenant.id,
            [
                ReceiptSpec(
                    dt.date(2026, 10, 5), "Tukku Oy", "125.50", [VatLine("25.5", "100.00", "25.50", "125.50")]
                )
            ],
        )
    return tenant


def test_every_member_reads_the_tenants_inbound_address(
    http: TestClient, tenant: Tenant, token_for: object, superuser_url: str
) -> None:
    with psycopg.connect(superuser_url) as conn:
        row = conn.execute(
            "select local_part from public.email_inbound_addresses where tenant_id = %s", (tenant.id,)
        ).fetchone()
    assert row is not None
    for label in ("owner", "viewer"):
        response = http.get("/api/v1/email/inbound-address", headers=member_headers(token_for, tenant, label))  # type: ignore[arg-type]
        assert response.status_code == 200
        assert response.json() == {"address": f"{row[0]}@inbound.localhost"}
        assert response.headers["cache-control"] == "no-store"


def test_the_preview_is_the_report_in_the_callers_language_and_sends_nothing(
    http: TestClient, tenant: Tenant, token_for: object, resend: FakeResend, superuser_url: str
) -> None:
    response = http.post(
        "/api/v1/email/reports",
        json={"period": "2026-10"},
        headers=member_headers(token_for, tenant, "admin"),  # type: ignore[arg-type]
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["period"], body["locale"], body["csv_filename"]) == ("2026-10", "en", "docflow-2026-10.csv")
    assert body["subject"] == f"Monthly report 2026-10: {tenant.name}"
    assert "€125.50" in body["text"]
    prefix = 'src="data:image/png;base64,'
    assert prefix in body["html"]
    assert "cid:" not in body["html"]
    encoded = body["html"].split(prefix, 1)[1].split('"', 1)[0]
    assert base64.b64decode(encoded).startswith(b"\x89PNG")
    assert resend.sent_to(tenant.members["admin"].email) == []
    with psycopg.connect(superuser_url) as conn:
        assert conn.execute(
            "select count(*) from public.monthly_reports where tenant_id = %s", (tenant.id,)
        ).fetchone() == (0,)


def test_the_trigger_sends_the_scheduled_report_once(
    http: TestClient, tenant: Tenant, token_for: object, resend: FakeResend
) -> None:
    headers = member_headers(token_for, tenant, "owner")  # type: ignore[arg-type]
    first = http.post("/api/v1/email/reports", json={"period": "2026-10", "send": True}, headers=headers)
    second = http.post("/api/v1/email/reports", json={"period": "2026-10", "send": True}, headers=headers)
    assert (first.status_code, first.json()) == (202, {"period": "2026-10", "outcome": "sent"})
    assert second.json()["outcome"] == "already_sent"
    assert (
        len(resend.sent_to(tenant.members["owner"].email))
        == len(resend.sent_to(tenant.members["admin"].email))
        == 1
    )


@pytest.mark.parametrize("label", ["member", "viewer"])
def test_members_and_viewers_cannot_preview_or_send(
    http: TestClient, tenant: Tenant, token_for: object, label: str
) -> None:
    headers = member_headers(token_for, tenant, label)  # type: ignore[arg-type]
    assert http.post("/api/v1/email/reports", json={"period": "2026-10"}, headers=headers).status_code == 403


@pytest.mark.parametrize("period", ["2026-13", "26-10", "2026-10-01", "", "3000-01"])
def test_a_bad_or_future_month_is_422(
    http: TestClient, tenant: Tenant, token_for: object, period: str
) -> None:
    headers = member_headers(token_for, tenant, "owner")  # type: ignore[arg-type]
    response = http.post("/api/v1/email/reports", json={"period": period}, headers=headers)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
