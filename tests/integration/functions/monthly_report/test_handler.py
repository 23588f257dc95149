"""The monthly report function's handler with its schedule events."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from docflow_local.fake_resend import FakeResend
from docflow_local.lambda_context import LocalLambdaContext
from tests.support.email import resend
from tests.support.paths import REPO_ROOT
from tests.support.tenants import create_tenant

__all__ = ["resend"]

pytestmark = pytest.mark.db

EVENTS = REPO_ROOT / "events" / "monthly_report" / "schedule"


def _event(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(Path(EVENTS / name).read_text())
    return loaded


def test_the_rerun_event_reports_its_period_once(
    superuser_url: str, resend: FakeResend, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docflow.email import monthly
    from docflow_monthly_report.handler import handler

    tenant = create_tenant(superuser_url, "owner")
    monkeypatch.setattr(monthly, "tenants_with_reports", lambda: [tenant.id])
    first = handler(_event("rerun-2026-10.json"), LocalLambdaContext("monthly_report"))
    assert first == {"period": "2026-10", "outcomes": {"sent": 1}}
    assert handler(_event("rerun-2026-10.json"), LocalLambdaContext("monthly_report"))["outcomes"] == {
        "already_sent": 1
    }
    [mail] = resend.sent_to(tenant.members["owner"].email)
    assert "2026-10" in mail["subject"]


def test_the_schedule_event_reports_last_month(
    superuser_url: str, resend: FakeResend, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime as dt

    from docflow.email import monthly
    from docflow_monthly_report.handler import handler

    tenant = create_tenant(superuser_url, "owner")
    monkeypatch.setattr(monthly, "tenants_with_reports", lambda: [tenant.id])
    result = handler(_event("monthly.json"), LocalLambdaContext("monthly_report"))
    assert result["period"] == monthly.previous_month(dt.datetime.now(dt.UTC)).label


def test_a_failed_tenant_makes_the_run_raise_after_the_others(
    superuser_url: str, resend: FakeResend, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docflow.email import monthly
    from docflow_monthly_report.handler import ReportsFailed, handler

    tenant = create_tenant(superuser_url, "owner")
    real = monthly.report_tenant

    def report(tenant_id: Any, period: Any, **kwargs: Any) -> Any:
        if tenant_id == "broken":
            raise RuntimeError("broken")
        return real(tenant_id, period, **kwargs)

    monkeypatch.setattr(monthly, "tenants_with_reports", lambda: ["broken", tenant.id])
    monkeypatch.setattr(monthly, "report_tenant", report)
    with pytest.raises(ReportsFailed):
        handler({"period": "2026-09"}, LocalLambdaContext("monthly_report"))
    assert len(resend.sent_to(tenant.members["owner"].email)) == 1


def test_a_bad_period_is_refused() -> None:
    from docflow.finance.periods import InvalidPeriod
    from docflow_monthly_report.handler import handler

    with pytest.raises(InvalidPeriod):
        handler({"period": "2026-Q3"}, LocalLambdaContext("monthly_report"))
