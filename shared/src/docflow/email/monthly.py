"""The monthly report job: last month's report to every tenant with reports on, exactly once.

Each tenant is one claim on ``public.monthly_reports`` (primary key tenant and period) and its own
transaction: the row is claimed, the report built and one message per owner and admin logged; the
messages go out after the commit under idempotency keys ``monthly_report/<tenant>:<period>:<user>/v1``,
and the row is marked ``sent`` once none is pending. A rerun, a duplicate delivery of the schedule or
a crash halfway therefore never sends twice (a pending message is sent again under its key, which
Resend answers with the first send) and never skips a tenant (a claimed row that is not ``sent`` is
built again). One tenant's failure is logged and the others go on; the job then raises, so the
scheduler's retry policy runs it again.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Literal
from zoneinfo import ZoneInfo

from docflow.finance.periods import VatPeriod, parse_period
from docflow.observability import get_logger

REPORT_ROLES = ("owner", "admin")
HELSINKI = ZoneInfo("Europe/Helsinki")

Outcome = Literal["sent", "already_sent", "no_recipients", "pending", "failed"]


def previous_month(now: dt.datetime) -> VatPeriod:
    """The month before ``now`` in Helsinki time (the report of the 1st covers the month that ended)."""
    local = now.astimezone(HELSINKI).date().replace(day=1)
    return VatPeriod((local - dt.timedelta(days=1)).replace(day=1), "month")


def month_period(label: str) -> VatPeriod:
    """``2026-10`` as a month (``InvalidPeriod`` for anything else)."""
    from docflow.finance.periods import InvalidPeriod

    period = parse_period(label)
    if period.kind != "month":
        raise InvalidPeriod("the monthly report takes a month, YYYY-MM")
    return period


def tenants_with_reports() -> list[uuid.UUID]:
    """Every tenant with the monthly report on, in a stable order."""
    from docflow.db import system_transaction

    with system_transaction("email.monthly_report") as conn:
        rows = conn.execute("select id from public.tenants where monthly_report order by id").fetchall()
    return [row["id"] for row in rows]


def report_tenant(tenant_id: uuid.UUID, period: VatPeriod, *, app_url: str | None = None) -> Outcome:
    """Send ``period``'s report of one tenant once; see the module documentation."""
    from docflow.db import system_transaction
    from docflow.db.after_commit import commit_hooks
    from docflow.email.outbox import queue, recipients
    from docflow.email.report import compose, load
    from docflow.email.settings import get_email_settings

    url = app_url or get_email_settings().email_app_url
    with (
        commit_hooks() as hooks,
        system_transaction("email.monthly_report", tenant_id=str(tenant_id)) as conn,
    ):
        conn.execute(
            "insert into public.monthly_reports (tenant_id, period) values (%s, %s) on conflict do nothing",
            (tenant_id, period.label),
        )
        claim = conn.execute(
            "select status from public.monthly_reports where tenant_id = %s and period = %s for update",
            (tenant_id, period.label),
        ).fetchone()
        if claim is None or claim["status"] != "building":
            return "already_sent"
        members = recipients(conn, tenant_id, REPORT_ROLES)
        if not members:
            conn.execute(
                "update public.monthly_reports set status = 'skipped' where tenant_id = %s and period = %s",
                (tenant_id, period.label),
            )
            return "no_recipients"
        data = load(conn, tenant_id, period)
        for member in members:
            message, attachments = compose(data, member.locale, url)
            entity = f"{tenant_id}:{period.label}:{member.user_id}"
            queue(
                conn,
                hooks,
                tenant_id=tenant_id,
                kind="monthly_report",
                entity=entity,
                to=member,
                message=message,
                attachments=attachments,
            )
    return _settle(tenant_id, period, len(members))


def _settle(tenant_id: uuid.UUID, period: VatPeriod, count: int) -> Outcome:
    """Mark the report sent once none of its messages is pending."""
    from docflow.db import system_transaction

    prefix = f"monthly_report/{tenant_id}:{period.label}:%"
    with system_transaction("email.monthly_report", tenant_id=str(tenant_id)) as conn:
        row = conn.execute(
            "select count(*) filter (where status = 'pending') as pending,"
            " count(*) filter (where status = 'failed') as failed"
            " from public.email_sends where tenant_id = %s and idempotency_key like %s",
            (tenant_id, prefix),
        ).fetchone()
        pending = int(row["pending"]) if row else 0
        if pending:
            return "pending"
        settled = conn.execute(
            "update public.monthly_reports set status = 'sent', sent_at = now(), recipients = %s"
            " where tenant_id = %s and period = %s and status = 'building' returning period",
            (count, tenant_id, period.label),
        ).fetchone()
        if settled is None:  # a concurrent run settled it first
            return "already_sent"
        return "failed" if row and int(row["failed"]) else "sent"


@dataclass(slots=True)
class RunSummary:
    """What one run did, per outcome; ``errors`` counts tenants whose report raised."""

    period: str
    outcomes: dict[str, int] = field(default_factory=dict)
    errors: int = 0


def run(period: VatPeriod, tenants: list[uuid.UUID] | None = None) -> RunSummary:
    """Report ``period`` to every tenant with reports on; one tenant's failure never stops the others."""
    log = get_logger()
    summary = RunSummary(period=period.label)
    for tenant_id in tenants if tenants is not None else tenants_with_reports():
        try:
            outcome = report_tenant(tenant_id, period)
        except Exception as exc:
            summary.errors += 1
            log.warning(
                "monthly report failed", extra={"tenant_id": str(tenant_id), "error_type": type(exc).__name__}
            )
            continue
        summary.outcomes[outcome] = summary.outcomes.get(outcome, 0) + 1
    log.info(
        "monthly reports",
        extra={"period": period.label, "outcomes": summary.outcomes, "errors": summary.errors},
    )
    return summary
