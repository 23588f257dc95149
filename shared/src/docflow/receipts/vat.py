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


#: Each rate and the one that replaced it (or that it replaced): a row printed with one of a pair
#: belongs to the pair's other rate when only that one applies on the receipt's date.
RATE_SUCCESSORS: dict[Decimal, Decimal] = {
    Decimal("24"): Decimal("25.5"),
    Decimal("25.5"): Decimal("24"),
    Decimal("14"): Decimal("13.5"),
    Decimal("13.5"): Decimal("14"),
}


#: How far a printed tax may be from ``net x rate`` and still fit: two cents or half a percent of it
#: (receipts round per line or per total).
TAX_TOLERANCE = Decimal("0.02")
TAX_TOLERANCE_SHARE = Decimal("0.005")


def tax_fits_rate(rate: Decimal, net: Decimal, tax: Decimal, *, strict: bool = False) -> bool:
    """Whether ``tax`` is ``rate`` percent of ``net``: within the rounding tolerance, or within a cent
    when ``strict``."""
    expected = net * rate / 100
    if strict:
        return abs(expected - tax) <= Decimal("0.01")
    return abs(expected - tax) <= max(TAX_TOLERANCE, abs(expected) * TAX_TOLERANCE_SHARE)


def rate_for_date(rate: Decimal, net: Decimal, tax: Decimal, day: dt.date) -> Decimal | None:
    """The rate a row read as ``rate`` really has on ``day``, when the reading cannot be right.

    A rate that does not apply on ``day`` but whose neighbour (14 / 13.5 %, 24 / 25.5 %) does, on a
    row whose tax does not fit the rate read either, is an OCR misreading of the neighbour. A row
    whose tax fits the invalid rate was printed that way: ``None`` (the receipt gets a warning).
    """
    other = RATE_SUCCESSORS.get(rate)
    if other is None or is_valid_rate(rate, day) or not is_valid_rate(other, day):
        return None
    return None if tax_fits_rate(rate, net, tax, strict=True) else other
