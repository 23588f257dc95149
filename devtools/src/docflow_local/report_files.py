"""``docflow report monthly``: a tenant's monthly report as files to review (``.eml`` and ``.html``),
built by the same code as the scheduled job, against the local stack's database.

With ``--send`` the job itself runs for those tenants (through the local fake Resend, exactly once per
tenant and period, as in production); without it nothing is sent or recorded.
"""

from __future__ import annotations

import re
import uuid
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

from docflow.email.client import Attachment
from docflow.email.report import CHART_CONTENT_ID
from docflow.email.templates import Locale, Rendered


def as_eml(message: Rendered, attachments: tuple[Attachment, ...], *, sender: str, to: str) -> bytes:
    """The message as the recipient's client receives it: text and HTML alternatives, the inline chart
    (``Content-ID``) related to the HTML, the other attachments."""
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = sender, to, message.subject
    mail.set_content(message.text)
    mail.add_alternative(message.html, subtype="html")
    html_part = mail.get_body(preferencelist=("html",))
    if not isinstance(html_part, EmailMessage):
        raise TypeError("the HTML alternative is missing")
    for item in attachments:
        maintype, subtype = item.content_type.split("/", 1)
        if item.content_id:
            html_part.add_related(
                item.content, maintype, subtype, cid=f"<{item.content_id}>", filename=item.filename
            )
        else:
            mail.add_attachment(item.content, maintype=maintype, subtype=subtype, filename=item.filename)
    return mail.as_bytes(policy=SMTP)


def write_report(
    folder: Path, name: str, message: Rendered, attachments: tuple[Attachment, ...], *, sender: str, to: str
) -> list[Path]:
    """``<name>.eml``, ``<name>.html`` (the chart as ``<name>.png`` beside it) and the CSV."""
    folder.mkdir(parents=True, exist_ok=True)
    written = [folder / f"{name}.eml", folder / f"{name}.html"]
    written[0].write_bytes(as_eml(message, attachments, sender=sender, to=to))
    html = message.html
    for item in attachments:
        if item.content_id == CHART_CONTENT_ID:
            chart = folder / f"{name}.png"
            chart.write_bytes(item.content)
            html = html.replace(f"cid:{CHART_CONTENT_ID}", chart.name)
            written.append(chart)
        else:
            path = folder / f"{name}-{item.filename}"
            path.write_bytes(item.content)
            written.append(path)
    written[1].write_text(html, encoding="utf-8")
    return written


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-").lower() or "tenant"


def monthly_files(period_label: str, tenant: str | None, folder: Path, *, send: bool = False) -> list[Path]:
    """Write the period's report of every recipient of the chosen tenants (by name or id; all with
    reports on when ``None``); returns the files written."""
    from docflow.db import system_transaction
    from docflow.email.monthly import REPORT_ROLES, month_period, report_tenant
    from docflow.email.outbox import recipients
    from docflow.email.report import compose, load
    from docflow.email.settings import get_email_settings

    period = month_period(period_label)
    settings = get_email_settings()
    written: list[Path] = []
    with system_transaction("local.report") as conn:
        rows = conn.execute(
            "select id, name from public.tenants where monthly_report and (%(t)s::text is null"
            " or name = %(t)s or id::text = %(t)s) order by name",
            {"t": tenant},
        ).fetchall()
    for row in rows:
        tenant_id: uuid.UUID = row["id"]
        with system_transaction("local.report", tenant_id=str(tenant_id)) as conn:
            data = load(conn, tenant_id, period)
            members = recipients(conn, tenant_id, REPORT_ROLES)
        done: set[Locale] = set()
        for member in members:
            if member.locale in done:
                continue
            done.add(member.locale)
            message, attachments = compose(data, member.locale, settings.email_app_url)
            name = f"{_safe(str(row['name']))}-{period.label}-{member.locale}"
            written += write_report(
                folder, name, message, attachments, sender=settings.email_from, to=member.email
            )
        if send:
            report_tenant(tenant_id, period)
    return written
