"""VAT periods (month, quarter, year): parsing, the period containing a date, neighbours, due dates.

A period is written ``2026-01`` (month), ``2026-Q1`` (quarter) or ``2026`` (year). The return of a
monthly or quarterly period is due the 12th of the second month after it; a yearly return by the end
of February of the next year.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

PeriodKind = Literal["month", "quarter", "year"]
PERIOD_KINDS: tuple[PeriodKind, ...] = ("month", "quarter", "year")

#: The earliest and latest years a period may name.
FIRST_YEAR = 2000
LAST_YEAR = 2100

_PATTERN = re.compile(r"^(\d{4})(?:-(?:(0[1-9]|1[0-2])|Q([1-4])))?$")


class InvalidPeriod(ValueError):
    """A period label that is not ``YYYY``, ``YYYY-MM`` or ``YYYY-Qn`` within the supported years."""


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


@dataclass(frozen=True, slots=True, order=True)
class VatPeriod:
    """A VAT period: its first day and its kind (the last day follows)."""

    start: dt.date
    kind: PeriodKind

    @property
    def months(self) -> int:
        """How many months the period spans."""
        return {"month": 1, "quarter": 3, "year": 12}[self.kind]

    @property
    def end(self) -> dt.date:
        """The last day of the period."""
        return _month_end(_add_months(self.start, self.months - 1))

    @property
    def label(self) -> str:
        """``2026-01``, ``2026-Q1`` or ``2026``."""
        if self.kind == "month":
            return f"{self.start.year}-{self.start.month:02d}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return str(self.start.year)

    @property
    def due_date(self) -> dt.date:
        """When the return is due: the 12th of the second month after, or the end of February."""
        if self.kind == "year":
            year = self.start.year + 1
            return dt.date(year, 2, calendar.monthrange(year, 2)[1])
        return _add_months(self.end, 2).replace(day=12)

    def previous(self) -> VatPeriod:
        """The period of the same kind just before."""
        return VatPeriod(_add_months(self.start, -self.months), self.kind)

    def year_earlier(self) -> VatPeriod:
        """The same period a year earlier."""
        return VatPeriod(_add_months(self.start, -12), self.kind)

    def contains(self, day: dt.date) -> bool:
        """Whether ``day`` falls in the period."""
        return self.start <= day <= self.end


def parse_period(label: str) -> VatPeriod:
    """``2026-01`` / ``2026-Q1`` / ``2026`` -> the period (``InvalidPeriod`` otherwise)."""
    match = _PATTERN.match(label)
    if match is None:
        raise InvalidPeriod("a period is YYYY, YYYY-MM or YYYY-Qn")
    year = int(match.group(1))
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidPeriod(f"the year must be between {FIRST_YEAR} and {LAST_YEAR}")
    if match.group(2):
        return VatPeriod(dt.date(year, int(match.group(2)), 1), "month")
    if match.group(3):
        return VatPeriod(dt.date(year, (int(match.group(3)) - 1) * 3 + 1, 1), "quarter")
    return VatPeriod(dt.date(year, 1, 1), "year")


def period_containing(day: dt.date, kind: PeriodKind) -> VatPeriod:
    """The period of ``kind`` that ``day`` falls in."""
    if kind == "month":
        return VatPeriod(day.replace(day=1), kind)
    if kind == "quarter":
        return VatPeriod(dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1), kind)
    return VatPeriod(dt.date(day.year, 1, 1), kind)


def month_starts(last: dt.date, count: int) -> list[dt.date]:
    """The first days of the ``count`` months ending with the month of ``last``, oldest first."""
    first = _add_months(last.replace(day=1), -(count - 1))
    return [_add_months(first, i) for i in range(count)]
