"""VAT rates by country and date of supply: tables with validity dates, never an enum.

Sources (checked when the tables were written):
- Finland: Finnish Tax Administration (vero.fi), "Arvonlisäverokannat"; 24 % -> 25.5 % on 2024-09-01
  (HE 60/2024), 14 % -> 13.5 % on 2026-01-01 (2026 state budget, VM043:00/2025).
- Sweden: Skatteverket, "Momssatser": 25 %, 12 % (food, restaurants, hotels), 6 % (books, newspapers,
  passenger transport, culture).
- Estonia: Estonian Tax and Customs Board (emta.ee), "Käibemaksumäärad": 20 % -> 22 % on 2024-01-01,
  22 % -> 24 % on 2025-07-01; 9 % (books, medicines; press from 2025-01-01), 5 % press until
  2024-12-31, 13 % accommodation from 2025-01-01 (9 % before).
- Germany: UStG § 12; Zweites Corona-Steuerhilfegesetz: 16 % and 5 % from 2020-07-01 to 2020-12-31,
  19 % and 7 % otherwise.
"""

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

SWEDISH_VAT_RATES: tuple[VatRate, ...] = (
    VatRate(Decimal("25"), None, None, "general"),
    VatRate(Decimal("12"), None, None, "food, restaurants, hotels"),
    VatRate(Decimal("6"), None, None, "books, newspapers, passenger transport, culture"),
    VatRate(Decimal("0"), None, None, "exports, exempt supplies"),
)

ESTONIAN_VAT_RATES: tuple[VatRate, ...] = (
    VatRate(Decimal("20"), None, dt.date(2023, 12, 31), "general"),
    VatRate(Decimal("22"), dt.date(2024, 1, 1), dt.date(2025, 6, 30), "general"),
    VatRate(Decimal("24"), dt.date(2025, 7, 1), None, "general"),
    VatRate(Decimal("9"), None, None, "books, medicines; accommodation until 2024; press from 2025"),
    VatRate(Decimal("13"), dt.date(2025, 1, 1), None, "accommodation"),
    VatRate(Decimal("5"), None, dt.date(2024, 12, 31), "press publications"),
    VatRate(Decimal("0"), None, None, "exports, intra-EU supplies"),
)

GERMAN_VAT_RATES: tuple[VatRate, ...] = (
    VatRate(Decimal("19"), None, dt.date(2020, 6, 30), "general"),
    VatRate(Decimal("16"), dt.date(2020, 7, 1), dt.date(2020, 12, 31), "general (temporary cut)"),
    VatRate(Decimal("19"), dt.date(2021, 1, 1), None, "general"),
    VatRate(Decimal("7"), None, dt.date(2020, 6, 30), "food, books, transport"),
    VatRate(Decimal("5"), dt.date(2020, 7, 1), dt.date(2020, 12, 31), "food, books (temporary cut)"),
    VatRate(Decimal("7"), dt.date(2021, 1, 1), None, "food, books, transport"),
    VatRate(Decimal("0"), None, None, "exports, exempt supplies"),
)

NORWEGIAN_VAT_RATES: tuple[VatRate, ...] = (
    VatRate(Decimal("25"), None, None, "general"),
    VatRate(Decimal("15"), None, None, "food"),
    VatRate(Decimal("12"), None, None, "passenger transport, accommodation, culture"),
    VatRate(Decimal("0"), None, None, "exports, books, newspapers"),
)

DANISH_VAT_RATES: tuple[VatRate, ...] = (
    VatRate(Decimal("25"), None, None, "general"),
    VatRate(Decimal("0"), None, None, "exports, newspapers"),
)

#: The rate tables by ISO 3166 country code: every country the detector (``country.py``) recognises.
VAT_RATES: dict[str, tuple[VatRate, ...]] = {
    "FI": FINNISH_VAT_RATES,
    "SE": SWEDISH_VAT_RATES,
    "EE": ESTONIAN_VAT_RATES,
    "DE": GERMAN_VAT_RATES,
    "NO": NORWEGIAN_VAT_RATES,
    "DK": DANISH_VAT_RATES,
}

#: The country whose VAT is deductible in the books DocFlow keeps.
HOME_COUNTRY = "FI"


#: Every country's rates: what a receipt of unknown country may print.
ANY_COUNTRY_RATES: tuple[VatRate, ...] = tuple(rate for table in VAT_RATES.values() for rate in table)


def rate_table(country: str | None) -> tuple[VatRate, ...]:
    """The rate table of ``country``; every country's rates when it is unknown (``None``) or has no
    table, so that a rate is never bent to a country the receipt may not be from."""
    if country is None:
        return ANY_COUNTRY_RATES
    return VAT_RATES.get(country, ANY_COUNTRY_RATES)


def known_rates(country: str | None = None) -> frozenset[Decimal]:
    """Every rate that has ever been in ``country``'s table, for recognising a rate column."""
    return frozenset(rate.rate for rate in rate_table(country))


#: Every rate that has ever been in the Finnish table.
KNOWN_RATES: frozenset[Decimal] = known_rates(HOME_COUNTRY)


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


def rate_for_date(
    rate: Decimal, net: Decimal, tax: Decimal, day: dt.date, country: str | None = None
) -> Decimal | None:
    """The rate a row read as ``rate`` really has on ``day``, when the reading cannot be right.

    A rate that does not apply on ``day`` but whose neighbour (14 / 13.5 %, 24 / 25.5 %) does, on a
    row whose tax does not fit the rate read either, is an OCR misreading of the neighbour. A row
    whose tax fits the invalid rate was printed that way: ``None`` (the receipt gets a warning).
    Only Finnish rates are repaired: a Swedish 25 % row is never read as 25.5 %.
    """
    if (country or HOME_COUNTRY) != HOME_COUNTRY:
        return None
    other = RATE_SUCCESSORS.get(rate)
    if other is None or is_valid_rate(rate, day) or not is_valid_rate(other, day):
        return None
    return None if tax_fits_rate(rate, net, tax, strict=True) else other
