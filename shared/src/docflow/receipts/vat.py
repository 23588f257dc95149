"""Finnish VAT (ALV) rates by date of supply: a table with validity dates, never an enum."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class VatRate:
    """A rate in percent, the first and last day it applies (``None``: open-ended) and what it covers."""

    rate: Decimal
    valid_from: dt.date | None
    valid_to: dt.date | None
    applies_to: str

    def valid_on(self, day: dt.date) -> bool:
        """Whether the rate applies on ``day``."""
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


FINNISH_VAT_RATES: tuple[VatRate, ...] = (
    VatRate(Decimal("24"), None, dt.date(2024, 8, 31), "general"),
    VatRate(Decimal("25.5"), dt.date(2024, 9, 1), None, "general"),
    VatRate(Decimal("14"), None, dt.date(2025, 12, 31), "food, restaurants, medicines, transport, books"),
    VatRate(Decimal("13.5"), dt.date(2026, 1, 1), None, "everything that was 14 %"),
    VatRate(
        Decimal("10"), None, None, "newspapers and periodicals; until 2024 also books, medicines, transport"
    ),
    VatRate(Decimal("0"), None, None, "exports, intra-EU B2B supplies, exempt supplies"),
)

#: Every rate that has ever been in the table, for recognising a rate column.
KNOWN_RATES: frozenset[Decimal] = frozenset(rate.rate for rate in FINNISH_VAT_RATES)


def rates_valid_on(day: dt.date, table: tuple[VatRate, ...] = FINNISH_VAT_RATES) -> frozenset[Decimal]:
    """The rates that apply on ``day``."""
    return frozenset(rate.rate for rate in table if rate.valid_on(day))


def is_valid_rate(rate: Decimal, day: dt.date, table: tuple[VatRate, ...] = FINNISH_VAT_RATES) -> bool:
    """Whether ``rate`` (percent) applies on ``day``."""
    return rate in rates_valid_on(day, table)
