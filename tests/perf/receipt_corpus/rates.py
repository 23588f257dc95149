"""VAT rates by country, rate category and date, as the receipt's date of supply sets them.

Sources (checked for this corpus):
- Finland: general 24 % until 2024-08-31 and 25.5 % from 2024-09-01 (Act 474/2024); the 10 % goods
  (medicines, books, passenger transport, accommodation, culture and sport) moved to 14 % on 2025-01-01;
  14 % became 13.5 % on 2026-01-01; newspapers and periodicals stay at 10 %. vero.fi "Arvonlisäverokannat"
  and the project's REFERENCE.md, section 1.
- Sweden: 25 % general, 12 % food and restaurants, 6 % books, passenger transport and culture. Food
  (not alcohol, not restaurant service) is 6 % from 2026-04-01 to 2027-12-31 (Prop. 2025/26:55, "Tillfälligt
  sänkt mervärdesskatt på livsmedel"; Skatteverket "Momssatser").
- Estonia: general 22 % from 2024-01-01 and 24 % from 2025-07-01 (Käibemaksuseaduse muutmise seadus,
  RT I 2024; Maksu- ja Tolliamet "Käibemaksumäärad"); 9 % for medicines and books; accommodation 13 % from
  2025-01-01. Food in shops is at the general rate.
- Germany: 19 % general, 7 % food, books and local passenger transport (UStG section 12); restaurant food
  was 19 % in 2024 and 2025 and is 7 % from 2026-01-01 (Steueränderungsgesetz 2025, UStG section 12(2)
  no. 15); drinks in restaurants stay at 19 %.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

#: Rate categories an item can have; every country maps each to a rate on a date.
CATEGORIES = ("general", "food", "restaurant", "medicine", "transport", "periodical", "book", "alcohol")

FI_GENERAL_CHANGE = dt.date(2024, 9, 1)
FI_TEN_TO_FOURTEEN = dt.date(2025, 1, 1)
FI_REDUCED_CHANGE = dt.date(2026, 1, 1)
SE_FOOD_CUT = (dt.date(2026, 4, 1), dt.date(2027, 12, 31))
EE_GENERAL_CHANGE = dt.date(2025, 7, 1)
DE_RESTAURANT_CHANGE = dt.date(2026, 1, 1)

#: Dates around which a quarter mixes old and new rates; the corpus puts many receipts near them.
RATE_CHANGE_DATES = (
    FI_GENERAL_CHANGE,
    FI_TEN_TO_FOURTEEN,
    FI_REDUCED_CHANGE,
    EE_GENERAL_CHANGE,
    SE_FOOD_CUT[0],
)


def _fi(category: str, day: dt.date) -> Decimal:
    general = Decimal("24") if day < FI_GENERAL_CHANGE else Decimal("25.5")
    reduced = Decimal("14") if day < FI_REDUCED_CHANGE else Decimal("13.5")
    if category in ("general", "alcohol"):
        return general
    if category in ("food", "restaurant"):
        return reduced
    if category in ("medicine", "transport", "book"):
        return Decimal("10") if day < FI_TEN_TO_FOURTEEN else reduced
    return Decimal("10")  # periodical


def _se(category: str, day: dt.date) -> Decimal:
    if category in ("general", "alcohol"):
        return Decimal("25")
    if category == "food":
        return Decimal("6") if SE_FOOD_CUT[0] <= day <= SE_FOOD_CUT[1] else Decimal("12")
    if category == "restaurant":
        return Decimal("12")
    return Decimal(
        "6"
    )  # medicine (prescription medicines are exempt; others are 25 % in reality), transport, books


def _ee(category: str, day: dt.date) -> Decimal:
    if category in ("medicine", "book", "periodical"):
        return Decimal("9")
    return Decimal("22") if day < EE_GENERAL_CHANGE else Decimal("24")


def _de(category: str, day: dt.date) -> Decimal:
    if category in ("general", "alcohol", "medicine"):
        return Decimal("19")
    if category == "restaurant":
        return Decimal("19") if day < DE_RESTAURANT_CHANGE else Decimal("7")
    return Decimal("7")  # food, books, periodicals, local transport


_BY_COUNTRY = {"FI": _fi, "SE": _se, "EE": _ee, "DE": _de}
CURRENCY = {"FI": "EUR", "SE": "SEK", "EE": "EUR", "DE": "EUR"}


def vat_rate(country: str, category: str, day: dt.date) -> Decimal:
    """The VAT rate in percent for an item of ``category`` sold in ``country`` on ``day``."""
    if category not in CATEGORIES:
        raise ValueError(f"unknown rate category {category!r}")
    return _BY_COUNTRY[country](category, day)


def quarter(day: dt.date) -> str:
    """``2025Q4`` for a date in October-December 2025."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"
