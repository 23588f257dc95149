"""Where the money went: expenses by category, merchant and client, the largest receipts and the
monthly trend, each figure beside the previous period and the same period a year earlier.

Expenses are the totals (VAT included) of processed receipts in euros, by the receipt's date.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from docflow.finance.periods import VatPeriod, month_starts

if TYPE_CHECKING:
    from docflow.db import Connection

#: Rows per breakdown (the largest by the current period) and largest receipts listed.
MAX_GROUPS = 20
MAX_LARGEST = 10
#: The trend covers at most this many months.
MAX_TREND_MONTHS = 24
ZERO = Decimal("0.00")

_EXPENSED = (
    "r.tenant_id = %(tenant)s and r.deleted_at is null and r.status = 'processed' and r.currency = 'EUR'"
)

_BREAKDOWN = """
with picked as (
  select coalesce(lower(r.category), '') as category, lower(coalesce(r.merchant, '')) as merchant_key,
         r.merchant, r.client_id, r.total,
         case when r.receipt_date between %(start)s and %(end)s then 0
              when r.receipt_date between %(prev_start)s and %(prev_end)s then 1 else 2 end as slot
    from public.receipts r
   where {expensed}
     and (r.receipt_date between %(start)s and %(end)s
          or r.receipt_date between %(prev_start)s and %(prev_end)s
          or r.receipt_date between %(year_start)s and %(year_end)s)
)
select grouping(category) as g_category, grouping(merchant_key) as g_merchant,
       grouping(client_id) as g_client,
       category, merchant_key, min(merchant) as merchant, client_id,
       coalesce(sum(total) filter (where slot = 0), 0) as current,
       count(*) filter (where slot = 0) as receipts,
       coalesce(sum(total) filter (where slot = 1), 0) as previous,
       coalesce(sum(total) filter (where slot = 2), 0) as year_earlier
  from picked
 group by grouping sets ((category), (merchant_key), (client_id), ())
"""

_LARGEST = """
select r.id, r.receipt_date, r.merchant, r.total, r.category
  from public.receipts r
 where {expensed} and r.receipt_date between %(start)s and %(end)s and r.total is not null
 order by r.total desc, r.id
 limit %(limit)s
"""

_TREND = """
select date_trunc('month', r.receipt_date)::date as month, sum(r.total) as total, count(*) as receipts
  from public.receipts r
 where {expensed} and r.receipt_date between %(start)s and %(end)s
 group by 1
"""


@dataclass(frozen=True, slots=True)
class Comparison:
    """One figure now, in the previous period and a year earlier."""

    current: Decimal
    previous: Decimal
    year_earlier: Decimal
    receipts: int


@dataclass(frozen=True, slots=True)
class Group:
    """One row of a breakdown: its key, a readable name and the comparison."""

    key: str
    name: str
    amounts: Comparison


@dataclass(frozen=True, slots=True)
class Expenses:
    """The period's expenses and their breakdowns."""

    period: VatPeriod
    total: Comparison
    by_category: tuple[Group, ...]
    by_merchant: tuple[Group, ...]
    by_client: tuple[Group, ...]
    largest: tuple[dict[str, Any], ...]


@dataclass(frozen=True, slots=True)
class TrendMonth:
    """Expenses of one month."""

    month: dt.date
    total: Decimal
    receipts: int


def _dec(value: object) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def _comparison(row: dict[str, Any]) -> Comparison:
    return Comparison(
        current=_dec(row["current"]),
        previous=_dec(row["previous"]),
        year_earlier=_dec(row["year_earlier"]),
        receipts=row["receipts"],
    )


def _top(groups: list[Group]) -> tuple[Group, ...]:
    ranked = sorted(groups, key=lambda g: (-g.amounts.current, -g.amounts.previous, g.key))
    return tuple(ranked[:MAX_GROUPS])


def expenses(conn: Connection, tenant_id: uuid.UUID, period: VatPeriod) -> Expenses:
    """The period's expenses by category, merchant and client, and its largest receipts."""
    from docflow.db.compose import statement

    previous, year = period.previous(), period.year_earlier()
    params = {
        "tenant": tenant_id,
        "start": period.start,
        "end": period.end,
        "prev_start": previous.start,
        "prev_end": previous.end,
        "year_start": year.start,
        "year_end": year.end,
    }
    rows = conn.execute(statement(_BREAKDOWN, expensed=_EXPENSED), params).fetchall()
    names = {
        row["code"]: row["name"]
        for row in conn.execute(
            "select code, name from public.expense_categories where tenant_id = %s", (tenant_id,)
        ).fetchall()
    }
    clients = {
        row["id"]: row["name"]
        for row in conn.execute(
            """
            select c.id, c.name from public.clients c
             where c.tenant_id = %s and c.id = any (%s)
            """,
            (tenant_id, [r["client_id"] for r in rows if r["client_id"] is not None]),
        ).fetchall()
    }
    total = Comparison(ZERO, ZERO, ZERO, 0)
    categories: list[Group] = []
    merchants: list[Group] = []
    by_client: list[Group] = []
    for row in rows:
        amounts = _comparison(row)
        if row["g_category"] and row["g_merchant"] and row["g_client"]:
            total = amounts
        elif not row["g_category"]:
            key = row["category"]
            categories.append(Group(key, str(names.get(key) or key or "uncategorised"), amounts))
        elif not row["g_merchant"]:
            merchants.append(Group(row["merchant_key"], row["merchant"] or "", amounts))
        elif row["client_id"] is not None:
            client = row["client_id"]
            by_client.append(Group(str(client), clients.get(client, ""), amounts))
    largest = conn.execute(
        statement(_LARGEST, expensed=_EXPENSED),
        {"tenant": tenant_id, "start": period.start, "end": period.end, "limit": MAX_LARGEST},
    ).fetchall()
    return Expenses(
        period=period,
        total=total,
        by_category=_top(categories),
        by_merchant=_top(merchants),
        by_client=_top(by_client),
        largest=tuple(dict(row) for row in largest),
    )


def trend(conn: Connection, tenant_id: uuid.UUID, last_month: dt.date, months: int = 12) -> list[TrendMonth]:
    """Expenses per month for the ``months`` months ending with ``last_month``, oldest first (every
    month present, empty ones as zero)."""
    from docflow.db.compose import statement

    starts = month_starts(last_month, months)
    end = month_starts(last_month, 1)[0]
    end = (end.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    rows = conn.execute(
        statement(_TREND, expensed=_EXPENSED), {"tenant": tenant_id, "start": starts[0], "end": end}
    ).fetchall()
    found = {row["month"]: row for row in rows}
    return [
        TrendMonth(
            month=start,
            total=_dec(found[start]["total"]) if start in found else ZERO,
            receipts=found[start]["receipts"] if start in found else 0,
        )
        for start in starts
    ]
