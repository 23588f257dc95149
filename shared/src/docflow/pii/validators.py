"""Checksum and prefix validators for the identifiers the scrubber detects.

The checks are written out here instead of calling python-stdnum at run time: ``stdnum.iban`` loads its
country registry on first use (about 100 ms), too slow for the first log line of a cold Lambda. The unit
tests hold every validator against python-stdnum as the reference implementation.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

#: Henkilötunnus century signs and the century each one means.
HETU_CENTURIES: dict[str, int] = {
    "+": 1800,
    **dict.fromkeys("-YXWVU", 1900),
    **dict.fromkeys("ABCDEF", 2000),
}
_HETU_CHECK_CHARS = "0123456789ABCDEFHJKLMNPRSTUVWXY"
_CARD_SEPARATORS = re.compile(r"[ .-]")

#: IBAN length per country (ISO 13616 registry). A candidate from another country is not an IBAN.
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BI": 27,
    "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27, "DK": 18, "DO": 28,
    "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
    "GL": 18, "GR": 27, "GT": 28, "HN": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
    "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21,
    "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28,
    "NL": 18, "NO": 15, "OM": 23, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22,
    "RU": 33, "SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25,
    "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}  # fmt: skip


def is_valid_hetu(candidate: str) -> bool:
    """Whether ``DDMMYYCZZZQ`` is a henkilötunnus: real date, individual number 002-999, check character.

    Temporary numbers (900-999) count: they identify a person all the same.
    """
    code = candidate.upper()
    if len(code) != 11 or not (code[:6].isdigit() and code[7:10].isdigit()):
        return False
    century = HETU_CENTURIES.get(code[6])
    if century is None:
        return False
    day, month, year = int(code[0:2]), int(code[2:4]), int(code[4:6])
    try:
        datetime.date(century + year, month, day)
    except ValueError:
        return False
    if int(code[7:10]) < 2:
        return False
    return _HETU_CHECK_CHARS[int(code[:6] + code[7:10]) % 31] == code[10]


def is_valid_iban(candidate: str) -> bool:
    """Whether a compact or spaced IBAN has its country's length and passes ISO 7064 mod 97-10."""
    if len(candidate) > 42:  # 34 characters and eight spaces at most
        return False
    compact = candidate.replace(" ", "").upper()
    if IBAN_LENGTHS.get(compact[:2]) != len(compact) or not compact[2:4].isdigit():
        return False
    if not compact.isalnum() or not compact.isascii():
        return False
    rearranged = compact[4:] + compact[:4]
    digits = "".join(str(int(char, 36)) for char in rearranged)
    return int(digits) % 97 == 1


_LUHN_DOUBLED: dict[str, int] = {str(digit): (2 * digit) // 10 + (2 * digit) % 10 for digit in range(10)}


def luhn_ok(digits: str) -> bool:
    """Whether a string of ASCII digits passes the Luhn (mod 10) check."""
    total = sum(map(int, digits[-1::-2])) + sum(map(_LUHN_DOUBLED.__getitem__, digits[-2::-2]))
    return total % 10 == 0


#: Card schemes: name, whether a number's prefix is theirs, and the lengths they issue.
_CARD_SCHEMES: tuple[tuple[str, Callable[[str], bool], range], ...] = (
    ("visa", lambda d: d[0] == "4", range(16, 20, 3)),
    ("mastercard", lambda d: 51 <= int(d[:2]) <= 55 or 2221 <= int(d[:4]) <= 2720, range(16, 17)),
    ("amex", lambda d: d[:2] in {"34", "37"}, range(15, 16)),
    ("diners", lambda d: d[:2] in {"36", "38", "39"} or 300 <= int(d[:3]) <= 305, range(14, 20)),
    ("jcb", lambda d: 3528 <= int(d[:4]) <= 3589, range(16, 20)),
    ("discover", lambda d: d[:4] == "6011" or 644 <= int(d[:3]) <= 649 or d[:2] == "65", range(16, 20)),
    ("unionpay", lambda d: d[:2] == "62", range(16, 20)),
    ("maestro", lambda d: d[:2] == "50" or 56 <= int(d[:2]) <= 69, range(16, 20)),
)


def card_brand(digits: str) -> str | None:
    """The card scheme whose prefix and length ``digits`` fit, or ``None``.

    13-digit Visa and 12-13 digit Maestro numbers are not accepted: those schemes no longer issue them,
    and every EAN-13 barcode on a receipt would otherwise be one Luhn check away from being a card.
    """
    for name, has_prefix, lengths in _CARD_SCHEMES:
        if len(digits) in lengths and has_prefix(digits):
            return name
    return None


#: Group sizes cards are printed in besides fours (Amex 4-6-5, Diners 4-6-4).
_CARD_GROUPINGS: frozenset[tuple[int, ...]] = frozenset({(4, 6, 5), (4, 6, 4)})


def _is_card_grouping(groups: list[str]) -> bool:
    """Cards are printed whole, in fours (the last group shorter), or 4-6-5 / 4-6-4."""
    sizes = tuple(len(group) for group in groups)
    if len(sizes) == 1 or sizes in _CARD_GROUPINGS:
        return True
    return all(size == 4 for size in sizes[:-1]) and 1 <= sizes[-1] <= 4


def is_valid_card(candidate: str) -> bool:
    """Whether a card number (spaces, dashes or dots allowed) has a known scheme prefix and passes Luhn."""
    if not 14 <= len(candidate) <= 23:  # 19 digits and four separators at most
        return False
    groups = _CARD_SEPARATORS.split(candidate)
    digits = "".join(groups)
    if not (digits.isdigit() and digits.isascii() and 14 <= len(digits) <= 19):
        return False
    return _is_card_grouping(groups) and card_brand(digits) is not None and luhn_ok(digits)
