"""``/api/v1/email``: the tenant's inbound address for receipts by e-mail, and the monthly report's
preview and trigger for owners and admins (built by the same code as the scheduled job)."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field

from docflow.errors import NotFound, Unprocessable
from docflow.finance.periods import VatPeriod
from docflow.http.deps import TenantConn, TenantContext, require_role
from docflow.tenancy import Role

router = APIRouter(prefix="/api/v1/email", tags=["email"])
Manager = Annotated[TenantContext, require_role(Role.OWNER, Role.ADMIN)]
NO_STORE = {"Cache-Control": "no-store"}


class InboundAddress(BaseModel):
    """Where members mail receipts: each image or PDF attached becomes one receipt."""

    address: str


class ReportRequest(BaseModel):
    """The month to report and whether to send it (``false``: only preview it)."""

    model_config = ConfigDict(extra="forbid")

    period: str = Field(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$", examples=["2026-10"])
    send: bool = False


class ReportPreview(BaseModel):
    """The report as the caller would receive it (the chart inlined as a ``data:`` URL)."""

    period: str
    locale: str
    subject: str
    html: str
    text: str
    csv_filename: str


class ReportSent(BaseModel):
    """What the trigger did: ``sent``, ``already_sent`` (once per tenant and month), ``no_recipients``,
    ``pending`` (a send will be retried) or ``failed``."""

    period: str
    outcome: Literal["sent", "already_sent", "no_recipients", "pending", "failed"]


@router.get("/inbound-address", summary="The tenant's address for receipts by e-mail")
def inbound_address(tenant: TenantConn, response: Response) -> InboundAddress:
    """Messages from a member's confirmed address to it become receipts (one per image or PDF)."""
    from docflow.email.inbound.accept import inbound_address as full_address

    row = tenant.conn.execute(
        "select local_part from public.email_inbound_addresses where tenant_id = %s", (tenant.tenant_id,)
    ).fetchone()
    if row is None:
        raise NotFound("This tenant has no inbound address")
    response.headers.update(NO_STORE)
    return InboundAddress(address=full_address(str(row["local_part"])))


def _month(label: str) -> VatPeriod:
    from docflow.email.monthly import HELSINKI, month_period
    from docflow.finance.periods import InvalidPeriod

    try:
        period = month_period(label)
    except InvalidPeriod as error:
        raise Unprocessable(str(error)) from None
    if period.start > dt.datetime.now(HELSINKI).date():
        raise Unprocessable("The report covers a month that has begun")
    return period


@router.post(
    "/reports",
    summary="Preview or send the monthly report of a month",
    response_model=ReportPreview | ReportSent,
    responses={202: {"model": ReportSent}},
)
def monthly_report(body: ReportRequest, tenant: Manager, response: Response) -> ReportPreview | ReportSent:
    """``send: false``: the report in the caller's locale, nothing sent or recorded. ``send: true``: the
    scheduled job's send for this tenant and month (202), once: a second trigger answers ``already_sent``."""
    from docflow.email.monthly import report_tenant
    from docflow.email.report import CHART_CONTENT_ID, compose, load
    from docflow.email.settings import get_email_settings
    from docflow.email.templates import locale_of

    period = _month(body.period)
    response.headers.update(NO_STORE)
    if body.send:
        response.status_code = 202
        return ReportSent(period=period.label, outcome=report_tenant(tenant.tenant_id, period))
    row = tenant.conn.execute(
        "select locale from public.profiles where user_id = %s", (tenant.user_id,)
    ).fetchone()
    locale = locale_of(row["locale"] if row else None)
    message, attachments = compose(
        load(tenant.conn, tenant.tenant_id, period), locale, get_email_settings().email_app_url
    )
    html = message.html
    csv_name = ""
    for item in attachments:
        if item.content_id == CHART_CONTENT_ID:
            inline = "data:image/png;base64," + base64.b64encode(item.content).decode("ascii")
            html = html.replace(f"cid:{CHART_CONTENT_ID}", inline)
        else:
            csv_name = item.filename
    return ReportPreview(
        period=period.label,
        locale=locale,
        subject=message.subject,
        html=html,
        text=message.text,
        csv_filename=csv_name,
    )
