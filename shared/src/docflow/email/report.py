"""The monthly finance report of one tenant: built from the finance queries (the VAT summary with the
return's due date, expenses by category against the previous month, the 12-month trend, receipts
waiting for review) as an HTML e-mail with the trend as an inline PNG and the period's CSV attached.

The same code serves the scheduled job, a preview and ``docflow report monthly``.
"""

from __future__ import annotations

import html
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from docflow.email.chart import bar_chart
from docflow.email.client import Attachment
from docflow.email.templates import Locale, Rendered, render
from docflow.finance.periods import VatPeriod

if TYPE_CHECKING:
    from docflow.db import Connection

CHART_CONTENT_ID = "trend-chart"
#: Categories listed in the report (the largest this month).
MAX_CATEGORIES = 8

_LABELS: dict[Locale, dict[str, str]] = {
    "fi": {
        "vat": "Vähennettävä arvonlisävero",
        "due": "Ilmoitus ja maksu viimeistään",
        "expenses": "Kulut",
        "previous": "Edellinen kuukausi",
        "category": "Kululaji",
        "trend": "Kulut 12 kuukauden ajalta",
        "review": "Tarkistusta odottavat kuitit",
        "csv": "Kauden kuitit ovat liitteenä CSV-tiedostona.",
    },
    "sv": {
        "vat": "Avdragbar mervärdesskatt",
        "due": "Deklaration och betalning senast",
        "expenses": "Kostnader",
        "previous": "Föregående månad",
        "category": "Kategori",
        "trend": "Kostnader under 12 månader",
        "review": "Kvitton som väntar på granskning",
        "csv": "Periodens kvitton finns bifogade som CSV-fil.",
    },
    "en": {
        "vat": "Deductible VAT",
        "due": "Return and payment due",
        "expenses": "Expenses",
        "previous": "Previous month",
        "category": "Category",
        "trend": "Expenses over 12 months",
        "review": "Receipts waiting for review",
        "csv": "The period's receipts are attached as a CSV file.",
    },
}


@dataclass(frozen=True, slots=True)
class CategoryLine:
    """Expenses of one category this month and the month before."""

    name: str
    current: Decimal
    previous: Decimal


@dataclass(frozen=True, slots=True)
class ReportData:
    """What the report shows, read once per tenant and period (the same for every recipient)."""

    tenant_name: str
    period: VatPeriod
    deductible_vat: Decimal
    due_date: str
    total: Decimal
    previous_total: Decimal
    categories: tuple[CategoryLine, ...]
    trend: tuple[Decimal, ...]
    waiting_review: int
    csv: bytes
    chart: bytes


def load(conn: Connection, tenant_id: uuid.UUID, period: VatPeriod) -> ReportData:
    """Read the report of ``tenant_id`` for the month ``period`` through the finance queries."""
    from docflow.finance.expenses import expenses, trend
    from docflow.finance.export import csv_fi_chunks
    from docflow.finance.summary import vat_summary

    if period.kind != "month":
        raise ValueError("the monthly report covers one month")
    name_row = conn.execute("select name from public.tenants where id = %s", (tenant_id,)).fetchone()
    summary = vat_summary(conn, tenant_id, period)
    spent = expenses(conn, tenant_id, period)
    months = trend(conn, tenant_id, period.start, 12)
    waiting = conn.execute(
        "select count(*) as n from public.receipts"
        " where tenant_id = %s and status = 'needs_review' and deleted_at is null",
        (tenant_id,),
    ).fetchone()
    csv = b"".join(csv_fi_chunks(conn, tenant_id, period))
    values = tuple(month.total for month in months)
    return ReportData(
        tenant_name=str(name_row["name"]) if name_row else "",
        period=period,
        deductible_vat=summary.deductible_vat,
        due_date=period.due_date.isoformat(),
        total=spent.total.current,
        previous_total=spent.total.previous,
        categories=tuple(
            CategoryLine(g.name, g.amounts.current, g.amounts.previous)
            for g in spent.by_category[:MAX_CATEGORIES]
        ),
        trend=values,
        waiting_review=int(waiting["n"]) if waiting else 0,
        csv=csv,
        chart=bar_chart(values),
    )


def money(value: Decimal, locale: Locale) -> str:
    """``1 234,50 €`` (fi, sv) or ``€1,234.50`` (en), exact to the cent."""
    text = f"{value.quantize(Decimal('0.01')):,.2f}"
    if locale == "en":
        return f"€{text}"
    return text.replace(",", "\u00a0").replace(".", ",") + "\u00a0€"


_CELL = "padding:6px 8px;border-bottom:1px solid #e4e4e7"
_NUMBER = f"{_CELL};text-align:right;white-space:nowrap"


def _row(label: str, value: str, *, strong: bool = False) -> str:
    weight = "font-weight:bold;" if strong else ""
    return (
        f'<tr><td style="{_CELL};{weight}">{html.escape(label)}</td>'
        f'<td style="{_NUMBER};{weight}">{html.escape(value)}</td></tr>'
    )


def compose(data: ReportData, locale: Locale, app_url: str) -> tuple[Rendered, tuple[Attachment, ...]]:
    """The message in ``locale`` and its attachments (the inline chart and the CSV)."""
    labels = _LABELS[locale]
    table = 'style="width:100%;border-collapse:collapse;margin:0 0 16px;font-size:15px"'
    summary_rows = [
        _row(labels["vat"], money(data.deductible_vat, locale), strong=True),
        _row(labels["due"], data.due_date),
        _row(labels["expenses"], money(data.total, locale)),
        _row(labels["previous"], money(data.previous_total, locale)),
        _row(labels["review"], str(data.waiting_review)),
    ]
    category_rows = "".join(
        f'<tr><td style="{_CELL};word-break:break-word">{html.escape(c.name)}</td>'
        f'<td style="{_NUMBER}">{html.escape(money(c.current, locale))}</td>'
        f'<td style="{_NUMBER};color:#71717a">{html.escape(money(c.previous, locale))}</td></tr>'
        for c in data.categories
    )
    extra_html = (
        f"<table {table}>{''.join(summary_rows)}</table>"
        f'<h2 style="font-size:17px;margin:24px 0 8px">{html.escape(labels["expenses"])}</h2>'
        f"<table {table}><tr>"
        f'<th style="text-align:left;padding:6px 8px">{html.escape(labels["category"])}</th>'
        f'<th style="text-align:right;padding:6px 8px">{html.escape(data.period.label)}</th>'
        f'<th style="text-align:right;padding:6px 8px">{html.escape(data.period.previous().label)}</th></tr>'
        f"{category_rows}</table>"
        f'<h2 style="font-size:17px;margin:24px 0 8px">{html.escape(labels["trend"])}</h2>'
        f'<img src="cid:{CHART_CONTENT_ID}" alt="{html.escape(labels["trend"])}" width="560" '
        'style="display:block;width:100%;max-width:560px;height:auto;border:0">'
        f'<p style="margin:16px 0">{html.escape(labels["csv"])}</p>'
    )
    text_lines = [
        f"{labels['vat']}: {money(data.deductible_vat, locale)}",
        f"{labels['due']}: {data.due_date}",
        f"{labels['expenses']}: {money(data.total, locale)}",
        f"{labels['previous']}: {money(data.previous_total, locale)}",
        f"{labels['review']}: {data.waiting_review}",
        "",
        *(f"- {c.name}: {money(c.current, locale)} ({money(c.previous, locale)})" for c in data.categories),
        "",
        labels["csv"],
    ]
    rendered = render(
        "monthly_report",
        locale,
        {"tenant": data.tenant_name, "period": data.period.label, "url": f"{app_url}/finance"},
        extra_html=extra_html,
        extra_text="\n".join(text_lines),
    )
    attachments = (
        Attachment("trend.png", data.chart, "image/png", CHART_CONTENT_ID),
        Attachment(f"docflow-{data.period.label}.csv", data.csv, "text/csv"),
    )
    return rendered, attachments
