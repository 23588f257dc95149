"""The seller: merchant name and address from the receipt header.

The name is the header line with a legal-form or business word (``Oy``, ``Ab``, ``SDN BHD``, ``Ltd``,
``Ravintola`` ...), else the first line that reads like a name. A legal form printed on its own line
joins the line above, and a line ending in ``&`` joins the next. The address is the run of lines after
the name up to the first contact, registration or document line, joined with single spaces.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from docflow.receipts.dates import find_dates
from docflow.receipts.lines import TextLine, fold
from docflow.receipts.numbers import find_amounts
from docflow.receipts.vocabulary import COMPANY_MARK, NOT_MERCHANT

HEADER_LINES = 12
MAX_ADDRESS_LINES = 5

_LEGAL_FORM_ONLY = re.compile(r"^(?:SDN\.?\s?BHD\.?|BHD\.?|SDN|S/B|OYJ?|AB|KY|LTD\.?|LIMITED|INC\.?)$")
_STRONG_LEGAL_FORM = re.compile(
    r"(?<![A-Z])(?:SDN\.?\s?BHD\.?|BHD|OYJ|OY|AB|LTD|LIMITED|INC|S/B|TMI|KY)(?![A-Z])"
)
_EDGE_JUNK = re.compile(r"^[^\w(]+|[^\w.)&]+$")
_LEADING_JUNK = re.compile(r"^[^\w(]+")
_REGISTRATION_SUFFIX = re.compile(r"\s*\(?\s*\d{4,}[\d-]*-?\s?[A-Z]\s*\)?(?:\s*\(.*\))?\s*$")
_REGISTRATION_ANYWHERE = re.compile(r"\(\s*\d{3,}[\d-]*-?\s?[A-Z]\s*\)")
_CONTINUATION = re.compile(r"^(?:CO\.?|\(M\)|SDN|BHD|S/B|OYJ?|AB|LTD)(?![A-Z])")
_PHONE_PREFIX = re.compile(r"^[TF]\s?[:.]")
#: Header lines that are neither name nor address: ``Site: 1046``, ``Licensee of ...``.
_SKIP_IN_ADDRESS = re.compile(r"^[A-Z]+\s?:\s?\d+$|^LICENSEE\b")
_STRAY_BARS = re.compile(r"\s*\|\s*")
_REGISTRATION = re.compile(r"^\(?\s*[A-Z]{0,3}\s?\d[\d\s-]*-?\s?[A-Z]?\s*\)?[:;.]?$|^\(.*\d.*\)$")
_ADDRESS_STOP = re.compile(
    r"(?<![A-Z])(?:TEL|PUH|PHONE|FAX|GST|VAT|ALV|Y-?TUNNUS|FO-?NUMMER|BUSINESS\s?ID|E-?MAIL|WWW|HTTP|"
    r"INVOICE|RECEIPT|KUITTI|KVITTO|CASHIER|KASSA|REG|ROC|COMPANY|CO\.?\s?NO|DATE|PVM|DATUM|TABLE|ORDER|"
    r"BILL|DOC|TAX(?:INVOICE)?|SST|MYYJA|THANK|KIITOS|TACK|OPEN|AUKI|TELEPHONE|CARELINE|HOTLINE)(?![A-Z])"
)


@dataclass(frozen=True, slots=True)
class Party:
    """The merchant name, its line index and confidence, and the address with its confidence."""

    name: str | None
    name_index: int | None
    name_confidence: float
    address: str | None
    address_confidence: float


def _clean(text: str) -> str:
    return _EDGE_JUNK.sub("", text).strip()


_OCR_LEGAL_FORM_FIXES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bS[O0]N(\.?\s?)BHD\b"), r"SDN\1BHD"),
    (re.compile(r"(?<![\w/])5/B\b"), "S/B"),
    (re.compile(r"[’‘`]"), "'"),
)


def _clean_name(text: str) -> str:
    """A merchant line without edge junk or a trailing registration number, legal forms repaired."""
    name = _clean(_REGISTRATION_SUFFIX.sub("", text))
    for pattern, replacement in _OCR_LEGAL_FORM_FIXES:
        name = pattern.sub(replacement, name)
    return name


def _letters(text: str) -> int:
    return sum(char.isalpha() for char in text)


def _name_like(line: TextLine) -> bool:
    text = line.text
    compact = text.replace(" ", "")
    if _letters(text) < 3 or not compact:
        return False
    if _letters(compact) / len(compact) < 0.6 or line.confidence < 0.45:
        return False
    folded = line.folded
    return not (NOT_MERCHANT.search(folded) or find_amounts(text) or find_dates(text) or "@" in text)


def _name_score(index: int, line: TextLine) -> float:
    folded = line.folded
    score = 1.0 - 0.08 * index + 0.3 * line.confidence
    if COMPANY_MARK.search(folded):
        score += 2.0
    if _STRONG_LEGAL_FORM.search(folded):
        score += 1.0
    if line.text.islower():
        score -= 0.8
    if len(_clean(line.text)) < 4:
        score -= 0.5
    return score


def find_merchant(lines: Sequence[TextLine]) -> tuple[str, int, float] | None:
    """(name, line index, confidence) of the merchant, or ``None``."""
    header = lines[:HEADER_LINES]
    best: tuple[float, int] | None = None
    for index, line in enumerate(header):
        folded = line.folded
        is_candidate = _name_like(line) or (
            COMPANY_MARK.search(folded)
            and _letters(line.text) >= 4
            and not find_amounts(line.text)
            and "%" not in line.text
        )
        if not is_candidate or (NOT_MERCHANT.search(folded) and not COMPANY_MARK.search(folded)):
            continue
        score = _name_score(index, line)
        if best is None or score > best[0]:
            best = (score, index)
    if best is None:
        return None
    score, index = best
    parts = [_clean_name(header[index].text)]
    last = index
    if _CONTINUATION.match(fold(parts[0])) and index > 0 and _name_like(header[index - 1]):
        parts.insert(0, _clean_name(header[index - 1].text))
    if last + 1 < len(header):
        following = _clean_name(header[last + 1].text)
        if _LEGAL_FORM_ONLY.match(fold(following)) or (
            header[last].text.rstrip().endswith("&") and _name_like(header[last + 1])
        ):
            parts.append(following)
            last += 1
    name = " ".join(part for part in parts if part)
    if not name:
        return None
    confidence = min(0.95, 0.35 + 0.15 * score) * min(1.0, header[index].confidence + 0.2)
    return name, last, round(max(0.1, confidence), 3)


def find_address(lines: Sequence[TextLine], after: int) -> tuple[str, float] | None:
    """The address printed below the merchant line ``after``: (text, confidence), or ``None``."""
    collected: list[TextLine] = []
    for line in lines[after + 1 : after + 1 + MAX_ADDRESS_LINES + 2]:
        folded = line.folded
        if _ADDRESS_STOP.search(folded) or find_dates(line.text) or _PHONE_PREFIX.match(folded):
            if collected:
                break
            continue
        if (
            _SKIP_IN_ADDRESS.match(folded)
            or _REGISTRATION.match(folded)
            or _REGISTRATION_ANYWHERE.search(folded)
            or _letters(line.text) < 2
            or line.confidence < 0.3
        ):
            if collected:
                break
            continue
        collected.append(line)
        if len(collected) == MAX_ADDRESS_LINES:
            break
    if not collected or not any(char.isdigit() for line in collected for char in line.text):
        return None
    parts = (_STRAY_BARS.sub(" ", _LEADING_JUNK.sub("", line.text)).strip() for line in collected)
    text = " ".join(part for part in parts if part)
    confidence = sum(line.confidence for line in collected) / len(collected)
    return text, round(min(0.9, confidence * 0.9), 3)


def find_party(lines: Sequence[TextLine]) -> Party:
    """Merchant and address from the header lines."""
    merchant = find_merchant(lines)
    if merchant is None:
        return Party(None, None, 0.0, None, 0.0)
    name, index, confidence = merchant
    address = find_address(lines, index)
    return Party(name, index, confidence, address[0] if address else None, address[1] if address else 0.0)
