"""The accountant's export of a period: one journal row per VAT row, streamed from a server-side
cursor, in the Finnish CSV dialect or JSON.

The Finnish CSV follows the column names of Netvisor's accounting data import (*Kirjanpitotietojen
tuonti*: Tositelaji, Tositenumero, Päivämäärä, Selite, Tilinumero, Summa with ``+`` debit) and adds
the VAT code and rate, net, deductible tax, counter-account, merchant, Y-tunnus and the receipt's
id. Rows: processed receipts dated in the period. Each row debits the category's account (net plus
the VAT that is not deductible) and the VAT receivable account (the deductible tax); the gross
amount is credited to the counter-account.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, Literal

from docflow.csv_fi import BOM, fi_date, fi_decimal, fi_rate, line, safe_text
from docflow.finance.periods import VatPeriod
from docflow.finance.sql import IS_FOREIGN, SHARE

if TYPE_CHECKING:
    from docflow.db import Connection

ExportFormat = Literal["csv-fi", "json"]
MEDIA_TYPES: dict[str, str] = {"csv-fi": "text/csv; charset=utf-8", "json": "application/json"}

#: Accounts of the common Finnish chart of accounts used when nothing else says.
VAT_RECEIVABLE_ACCOUNT = "1763"
COUNTER_ACCOUNT = "1910"
UNCATEGORISED_ACCOUNT = "8500"
VOUCHER_TYPE = "Kuitti"
#: Netvisor's VAT codes: domestic purchases, and no VAT handling (foreign VAT, non-deductible).
VAT_CODE_DEDUCTIBLE = "KOOS"
VAT_CODE_NONE = "NONE"
#: Rows fetched from the cursor at a time.
FETCH_ROWS = 2000

HEADER = (
    "Tositelaji",
    "Tositenumero",
    "Päivämäärä",
    "Selite",
    "Tilinumero",
    "Summa",
    "ALV-koodi",
    "ALV %",
    "Veroton",
    "ALV",
    "Vähennettävä ALV",
    "Vastatili",
    "Myyjä",
    "Y-tunnus",
    "Kategoria",
    "Kuitti",
)

_ROWS = """
select dense_rank() over (order by r.receipt_date, r.created_at, r.id) as voucher,
       r.id as receipt_id, r.receipt_date, r.merchant, r.business_id, r.total, r.currency,
       coalesce(c.code, lower(r.category)) as category, coalesce(c.account, %(fallback)s) as account,
       {foreign} as is_foreign, {share} as share,
       v.position, v.rate, v.net, v.tax, v.gross
  from public.receipts r
  left join public.expense_categories c on c.tenant_id = r.tenant_id and c.code = lower(r.category)
  left join public.receipt_vat_rows v on v.tenant_id = r.tenant_id and v.receipt_id = r.id
 where r.tenant_id = %(tenant)s and r.deleted_at is null and r.status = 'processed'
   and r.receipt_date between %(start)s and %(end)s
 order by r.receipt_date, r.created_at, r.id, v.position
"""


@dataclass(frozen=True, slots=True)
class JournalRow:
    """One VAT row of a receipt as a journal entry."""

    voucher: int
    date: dt.date
    account: str
    debit: Decimal
    vat_code: str
    rate: Decimal | None
    net: Decimal
    tax: Decimal
    deductible: Decimal
    counter_account: str
    description: str
    merchant: str
    business_id: str
    category: str
    receipt_id: uuid.UUID
    currency: str

    def as_json(self) -> dict[str, Any]:
        """Decimals as strings with a dot, dates ISO."""
        return {
            "voucher": self.voucher,
            "date": self.date.isoformat(),
            "account": self.account,
            "debit": format(self.debit, "f"),
            "vat_code": self.vat_code,
            "vat_rate": None if self.rate is None else format(self.rate.normalize(), "f"),
            "net": format(self.net, "f"),
            "tax": format(self.tax, "f"),
            "deductible_tax": format(self.deductible, "f"),
            "counter_account": self.counter_account,
            "description": self.description,
            "merchant": self.merchant,
            "business_id": self.business_id,
            "category": self.category,
            "receipt_id": str(self.receipt_id),
            "currency": self.currency,
        }


def _cent(value: object) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def journal_row(row: dict[str, Any]) -> JournalRow:
    """A fetched row as a journal entry; a receipt without VAT rows gives one row of its total."""
    has_vat = row["rate"] is not None
    gross = _cent(row["gross"] if has_vat else (row["total"] or 0))
    tax = _cent(row["tax"]) if has_vat else Decimal("0.00")
    deductible = Decimal("0.00")
    if has_vat and not row["is_foreign"]:
        # Half away from zero, as PostgreSQL's round() in the VAT summary.
        deductible = (tax * Decimal(str(row["share"]))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    merchant = row["merchant"] or ""
    category = row["category"] or ""
    return JournalRow(
        voucher=int(row["voucher"]),
        date=row["receipt_date"],
        account=row["account"],
        debit=gross,
        vat_code=VAT_CODE_DEDUCTIBLE if deductible else VAT_CODE_NONE,
        rate=Decimal(str(row["rate"])) if has_vat else None,
        net=_cent(row["net"]) if has_vat else gross,
        tax=tax,
        deductible=deductible,
        counter_account=COUNTER_ACCOUNT,
        description=f"{merchant} / {category}" if category else merchant,
        merchant=merchant,
        business_id=row["business_id"] or "",
        category=category,
        receipt_id=row["receipt_id"],
        currency=row["currency"],
    )


def journal_rows(conn: Connection, tenant_id: uuid.UUID, period: VatPeriod) -> Iterator[JournalRow]:
    """The period's journal rows, fetched ``FETCH_ROWS`` at a time from a server-side cursor."""
    from docflow.db.compose import statement

    query = statement(_ROWS, foreign=IS_FOREIGN, share=SHARE)
    params = {
        "tenant": tenant_id,
        "start": period.start,
        "end": period.end,
        "fallback": UNCATEGORISED_ACCOUNT,
    }
    with conn.cursor(name=f"finance_export_{uuid.uuid4().hex}") as cursor:
        cursor.itersize = FETCH_ROWS
        cursor.execute(query, params)
        for row in cursor:
            yield journal_row(row)


def _csv_cells(row: JournalRow) -> tuple[str, ...]:
    return (
        VOUCHER_TYPE,
        str(row.voucher),
        fi_date(row.date),
        safe_text(row.description),
        row.account,
        fi_decimal(row.debit),
        row.vat_code,
        fi_rate(row.rate),
        fi_decimal(row.net),
        fi_decimal(row.tax),
        fi_decimal(row.deductible),
        row.counter_account,
        safe_text(row.merchant),
        row.business_id,
        safe_text(row.category),
        str(row.receipt_id),
    )


def render_csv_fi(rows: Iterable[JournalRow]) -> Iterator[str]:
    """The Finnish dialect, record by record; the first chunk carries the BOM."""
    yield BOM + line(HEADER)
    for row in rows:
        yield line(_csv_cells(row))


def render_json(rows: Iterable[JournalRow]) -> Iterator[str]:
    """``{"rows": [...]}``, one row per chunk."""
    yield '{"rows": ['
    for index, row in enumerate(rows):
        yield ("," if index else "") + json.dumps(row.as_json(), ensure_ascii=False)
    yield "]}\n"


def render(rows: Iterable[JournalRow], export_format: ExportFormat) -> Iterator[bytes]:
    """The export as UTF-8 chunks."""
    writer = render_csv_fi if export_format == "csv-fi" else render_json
    return (chunk.encode("utf-8") for chunk in writer(rows))
