"""``docflow report monthly``: the report as files to review, parsed back as a mail client would."""

from __future__ import annotations

import email
from email.policy import default
from pathlib import Path

import psycopg
import pytest

from docflow_local.fake_resend import FakeResend
from docflow_local.report_files import monthly_files
from tests.support.email import resend
from tests.support.tenants import create_tenant

__all__ = ["resend"]

pytestmark = pytest.mark.db


def test_the_files_hold_the_report_with_its_inline_chart_and_csv(
    superuser_url: str, tmp_path: Path, resend: FakeResend
) -> None:
    tenant = create_tenant(superuser_url, "owner", "admin", name=f"Raportti Oy {tmp_path.name[-6:]}")
    with psycopg.connect(superuser_url) as conn:
        conn.execute(
            "insert into public.profiles (user_id, locale) values (%s, 'en')",
            (tenant.members["admin"].user_id,),
        )
    written = monthly_files("2026-10", tenant.name, tmp_path)
    names = sorted(path.name for path in written)
    assert len([n for n in names if n.endswith(".eml")]) == 2  # one per locale (fi, en)
    eml = next(path for path in written if path.name.endswith("-en.eml"))
    parsed = email.message_from_bytes(eml.read_bytes(), policy=default)
    assert parsed["Subject"] == f"Monthly report 2026-10: {tenant.name}"
    kinds = [part.get_content_type() for part in parsed.walk()]
    assert {"text/plain", "text/html", "image/png", "text/csv"} <= set(kinds)
    chart = next(part for part in parsed.walk() if part.get_content_type() == "image/png")
    assert chart["Content-ID"] == "<trend-chart>"
    html = next(path for path in written if path.name.endswith("-en.html")).read_text(encoding="utf-8")
    assert "cid:" not in html
    assert (tmp_path / next(n for n in names if n.endswith("-en.png"))).read_bytes().startswith(b"\x89PNG")
    assert resend.sent_to(tenant.members["owner"].email) == []


def test_send_runs_the_job_once(superuser_url: str, tmp_path: Path, resend: FakeResend) -> None:
    tenant = create_tenant(superuser_url, "owner", name=f"Lähetys Oy {tmp_path.name[-6:]}")
    monthly_files("2026-10", str(tenant.id), tmp_path, send=True)
    monthly_files("2026-10", str(tenant.id), tmp_path, send=True)
    assert len(resend.sent_to(tenant.members["owner"].email)) == 1
