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
from docflow.finance.sql import IS_FOREIGN, SHARE, booked_cte, rate_table

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
rates (rate, valid_from, valid_to) as ({rates}),
vat as (
  select v.receipt_id, v.rate, v.net, v.tax, v.gross
    from public.receipt_vat_rows v
   where v.tenant_id = %(tenant)s and v.receipt_id in (select id from booked)
),
per_receipt as (
  select v.receipt_id, count(*) as n, sum(v.gross) as gross,
         bool_and(abs(v.net + v.tax - v.gross) <= 0.01
                  and abs(round(v.net * v.rate / 100, 2) - v.tax) <= 0.02
                  and exists (select from rates
                               where rates.rate = v.rate
                                 and b.receipt_date between rates.valid_from and rates.valid_to)) as rows_ok
    from vat v join booked b on b.id = v.receipt_id
   group by v.receipt_id
),
classified as (
  select b.id, b.correction_of, b.currency,
         coalesce(upper(nullif(b.fields #>> '{{country,value}}', '')), 'unknown') as country,
         {share} as share,
         case
           when b.status <> all (array['processed', 'needs_review']) then 'not_processed'
           when b.status = 'needs_review' then 'needs_review'
           when {foreign} then 'foreign'
           when p.receipt_id is null then 'no_vat_rows'
           when b.business_id is null then 'no_business_id'
           when b.total is null or not p.rows_ok or abs(p.gross - b.total) > 0.01 * p.n
             then 'vat_rows_do_not_add_up'
           when coalesce(c.vat_treatment, 'deductible') = 'not_deductible' then 'not_deductible'
           else 'counted'
         end as reason
    from booked b
    left join per_receipt p on p.receipt_id = b.id
    left join public.expense_categories c on c.tenant_id = %(tenant)s and c.code = lower(b.category)
)
select grouping(k.country, k.currency, v.rate, k.correction_of) as summary_row,
       k.reason, k.country, k.currency, v.rate, k.correction_of,
       count(distinct k.id) as receipts,
       sum(v.net) as net, sum(v.tax) as tax, sum(v.gross) as gross,
       sum(round(v.tax * k.share, 2)) as deductible
  from classified k
  left join vat v on v.receipt_id = k.id
 group by grouping sets ((k.reason, k.country, k.currency, v.rate, k.correction_of), (k.reason))
"""

# The foreign test and the share read the booked receipt ``b`` and its category ``c``.
_FOREIGN_B = IS_FOREIGN.replace("r.", "b.")


@dataclass(frozen=True, slots=True)
class RateLine:
    """Counted VAT rows of one rate."""

    rate: Decimal
    net: Decimal
    tax: Decimal
    gross: Decimal
    deductible: Decimal
    receipts: int


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


def summary_query() -> Any:
    """The composed summary statement (parameters ``tenant``, ``start``, ``end``)."""
    from docflow.db.compose import statement

    return statement(_SUMMARY, booked=booked_cte(), rates=rate_table(), share=SHARE, foreign=_FOREIGN_B)


def vat_summary(conn: Connection, tenant_id: uuid.UUID, period: VatPeriod) -> VatSummary:
    """The summary of ``period`` for the tenant, read under the caller's row level security."""
    rows = conn.execute(
        summary_query(), {"tenant": tenant_id, "start": period.start, "end": period.end}
    ).fetchall()
    left_out = dict.fromkeys(LEFT_OUT_REASONS, 0)
    counted = 0
    by_rate: dict[Decimal, list[Any]] = {}
    foreign: dict[tuple[str, str], list[Any]] = {}
    corrections: dict[dt.date, list[Any]] = {}
    non_deductible = ZERO
    for row in rows:
        reason = row["reason"]
        if row["summary_row"]:
            if reason == "counted":
                counted = row["receipts"]
            else:
                left_out[reason] = row["receipts"]
            continue
        tax, deductible = _dec(row["tax"]), _dec(row["deductible"])
        if reason == "counted" and row["rate"] is not None:
            line = by_rate.setdefault(Decimal(row["rate"]), [ZERO, ZERO, ZERO, ZERO, 0])
            for index, value in enumerate((row["net"], tax, row["gross"], deductible)):
                line[index] += _dec(value)
            line[4] += row["receipts"]
            non_deductible += tax - deductible
            if row["correction_of"] is not None:
                fix = corrections.setdefault(row["correction_of"], [0, ZERO])
                fix[0] += row["receipts"]
                fix[1] += deductible
        elif reason == "not_deductible":
            non_deductible += tax
        elif reason == "foreign":
            item = foreign.setdefault((row["country"], row["currency"]), [0, ZERO, ZERO, ZERO])
            item[0] += row["receipts"]
            for index, value in enumerate((row["net"], tax, row["gross"]), start=1):
                item[index] += _dec(value)
    lines = tuple(
        RateLine(rate=rate, net=v[0], tax=v[1], gross=v[2], deductible=v[3], receipts=v[4])
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
