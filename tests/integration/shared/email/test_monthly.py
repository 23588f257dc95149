"""The monthly report: built from the finance queries, mailed once per (tenant, period) to owners and
admins in their locale, with the inline chart and the CSV; reruns, concurrent runs and crashes never
send twice, and one tenant's failure never stops the others."""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import psycopg
import pytest

from docflow.email import monthly
from docflow.email.monthly import month_period, previous_month, report_tenant, run
from docflow.email.report import CHART_CONTENT_ID, money
from docflow_local.fake_resend import FakeResend
from docflow_local.finance_data import ReceiptSpec, VatLine, insert_receipts
from tests.support.email import sends
from tests.support.tenants import Tenant, create_tenant

pytestmark = pytest.mark.db

OCTOBER = month_period("2026-10")


@pytest.fixture
def tenant(superuser_url: str) -> Tenant:
    """Owner (Swedish), admin (English), member and viewer; receipts in September and October."""
    tenant = create_tenant(superuser_url, "owner", "admin", "member", "viewer")
    with psycopg.connect(superuser_url) as conn:
        for label, locale in (("owner", "sv"), ("admin", "en")):
            conn.execute(
                "insert into public.profiles (user_id, locale) values (%s, %s)"
                " on conflict (user_id) do update set locale = excluded.locale",
                (tenant.members[label].user_id, locale),
            )
        insert_receipts(
            conn,
            tenant.id,
            [
                ReceiptSpec(
                    dt.date(2026, 10, 5),
                    "Tukku Oy",
                    "125.50",
                    [VatLine("25.5", "100.00", "25.50", "125.50")],
                    category="tarvikkeet",
                ),
                ReceiptSpec(
                    dt.date(2026, 10, 20),
                    "Tukku Oy",
                    "62.75",
                    [VatLine("25.5", "50.00", "12.75", "62.75")],
                    category="tarvikkeet",
                ),
                ReceiptSpec(
                    dt.date(2026, 9, 9),
                    "Tukku Oy",
                    "25.10",
                    [VatLine("25.5", "20.00", "5.10", "25.10")],
                    category="tarvikkeet",
                ),
                ReceiptSpec(dt.date(2026, 10, 21), "Epäselvä", None, status="needs_review"),
            ],
        )
    return tenant


def test_previous_month_is_taken_in_helsinki_time() -> None:
    # 1 November 00:30 in Helsinki is still 31 October in UTC.
    assert previous_month(dt.datetime(2026, 10, 31, 22, 30, tzinfo=dt.UTC)).label == "2026-10"
    assert previous_month(dt.datetime(2026, 1, 1, 6, 0, tzinfo=dt.UTC)).label == "2025-12"


def test_the_report_goes_to_owners_and_admins_in_their_locale(
    tenant: Tenant, resend: FakeResend, superuser_url: str
) -> None:
    assert report_tenant(tenant.id, OCTOBER) == "sent"
    owner = resend.sent_to(tenant.members["owner"].email)
    admin = resend.sent_to(tenant.members["admin"].email)
    assert len(owner) == len(admin) == 1
    assert (
        resend.sent_to(tenant.members["member"].email) == resend.sent_to(tenant.members["viewer"].email) == []
    )
    assert owner[0]["subject"] == f"Månadsrapport 2026-10: {tenant.name}"
    assert admin[0]["subject"] == f"Monthly report 2026-10: {tenant.name}"
    # VAT of October: 25.50 + 12.75; expenses 188.25 against 25.10 in September; one waiting review.
    assert money(Decimal("38.25"), "sv") in owner[0]["html"]
    assert "€188.25" in admin[0]["text"]
    assert "€25.10" in admin[0]["text"]
    assert "2026-12-12" in admin[0]["text"]
    assert "Receipts waiting for review: 1" in admin[0]["text"]
    assert f'src="cid:{CHART_CONTENT_ID}"' in admin[0]["html"]
    chart, csv = admin[0]["attachments"]
    assert chart["content_id"] == CHART_CONTENT_ID
    assert chart["content_type"] == "image/png"
    assert base64.b64decode(chart["content"]).startswith(b"\x89PNG")
    assert csv["filename"] == "docflow-2026-10.csv"
    assert (
        base64.b64decode(csv["content"]).decode("utf-8-sig").count("\n") == 3
    )  # header + the two October receipts
    with psycopg.connect(superuser_url) as conn:
        row = conn.execute(
            "select status, recipients from public.monthly_reports"
            " where tenant_id = %s and period = '2026-10'",
            (tenant.id,),
        ).fetchone()
    assert row == ("sent", 2)


def test_a_rerun_sends_nothing(tenant: Tenant, resend: FakeResend) -> None:
    assert report_tenant(tenant.id, OCTOBER) == "sent"
    before = len(resend.state.requests)
    assert report_tenant(tenant.id, OCTOBER) == "already_sent"
    assert len(resend.state.requests) == before


def test_duplicate_schedule_deliveries_at_once_send_once(tenant: Tenant, resend: FakeResend) -> None:
    with ThreadPoolExecutor(4) as pool:
        outcomes = sorted(pool.map(lambda _: report_tenant(tenant.id, OCTOBER), range(4)))
    assert outcomes.count("sent") == 1
    assert len(resend.sent_to(tenant.members["owner"].email)) == 1
    assert len(resend.sent_to(tenant.members["admin"].email)) == 1


def test_a_crash_after_the_send_before_the_commit_neither_sends_twice_nor_skips(
    tenant: Tenant, resend: FakeResend, superuser_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(monthly, "_settle", lambda *_: (_ for _ in ()).throw(RuntimeError("died")))
    from docflow.email import outbox

    real = outbox.deliver

    def send_then_die(message: outbox.Outgoing) -> str:
        from docflow.email import client

        client.send(message)
        raise RuntimeError("died before the log update")

    monkeypatch.setattr(outbox, "deliver", send_then_die)
    with pytest.raises(RuntimeError):
        report_tenant(tenant.id, OCTOBER)
    assert {row["status"] for row in sends(superuser_url, tenant.id)} == {"pending"}
    monkeypatch.undo()
    assert outbox.deliver is real
    assert report_tenant(tenant.id, OCTOBER) == "sent"
    assert len(resend.sent_to(tenant.members["owner"].email)) == 1
    assert len(resend.sent_to(tenant.members["admin"].email)) == 1
    assert {row["status"] for row in sends(superuser_url, tenant.id)} == {"sent"}


def test_one_tenants_failure_does_not_stop_the_others(
    tenant: Tenant, resend: FakeResend, superuser_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = create_tenant(superuser_url, "owner")
    later = create_tenant(superuser_url, "owner")
    from docflow.email import report

    real_load = report.load

    def load(conn: object, tenant_id: uuid.UUID, period: object) -> object:
        if tenant_id == broken.id:
            raise RuntimeError("broken tenant")
        return real_load(conn, tenant_id, period)  # type: ignore[arg-type]

    monkeypatch.setattr(report, "load", load)
    summary = run(OCTOBER, [broken.id, tenant.id, later.id])
    assert summary.errors == 1
    assert summary.outcomes == {"sent": 2}
    assert len(resend.sent_to(later.members["owner"].email)) == 1
    monkeypatch.setattr(report, "load", real_load)
    again = run(OCTOBER, [broken.id, tenant.id, later.id])
    assert (again.errors, again.outcomes) == (0, {"sent": 1, "already_sent": 2})


def test_a_tenant_without_owners_or_admins_is_skipped(superuser_url: str, resend: FakeResend) -> None:
    lonely = create_tenant(superuser_url, "member")
    assert report_tenant(lonely.id, OCTOBER) == "no_recipients"
    assert resend.sent_to(lonely.members["member"].email) == []


def test_tenants_with_reports_off_are_left_out(superuser_url: str) -> None:
    off = create_tenant(superuser_url, "owner")
    with psycopg.connect(superuser_url) as conn:
        conn.execute("update public.tenants set monthly_report = false where id = %s", (off.id,))
    on = create_tenant(superuser_url, "owner")
    chosen = monthly.tenants_with_reports()
    assert on.id in chosen
    assert off.id not in chosen
