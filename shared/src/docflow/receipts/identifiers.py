"""Finnish business identifiers on receipts: Y-tunnus ``NNNNNNN-C`` and VAT number ``FINNNNNNNN``.

Check digits are validated with python-stdnum; OCR noise around the hyphen is tolerated, but a number
whose check digit fails is never returned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_YTUNNUS = re.compile(r"(?<![\d-])(\d{6,7})\s?[-‐‑–—]\s?(\d)(?!\d)")
_VAT_NUMBER = re.compile(r"(?<![A-Z0-9])F[I1l]\s?(\d{8})(?!\d)", re.IGNORECASE)
_LABEL = re.compile(r"y[-\s]?tunnus|y[-\s]?tun|fo[-\s]?nummer|business\s?id|org\.?\s?nr|ly[-\s]?tunnus", re.I)


@dataclass(frozen=True, slots=True)
class BusinessId:
    """A validated Y-tunnus (``1234567-8``) and whether it was printed next to its label."""

    value: str
    labelled: bool
    from_vat_number: bool = False


def is_valid_ytunnus(value: str) -> bool:
    """Whether ``value`` is a Y-tunnus with a correct check digit."""
    from stdnum.fi import ytunnus  # python-stdnum loads its registry modules: keep it off cold start

    return bool(ytunnus.is_valid(value))


def is_valid_vat_number(value: str) -> bool:
    """Whether ``value`` is a Finnish VAT number (``FI`` + 8 digits) with a correct check digit."""
    from stdnum.fi import alv

    return bool(alv.is_valid(value))


def vat_number_to_ytunnus(value: str) -> str:
    """``FI12345671`` -> ``1234567-1`` (the VAT number is the Y-tunnus without its hyphen)."""
    digits = re.sub(r"\D", "", value)
    return f"{digits[:7]}-{digits[7]}"


def find_business_ids(text: str) -> list[BusinessId]:
    """Valid Y-tunnus numbers in ``text``, whether printed as such or as a FI VAT number."""
    found: list[BusinessId] = []
    labelled = bool(_LABEL.search(text))
    for match in _YTUNNUS.finditer(text):
        candidate = f"{match[1].zfill(7)}-{match[2]}"
        if is_valid_ytunnus(candidate) and (labelled or len(match[1]) == 7):
            found.append(BusinessId(candidate, labelled))
    for match in _VAT_NUMBER.finditer(text):
        number = f"FI{match[1]}"
        if is_valid_vat_number(number):
            found.append(BusinessId(vat_number_to_ytunnus(number), labelled=True, from_vat_number=True))
    return found


def find_vat_numbers(text: str) -> list[str]:
    """Valid Finnish VAT numbers (``FI12345678``) in ``text``."""
    numbers = (f"FI{match[1]}" for match in _VAT_NUMBER.finditer(text))
    return [number for number in numbers if is_valid_vat_number(number)]
