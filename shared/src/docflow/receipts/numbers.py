"""Money amounts as printed on receipts: decimal comma or dot, thousands separators, currency marks.

Every amount a receipt prints has two decimals, so only such tokens count as money; that keeps
quantities, phone numbers and dates out. Values are ``Decimal`` quantised to cents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

CENT = Decimal("0.01")

#: Currency marks as printed, mapped to ISO 4217 codes.
CURRENCY_MARKS: dict[str, str] = {
    "€": "EUR",
    "EUR": "EUR",
    "EURO": "EUR",
    "EUROA": "EUR",
    "RM": "MYR",
    "MYR": "MYR",
    "$": "USD",
    "USD": "USD",
    "SEK": "SEK",
    "KR": "SEK",
    "NOK": "NOK",
    "DKK": "DKK",
    "£": "GBP",
    "GBP": "GBP",
}

_CURRENCY = r"(?:€|EUR(?:OA?)?|RM|MYR|\$|USD|SEK|NOK|DKK|KR|£|GBP)"
_AMOUNT = re.compile(
    rf"""
    (?<![\w.,])
    (?:(?P<pre>{_CURRENCY})\s?)?
    (?P<sign>[-−–])?\s?
    (?P<int>
        \d{{1,3}}(?:(?P<sep>[.,'\u00a0\u202f])\d{{3}})+
        |\d{{1,3}}(?:\ \d{{3}})+(?=[.,]\d\d\s?{_CURRENCY})
        |\d+
    )
    [.,]\ ?(?P<dec>\d{{2}})
    (?![\d]|[.,:/]\d)
    (?P<trail>-(?!\d))?
    (?:\s?(?P<post>{_CURRENCY})(?![A-Za-z]))?
    """,
    re.VERBOSE | re.IGNORECASE,
)
_STANDALONE_SPACES = re.compile(r"(?<=\d)[ \u00a0\u202f](?=\d{3}(?:\D|$))")


@dataclass(frozen=True, slots=True)
class AmountMatch:
    """An amount found in a line: its value, where it is, and the currency printed next to it."""

    value: Decimal
    start: int
    end: int
    currency: str | None = None


def find_amounts(text: str) -> list[AmountMatch]:
    """Every money amount in ``text``, left to right."""
    found: list[AmountMatch] = []
    for match in _AMOUNT.finditer(text):
        integer = re.sub(r"\D", "", match["int"])
        sep = match["sep"]
        decimal_sep = match.group(0)[
            match.end("int") - match.start() : match.start("dec") - match.start()
        ].strip()
        if sep is not None and sep == decimal_sep:
            continue
        try:
            value = Decimal(f"{integer}.{match['dec']}")
        except InvalidOperation:  # pragma: no cover - the pattern only admits digits
            continue
        if match["sign"] or match["trail"]:
            value = -value
        mark = match["pre"] or match["post"]
        currency = CURRENCY_MARKS.get(mark.upper()) if mark else None
        found.append(AmountMatch(value.quantize(CENT), match.start(), match.end(), currency))
    return found


def parse_amount(text: str) -> Decimal | None:
    """The single amount a string holds (``"RM41.45"``, ``"1 234,56 €"``, ``"12.3"``), else ``None``."""
    cleaned = _STANDALONE_SPACES.sub("", text.strip())
    matches = find_amounts(cleaned)
    if len(matches) == 1:
        return matches[0].value
    bare = re.fullmatch(
        rf"(?:{_CURRENCY})?\s*(-?\d+)(?:[.,](\d))?\s*(?:{_CURRENCY})?", cleaned, re.IGNORECASE
    )
    if bare is None or matches:
        return None
    return Decimal(f"{bare[1]}.{bare[2] or '0'}").quantize(CENT)


def currency_of(text: str) -> str | None:
    """The ISO code of the first currency mark printed next to an amount in ``text``."""
    for match in find_amounts(text):
        if match.currency:
            return match.currency
    return None
