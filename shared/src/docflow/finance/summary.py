"""The VAT summary of one period: the deductible VAT of the OmaVero return (*verokauden vähennettävä
vero*) per rate, what was left out and why, foreign VAT by country, non-deductible VAT and the due date.

A receipt counts when it is processed, Finnish, has a Y-tunnus and VAT rows that add up (each row
net + tax = gross, tax = net x rate to the cent, a rate valid on the receipt's date, the rows' gross
equal to the total), and its category allows a deduction. The deductible part of a row is its tax
times the category's share, rounded to the cent per row. Everything is exact ``Decimal``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from docflow.finance.periods import VatPeriod
from docflow.finance.sql import SHARE, booked_cte, has_filed_periods, rate_valid, rates_valid_throughout

if TYPE_CHECKING:
    from docflow.db import Connection

#: Why a receipt is left out, in the order the checks run.
LEFT_OUT_REASONS: tuple[str, ...] = (
    "not_processed",
    "needs_review",
    "foreign",
    "no_vat_rows",
    "no_business_id",
    "vat_rows_do_not_add_up",
    "not_deductible",
)
ZERO = Decimal("0.00")

_SUMMARY = """
with {booked},
shared as (
  select b.*, {share} as share, coalesce(c.vat_treatment, 'deductible') as treatment
    from booked b
    left join public.expense_categories c on c.tenant_id = %(tenant)s and c.code = lower(b.category)
),
per_receipt as ({per_receipt}),
classified as (
  select s.id, s.correction_of, s.country, s.currency, s.share,
         case
           when s.status <> all (array['processed', 'needs_review']) then 'not_processed'
           when s.status = 'needs_review' then 'needs_review'
           when s.is_foreign then 'foreign'
           when p.id is null then 'no_vat_rows'
           when s.business_id is null then 'no_business_id'
           when s.total is null or not p.rows_ok or abs(p.gross - s.total) > 0.01 * p.n
             then 'vat_rows_do_not_add_up'
           when s.treatment = 'not_deductible' then 'not_deductible'
           else 'counted'
         end as reason
    from shared s
    left join per_receipt p on p.id = s.id
)
select false as summary_row, k.reason, k.country, k.currency, v.rate, k.correction_of,
       count(*) as receipts, sum(v.net) as net, sum(v.tax) as tax, sum(v.gross) as gross,
       sum(round(v.tax * k.share, 2)) as deductible
  from classified k
  join public.receipt_vat_rows v on v.tenant_id = %(tenant)s and v.receipt_id = k.id
 group by k.reason, k.country, k.currency, v.rate, k.correction_of
union all
select true, k.reason, k.country, k.currency, null, k.correction_of, count(*), null, null, null, null
  from classified k
 group by k.reason, k.country, k.currency, k.correction_of
"""


#: Per receipt: its VAT rows, their gross and whether each row is arithmetic with a valid rate. When no
#: rate starts or ends inside the period, validity is one set of rates for every receipt (no join).
_PER_RECEIPT_SAME_RATES = """
  select v.receipt_id as id, count(*) as n, sum(v.gross) as gross,
         bool_and(v.arithmetic_ok and v.rate = any (%(rates)s::numeric[])) as rows_ok
    from booked b
    join public.receipt_vat_rows v on v.tenant_id = %(tenant)s and v.receipt_id = b.id
   group by v.receipt_id
"""
_PER_RECEIPT_BY_DATE = """
  select v.receipt_id as id, count(*) as n, sum(v.gross) as gross,
         bool_and(v.arithmetic_ok and {rate_valid}) as rows_ok
    from booked b
    join public.receipt_vat_rows v on v.tenant_id = %(tenant)s and v.receipt_id = b.id
   group by v.receipt_id
"""


@dataclass(frozen=True, slots=True)
class RateLine:
    """Counted VAT rows of one rate (``rows``: how many)."""

    rate: Decimal
    net: Decimal
    tax: Decimal
    gross: Decimal
    deductible: Decimal
    rows: int


@dataclass(frozen=True, slots=True)
class ForeignLine:
    """VAT of foreign receipts of one country and currency: never Finnish deductible VAT."""

    country: str
    currency: str
    receipts: int
    net: Decimal
    tax: Decimal
    gross: Decimal


@dataclass(frozen=True, slots=True)
class CorrectionLine:
    """Receipts of a filed period processed after its filing, booked in this period."""

    filed_period_start: dt.date
    receipts: int
    deductible: Decimal


@dataclass(frozen=True, slots=True)
class VatSummary:
    """Everything the purchases side of one period's VAT return needs."""

    period: VatPeriod
    deductible_vat: Decimal
    by_rate: tuple[RateLine, ...]
    receipts_counted: int
    left_out: dict[str, int]
    non_deductible_vat: Decimal
    foreign: tuple[ForeignLine, ...]
    corrections: tuple[CorrectionLine, ...]
    lock: dict[str, Any] | None = field(default=None)

    @property
    def left_out_total(self) -> int:
        """Receipts of the period that do not count."""
        return sum(self.left_out.values())


def _dec(value: object) -> Decimal:
    return ZERO if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def summary_query(period: VatPeriod, *, with_locks: bool = True) -> tuple[Any, dict[str, Any]]:
    """The composed summary statement of ``period`` and its extra parameters (``tenant``, ``start``
    and ``end`` are the caller's); ``with_locks`` False is the simpler statement for a tenant that has
    filed no period."""
    from docflow.db.compose import statement

    same_rates = rates_valid_throughout(period.start, period.end)
    if same_rates is None:
        per_receipt = statement(_PER_RECEIPT_BY_DATE, rate_valid=rate_valid("v.rate", "b.receipt_date"))
        extra: dict[str, Any] = {}
    else:
        per_receipt = statement(_PER_RECEIPT_SAME_RATES)
        extra = {"rates": sorted(same_rates)}
    query = statement(
        _SUMMARY, booked=booked_cte(with_locks=with_locks), per_receipt=per_receipt, share=SHARE
    )
    return query, extra


def vat_summary(conn: Connection, tenant_id: uuid.UUID, period: VatPeriod) -> VatSummary:
    """The summary of ``period`` for the tenant, read under the caller's row level security."""
    query, extra = summary_query(period, with_locks=has_filed_periods(conn, tenant_id))
    params = {"tenant": tenant_id, "start": period.start, "end": period.end, **extra}
    rows = conn.execute(query, params).fetchall()
    left_out = dict.fromkeys(LEFT_OUT_REASONS, 0)
    counted = 0
    by_rate: dict[Decimal, list[Any]] = {}
    foreign: dict[tuple[str, str], list[Any]] = {}
    corrections: dict[dt.date, list[Any]] = {}
    non_deductible = ZERO
    for row in rows:
        reason = row["reason"]
        if row["summary_row"]:  # receipts by reason, country, currency and filed period
            if reason == "counted":
                counted += row["receipts"]
                if row["correction_of"] is not None:
                    corrections.setdefault(row["correction_of"], [0, ZERO])[0] += row["receipts"]
            else:
                left_out[reason] += row["receipts"]
            if reason == "foreign":
                foreign.setdefault((row["country"], row["currency"]), [0, ZERO, ZERO, ZERO])[0] += row[
                    "receipts"
                ]
            continue
        tax, deductible = _dec(row["tax"]), _dec(row["deductible"])
        if reason == "counted":  # ``receipts`` counts VAT rows here
            line = by_rate.setdefault(Decimal(row["rate"]), [ZERO, ZERO, ZERO, ZERO, 0])
            for index, value in enumerate((row["net"], tax, row["gross"], deductible)):
                line[index] += _dec(value)
            line[4] += row["receipts"]
            non_deductible += tax - deductible
            if row["correction_of"] is not None:
                corrections.setdefault(row["correction_of"], [0, ZERO])[1] += deductible
        elif reason == "not_deductible":
            non_deductible += tax
        elif reason == "foreign":
            item = foreign.setdefault((row["country"], row["currency"]), [0, ZERO, ZERO, ZERO])
            for index, value in enumerate((row["net"], tax, row["gross"]), start=1):
                item[index] += _dec(value)
    lines = tuple(
        RateLine(rate=rate, net=v[0], tax=v[1], gross=v[2], deductible=v[3], rows=v[4])
        for rate, v in sorted(by_rate.items(), reverse=True)
    )
    return VatSummary(
        period=period,
        deductible_vat=sum((line.deductible for line in lines), ZERO),
        by_rate=lines,
        receipts_counted=counted,
        left_out=left_out,
        non_deductible_vat=non_deductible,
        foreign=tuple(
            ForeignLine(country=country, currency=currency, receipts=v[0], net=v[1], tax=v[2], gross=v[3])
            for (country, currency), v in sorted(foreign.items())
        ),
        corrections=tuple(
            CorrectionLine(filed_period_start=start, receipts=v[0], deductible=v[1])
            for start, v in sorted(corrections.items())
        ),
    )
