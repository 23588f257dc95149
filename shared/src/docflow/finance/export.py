"""The accountant's export of a period: one journal row per VAT row, written by PostgreSQL and streamed.

Rows: the processed receipts dated in the period, one per VAT row (a receipt without VAT rows gives
one row of its total), vouchers numbered by date. The database formats every cell (``COPY ... TO
STDOUT`` for the Finnish CSV, ``json_build_object`` for JSON) and the rows stream out in chunks, so
the file is never held whole in memory.

The Finnish CSV follows the column names of Netvisor's accounting data import (*Kirjanpitotietojen
tuonti*: Tositelaji, Tositenumero, Päivämäärä, Selite, Tilinumero, Summa with ``+`` debit) and adds the
VAT code and rate, net, tax, deductible tax, counter-account, merchant, Y-tunnus, category and the
receipt's id: UTF-8 with BOM, ``;``, decimal comma without thousands separator, ``DD.MM.YYYY``, text
cells a spreadsheet would run as a formula prefixed with ``'`` (:func:`docflow.spreadsheet.neutralize_sql`).
The deductible tax is the row's tax times the category's share, rounded half up per row, as in the
VAT summary; foreign and non-deductible rows deduct nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal

from docflow.csv_fi import BOM, DELIMITER
from docflow.finance.periods import VatPeriod
from docflow.finance.sql import IS_FOREIGN, SHARE
from docflow.spreadsheet import neutralize_sql

if TYPE_CHECKING:
    from psycopg import sql

    from docflow.db import Connection

ExportFormat = Literal["csv-fi", "json"]
MEDIA_TYPES: dict[str, str] = {"csv-fi": "text/csv; charset=utf-8", "json": "application/json"}

#: Accounts of the common Finnish chart of accounts used when nothing else says.
COUNTER_ACCOUNT = "1910"
UNCATEGORISED_ACCOUNT = "8500"
VOUCHER_TYPE = "Kuitti"
#: Netvisor's VAT codes: domestic purchases, and no VAT handling (foreign VAT, non-deductible).
VAT_CODE_DEDUCTIBLE = "KOOS"
VAT_CODE_NONE = "NONE"
#: JSON rows fetched from the server-side cursor at a time.
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

#: One row per VAT row with its deductible tax (``x``); the outer selects format it.
_BASE = """
select dense_rank() over (order by r.receipt_date, r.created_at, r.id) as voucher,
       r.id, r.receipt_date, coalesce(r.merchant, '') as merchant, coalesce(r.business_id, '') as business_id,
       r.currency, coalesce(lower(r.category), '') as category,
       coalesce(c.account, %(fallback)s) as account, v.position, v.rate,
       coalesce(v.gross, r.total, 0) as gross, coalesce(v.net, r.total, 0) as net, coalesce(v.tax, 0) as tax,
       case when v.rate is null or {foreign} then 0::numeric else round(v.tax * {share}, 2) end as deductible
  from public.receipts r
  left join public.expense_categories c on c.tenant_id = r.tenant_id and c.code = lower(r.category)
  left join public.receipt_vat_rows v on v.tenant_id = r.tenant_id and v.receipt_id = r.id
 where r.tenant_id = %(tenant)s and r.deleted_at is null and r.status = 'processed'
   and r.receipt_date between %(start)s and %(end)s
"""

_CSV = """
select %(voucher_type)s, x.voucher::text, to_char(x.receipt_date, 'DD.MM.YYYY'),
       {description}, x.account, {gross},
       case when x.deductible <> 0 then %(code_deductible)s else %(code_none)s end,
       case when x.rate is null then '' when x.rate = 0 then '0'
            else replace(rtrim(rtrim(x.rate::text, '0'), '.'), '.', ',') end,
       {net}, {tax}, {deductible}, %(counter)s, {merchant}, x.business_id, {category}, x.id::text
  from ({base}) x
 order by x.voucher, x.position
"""

_JSON = """
select json_build_object(
         'voucher', x.voucher, 'date', x.receipt_date, 'account', x.account, 'debit', x.gross::text,
         'vat_code', case when x.deductible <> 0 then %(code_deductible)s::text else %(code_none)s::text end,
         'vat_rate', case when x.rate is null then null when x.rate = 0 then '0'
                          else rtrim(rtrim(x.rate::text, '0'), '.') end,
         'net', x.net::text, 'tax', x.tax::text, 'deductible_tax', x.deductible::text,
         'counter_account', %(counter)s::text,
         'description', x.merchant || case when x.category <> '' then ' / ' || x.category else '' end,
         'merchant', x.merchant, 'business_id', x.business_id, 'category', x.category,
         'receipt_id', x.id, 'currency', x.currency)::text as line
  from ({base}) x
 order by x.voucher, x.position
"""


def _fi_decimal(column: str) -> sql.Composed:
    from psycopg import sql

    return sql.SQL("replace(({}::numeric(14, 2))::text, '.', ',')").format(sql.Identifier("x", column))


def _params(tenant_id: uuid.UUID, period: VatPeriod) -> dict[str, Any]:
    return {
        "tenant": tenant_id,
        "start": period.start,
        "end": period.end,
        "fallback": UNCATEGORISED_ACCOUNT,
        "voucher_type": VOUCHER_TYPE,
        "counter": COUNTER_ACCOUNT,
        "code_deductible": VAT_CODE_DEDUCTIBLE,
        "code_none": VAT_CODE_NONE,
    }


def csv_statement() -> sql.Composed:
    """The ``select`` whose rows are the Finnish CSV's records, cells formatted."""
    from psycopg import sql

    from docflow.db.compose import statement

    description = sql.SQL("x.merchant || case when x.category <> '' then ' / ' || x.category else '' end")
    return statement(
        _CSV,
        base=statement(_BASE, foreign=IS_FOREIGN, share=SHARE),
        description=neutralize_sql(description),
        merchant=neutralize_sql(sql.SQL("x.merchant")),
        category=neutralize_sql(sql.SQL("x.category")),
        gross=_fi_decimal("gross"),
        net=_fi_decimal("net"),
        tax=_fi_decimal("tax"),
        deductible=_fi_decimal("deductible"),
    )


def json_statement() -> sql.Composed:
    """The ``select`` whose rows are the JSON export's objects, as text."""
    from docflow.db.compose import statement

    return statement(_JSON, base=statement(_BASE, foreign=IS_FOREIGN, share=SHARE))


def header_line() -> str:
    """The CSV header record, as PostgreSQL's CSV writer would quote it."""
    return DELIMITER.join(HEADER) + "\n"


def csv_fi_chunks(conn: Connection, tenant_id: uuid.UUID, period: VatPeriod) -> Iterator[bytes]:
    """The Finnish CSV as PostgreSQL streams it (``COPY ... TO STDOUT``); the first chunk has the BOM."""
    from psycopg import sql

    yield (BOM + header_line()).encode("utf-8")
    copy = sql.SQL("copy ({}) to stdout with (format csv, delimiter {})").format(
        csv_statement(), sql.Literal(DELIMITER)
    )
    with conn.cursor() as cursor, cursor.copy(copy, _params(tenant_id, period)) as stream:
        for data in stream:
            yield bytes(data)


def json_chunks(conn: Connection, tenant_id: uuid.UUID, period: VatPeriod) -> Iterator[bytes]:
    """``{"rows": [...]}``, objects formatted by the database, fetched ``FETCH_ROWS`` at a time."""
    yield b'{"rows": ['
    with conn.cursor(name=f"finance_export_{uuid.uuid4().hex}") as cursor:
        cursor.itersize = FETCH_ROWS
        cursor.execute(json_statement(), _params(tenant_id, period))
        first = True
        while batch := cursor.fetchmany(FETCH_ROWS):
            lines = ",".join(row["line"] for row in batch)
            yield (lines if first else "," + lines).encode("utf-8")
            first = False
    yield b"]}\n"


def render(
    conn: Connection, tenant_id: uuid.UUID, period: VatPeriod, export_format: ExportFormat
) -> Iterator[bytes]:
    """The period's export as UTF-8 chunks."""
    if export_format == "csv-fi":
        return csv_fi_chunks(conn, tenant_id, period)
    return json_chunks(conn, tenant_id, period)
