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
from docflow.finance.sql import IS_FOREIGN, SHARE, booked_cte, has_filed_periods, rate_valid

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
joined as (
  select b.id, b.correction_of, b.status, b.business_id, b.total, b.currency, b.category, b.fields,
         b.warnings, v.rate, v.net, v.tax, v.gross,
         row_number() over receipt = 1 as first_of_receipt,
         row_number() over (partition by b.id, v.rate) = 1 as first_of_rate,
         count(v.rate) over receipt as n,
         sum(v.gross) over receipt as gross_sum,
         bool_and(abs(v.net + v.tax - v.gross) <= 0.01
                  and abs(round(v.net * v.rate / 100, 2) - v.tax) <= 0.02
                  and {rate_valid}) over receipt as rows_ok
    from booked b
    left join public.receipt_vat_rows v on v.tenant_id = %(tenant)s and v.receipt_id = b.id
  window receipt as (partition by b.id)
),
classified as (
  select j.first_of_receipt, j.first_of_rate, j.correction_of, j.currency, j.rate, j.net, j.tax, j.gross,
         coalesce(upper(nullif(j.fields #>> '{{country,value}}', '')), 'unknown') as country,
         {share} as share,
         case
           when j.status <> all (array['processed', 'needs_review']) then 'not_processed'
           when j.status = 'needs_review' then 'needs_review'
           when {foreign} then 'foreign'
           when j.n = 0 then 'no_vat_rows'
           when j.business_id is null then 'no_business_id'
           when j.total is null or not j.rows_ok or abs(j.gross_sum - j.total) > 0.01 * j.n
             then 'vat_rows_do_not_add_up'
           when coalesce(c.vat_treatment, 'deductible') = 'not_deductible' then 'not_deductible'
           else 'counted'
         end as reason
    from joined j
    left join public.expense_categories c on c.tenant_id = %(tenant)s and c.code = lower(j.category)
)
select grouping(k.country, k.currency, k.rate, k.correction_of) as summary_row,
       k.reason, k.country, k.currency, k.rate, k.correction_of,
       count(*) filter (where k.first_of_receipt) as receipts,
       count(*) filter (where k.first_of_rate) as receipts_with_rate,
       sum(k.net) as net, sum(k.tax) as tax, sum(k.gross) as gross,
       sum(round(k.tax * k.share, 2)) as deductible
  from classified k
 group by grouping sets ((k.reason, k.country, k.currency, k.rate, k.correction_of), (k.reason))
"""

# The foreign test reads the joined receipt ``j``; the share its category ``c``.
_FOREIGN_J = IS_FOREIGN.replace("r.", "j.")


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


def summary_query(*, with_locks: bool = True) -> Any:
    """The composed summary statement (parameters ``tenant``, ``start``, ``end``); ``with_locks``
    False is the simpler statement for a tenant that has filed no period."""
    from docflow.db.compose import statement

    return statement(
        _SUMMARY,
        booked=booked_cte(with_locks=with_locks),
        rate_valid=rate_valid("v.rate", "b.receipt_date"),
        share=SHARE,
        foreign=_FOREIGN_J,
    )


def vat_summary(conn: Connection, tenant_id: uuid.UUID, period: VatPeriod) -> VatSummary:
    """The summary of ``period`` for the tenant, read under the caller's row level security."""
    query = summary_query(with_locks=has_filed_periods(conn, tenant_id))
    rows = conn.execute(query, {"tenant": tenant_id, "start": period.start, "end": period.end}).fetchall()
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
            line[4] += row["receipts_with_rate"]
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
