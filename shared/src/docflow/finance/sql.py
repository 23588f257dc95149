"""SQL fragments the finance queries share: the receipts a VAT period books, the rate table, the
foreign test and the VAT share a category allows. Constant text only; values are bound by name."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, LiteralString

if TYPE_CHECKING:
    import uuid

    from psycopg import sql

    from docflow.db import Connection

#: Foreign: a country other than Finland, the pipeline's ``foreign_receipt`` warning, or not in euros.
IS_FOREIGN = (
    "(coalesce(upper(nullif(r.fields #>> '{country,value}', '')), 'FI') <> 'FI'"
    " or r.warnings @> '[{\"code\": \"foreign_receipt\"}]'::jsonb or r.currency <> 'EUR')"
)

#: The deductible share of a receipt's VAT from its category (``c``); no category: fully deductible.
SHARE = (
    "(case coalesce(c.vat_treatment, 'deductible') when 'not_deductible' then 0::numeric"
    " when 'partial' then c.deductible_share else 1::numeric end)"
)

#: The receipt facts the VAT summary reads (narrow rows: no JSON travels further).
RECEIPT_COLUMNS = (
    "r.id, r.status, r.receipt_date, r.business_id, r.total, r.currency, r.category,"
    " coalesce(upper(nullif(r.fields #>> '{country,value}', '')), 'unknown') as country,"
    " (coalesce(upper(nullif(r.fields #>> '{country,value}', '')), 'FI') <> 'FI'"
    " or r.warnings @> '[{\"code\": \"foreign_receipt\"}]'::jsonb or r.currency <> 'EUR') as is_foreign"
)

#: The receipts a period books, with ``correction_of`` (the filed period a late receipt belongs to):
#: those dated in the period, except receipts processed after a filing of their date's period; and
#: those processed (Helsinki date) in the period but dated in a filed period after its filing.
BOOKED_WITH_LOCKS = """
locks as (
  select period_start, period_end, locked_at from public.vat_period_locks where tenant_id = %(tenant)s
),
booked as (
  select {columns}, null::date as correction_of
    from public.receipts r
   where r.tenant_id = %(tenant)s and r.deleted_at is null
     and r.receipt_date between %(start)s and %(end)s
     and not exists (select from locks l
                      where r.receipt_date between l.period_start and l.period_end
                        and r.processed_at > l.locked_at)
  union all
  select {columns}, l.period_start as correction_of
    from locks l
    join public.receipts r
      on r.tenant_id = %(tenant)s and r.deleted_at is null
     and r.receipt_date between l.period_start and l.period_end and r.processed_at > l.locked_at
   where (r.processed_at at time zone 'Europe/Helsinki')::date between %(start)s and %(end)s
)
"""

#: The same for a tenant that has filed nothing: the receipts dated in the period.
BOOKED = """
booked as (
  select {columns}, null::date as correction_of
    from public.receipts r
   where r.tenant_id = %(tenant)s and r.deleted_at is null
     and r.receipt_date between %(start)s and %(end)s
)
"""


def booked_cte(*, with_locks: bool) -> sql.Composed:
    """The ``booked`` common table expression (and ``locks`` before it), without a leading ``with``."""
    from docflow.db.compose import statement

    return statement(BOOKED_WITH_LOCKS if with_locks else BOOKED, columns=RECEIPT_COLUMNS)


def has_filed_periods(conn: Connection, tenant_id: uuid.UUID) -> bool:
    """Whether the tenant has filed any VAT period (the simpler query serves a tenant that has not)."""
    row = conn.execute(
        "select exists (select from public.vat_period_locks where tenant_id = %s) as filed", (tenant_id,)
    ).fetchone()
    return bool(row and row["filed"])


def rate_valid(rate: LiteralString, day: LiteralString) -> sql.Composed:
    """A condition: ``rate`` is a Finnish VAT rate on ``day`` (from ``FINNISH_VAT_RATES``)."""
    from psycopg import sql

    from docflow.receipts.vat import FINNISH_VAT_RATES

    cases = []
    for vat_rate in FINNISH_VAT_RATES:
        parts = [sql.SQL("{} = {}").format(sql.SQL(rate), sql.Literal(vat_rate.rate))]
        if vat_rate.valid_from is not None:
            parts.append(sql.SQL("{} >= {}::date").format(sql.SQL(day), sql.Literal(vat_rate.valid_from)))
        if vat_rate.valid_to is not None:
            parts.append(sql.SQL("{} <= {}::date").format(sql.SQL(day), sql.Literal(vat_rate.valid_to)))
        cases.append(sql.SQL("({})").format(sql.SQL(" and ").join(parts)))
    return sql.SQL("({})").format(sql.SQL(" or ").join(cases))


def rates_valid_throughout(start: dt.date, end: dt.date) -> frozenset[Decimal] | None:
    """The Finnish rates valid on every day from ``start`` to ``end``, or ``None`` when a rate starts
    or ends inside the range (then validity depends on each receipt's date)."""
    from docflow.receipts.vat import FINNISH_VAT_RATES

    valid: set[Decimal] = set()
    for vat_rate in FINNISH_VAT_RATES:
        first, last = vat_rate.valid_on(start), vat_rate.valid_on(end)
        changes = (vat_rate.valid_from is not None and start < vat_rate.valid_from <= end) or (
            vat_rate.valid_to is not None and start <= vat_rate.valid_to < end
        )
        if changes or first != last:
            return None
        if first:
            valid.add(vat_rate.rate)
    return frozenset(valid)
