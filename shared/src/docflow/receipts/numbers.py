"""Money amounts as printed on receipts: decimal comma or dot, thousands separators, currency marks.

Every amount a receipt prints has two decimals, so only such tokens count as money; that keeps
quantities, phone numbers and dates out. Values are ``Decimal`` quantised to cents.

Dot-matrix and faint print make the OCR read letters for digits (``D,1D`` for 0,10, ``5,BD`` for
5,80, ``434, 8]`` for 434,81). Inside a token shaped like an amount (digits and look-alike letters
around one decimal separator, at least one real digit) such letters are read as digits; those
amounts are marked ``repaired`` so that nothing built on them alone counts as sure. A word (``DB``,
``BOSS``) has no decimal separator and never becomes a number; an ``l`` after the decimals is a
litre (``1,5l``), never a digit.
"""

from __future__ import annotations

import dataclasses
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
#: Letters the OCR reads for digits in any number: ``O o Q D`` for 0, ``I l |`` for 1, ``S`` for 5 (or 8),
#: ``Z`` for 2, ``B`` for 8 (or 3), ``G`` for 6.
LOOKALIKE_LETTERS = "OoQDIl|SZBG"


def lookalike_table(*, s: str = "5", b: str = "8") -> dict[int, int]:
    """A ``str.translate`` table from :data:`LOOKALIKE_LETTERS` to digits, ``S`` read as ``s`` and ``B``
    as ``b``."""
    return str.maketrans(LOOKALIKE_LETTERS, f"0000111{s}2{b}6")


#: Digits the OCR reads for one another in faint, worn or dot-matrix print: the closed loops ``0 6 8 9``
#: (a stroke lost or added), ``3`` and ``5`` for a damaged ``8``, ``5`` and ``6``, ``1`` and ``7``. Used
#: only where an independent check (a date's calendar, the VAT rates in force) picks one reading.
DIGIT_LOOKALIKES: dict[str, str] = {
    "0": "689",
    "1": "7",
    "3": "8",
    "5": "68",
    "6": "058",
    "7": "1",
    "8": "03569",
    "9": "08",
}


def digit_variants(digits: str, positions: range | None = None) -> set[str]:
    """``digits`` with one digit (at ``positions``, default any) read as one of its look-alikes."""
    where = range(len(digits)) if positions is None else positions
    return {
        digits[:at] + other + digits[at + 1 :]
        for at in where
        for other in DIGIT_LOOKALIKES.get(digits[at], "")
    }


#: In an amount a closing bracket is a 1 too.
_LOOKALIKE_DIGITS = {**lookalike_table(), ord("]"): ord("1")}
_LOOK = r"[\dOoQDIl|\]SZBG]"
#: A token shaped like an amount with look-alike letters: the integer part is at most six characters,
#: the decimals exactly two (not ``l``, a litre), nothing word-like on either side.
_LOOKALIKE_AMOUNT = re.compile(
    rf"(?<![\w.,\]|])-?(?P<int>{_LOOK}{{1,6}})[.,]\ ?(?P<dec>{_LOOK}[\dOoQDI|\]SZBG])(?![\w.,\]|])"
)
_STANDALONE_SPACES = re.compile(r"(?<=\d)[ \u00a0\u202f](?=\d{3}(?:\D|$))")


@dataclass(frozen=True, slots=True)
class AmountMatch:
    """An amount found in a line: its value, where it is, and the currency printed next to it."""

    value: Decimal
    start: int
    end: int
    currency: str | None = None
    #: Read only after turning look-alike letters into digits (``5,BD`` for 5,80).
    repaired: bool = False


def find_amounts(text: str) -> list[AmountMatch]:
    """Every money amount in ``text``, left to right, look-alike letters read as digits where a token
    is shaped like an amount (see the module documentation)."""
    found = _amounts(text)
    repaired = repair_lookalikes(text)
    if repaired == text:
        return found
    taken = [range(match.start, match.end) for match in found]
    extra = [
        dataclasses.replace(match, repaired=True)
        for match in _amounts(repaired)
        if repaired[match.start : match.end] != text[match.start : match.end]
        and not any(match.start in span or match.end - 1 in span for span in taken)
    ]
    return sorted([*found, *extra], key=lambda match: match.start)


def repair_lookalikes(text: str) -> str:
    """``text`` with look-alike letters turned into digits inside amount-shaped tokens (same length)."""

    def digits(match: re.Match[str]) -> str:
        token = match[0]
        if not any(char.isdigit() for char in token) or not any(
            ord(char) in _LOOKALIKE_DIGITS for char in token
        ):
            return token
        if len(match["int"]) > 1 and not any(char.isdigit() for char in match["int"]):
            return token  # ``OS,10``: a word before a number, not a number
        return token.translate(_LOOKALIKE_DIGITS)

    return _LOOKALIKE_AMOUNT.sub(digits, text)


def _amounts(text: str) -> list[AmountMatch]:
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
