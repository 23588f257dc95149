"""The VAT breakdown (ALV-erittely): rows of rate, net, tax and gross, whatever the column order.

A row is a rate (``14 %``, ``13,5%``, ``A 25,5 %``) followed by two or three amounts. The columns are
identified by arithmetic, not by position: net + tax = gross (within a cent) and tax = net x rate
(within rounding). A row whose amounts do not fit together is not a VAT row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from itertools import combinations, permutations, product

from docflow.receipts.lines import TextLine
from docflow.receipts.numbers import CENT, find_amounts
from docflow.receipts.vat import KNOWN_RATES
from docflow.receipts.vocabulary import VAT_HEADER, VAT_WORD

_RATE = re.compile(r"(?<![\d.,])(\d{1,2}(?:[.,]\d{1,2})?)\s?%")
_BARE_RATE = re.compile(r"^(?:[A-Z]\s)?(\d{1,2}(?:[.,]\d)?)(?:[.,]0{1,2})?(?=\s)")
_MAX_RATE = Decimal("30")
_RATE_TOLERANCE = Decimal("0.02")
#: An amount whose decimal comma the OCR read as another mark (``41:32``, ``5/58``).
_ODD_SEPARATOR = re.compile(r"\d{1,5}[.,:;/]\d{2}")
#: An amount whose decimal comma the OCR lost (``3232``) or read as a digit (``32732``).
_NO_SEPARATOR = re.compile(r"\d{3,6}")
_EDGE = re.compile(r"^\D+|\D+$")
#: At most this many columns are re-read, so the readings stay few (2 ** 4).
_MAX_REREAD_COLUMNS = 4


def _rate_of(text: str) -> tuple[Decimal | None, str]:
    """The rate printed in a row and the row text without it."""
    match = _RATE.search(text)
    if match:
        return _normal_rate(match[1]), text[: match.start()] + text[match.end() :]
    bare = _BARE_RATE.match(text)
    if bare:
        rate = _normal_rate(bare[1])
        if rate in KNOWN_RATES:
            return rate, text[bare.end() :]
    return None, text


def _normal_rate(text: str) -> Decimal:
    """``"14,00"`` -> ``14``, ``"13,50"`` -> ``13.5``."""
    rate = Decimal(text.replace(",", "."))
    if rate == rate.to_integral_value():
        return rate.quantize(Decimal(1))
    return rate.quantize(Decimal("0.1")) if rate * 10 == (rate * 10).to_integral_value() else rate


def _tax_fits(rate: Decimal, net: Decimal, tax: Decimal) -> bool:
    expected = net * rate / 100
    return abs(expected - tax) <= max(_RATE_TOLERANCE, abs(expected) * Decimal("0.005"))


def split_vat_amounts(rate: Decimal, amounts: Sequence[Decimal]) -> tuple[Decimal, Decimal, Decimal] | None:
    """(net, tax, gross) from a row's amounts in any order, or ``None`` when they do not fit the rate."""
    values = [value for value in amounts if value >= 0]
    if len(values) >= 3:
        for net, tax, gross in permutations(values[-3:], 3):
            if abs(net + tax - gross) <= CENT and _tax_fits(rate, net, tax):
                return net, tax, gross
        return None
    if len(values) == 2:
        first, second = values
        for net, tax in ((first, second), (second, first)):
            if tax < net and _tax_fits(rate, net, tax) and tax > 0:
                return net, tax, (net + tax).quantize(CENT)
        for tax, gross in ((first, second), (second, first)):
            if tax < gross and _tax_fits(rate, gross - tax, tax):
                return (gross - tax).quantize(CENT), tax, gross
        net, gross = min(values), max(values)
        if net < gross and _tax_fits(rate, net, gross - net):
            return net, (gross - net).quantize(CENT), gross
    return None


def _rates_to_try(rate: Decimal | None) -> list[Decimal]:
    """The printed rate when it is a known one; else the known rates nearest to it, then the printed one.

    ``25,55 %`` fits amounts at 25.5 % as well as at 25.55 %; the rate in the table wins.
    """
    if rate in KNOWN_RATES:
        assert rate is not None
        return [rate]
    printed = rate if rate is not None else Decimal(0)
    known = sorted(KNOWN_RATES - {Decimal(0)}, key=lambda candidate: (abs(candidate - printed), candidate))
    return known + ([rate] if rate is not None and rate <= _MAX_RATE else [])


def _column_readings(token: str) -> list[Decimal]:
    """The amounts a damaged VAT column may stand for: ``41:32`` -> 41.32, ``3232`` -> 32.32,
    ``32732`` -> 327.32 or 32.32 (a comma read as 7 or 1)."""
    token = _EDGE.sub("", token)
    if _ODD_SEPARATOR.fullmatch(token):
        return [Decimal(f"{token[:-3]}.{token[-2:]}").quantize(CENT)]
    if _NO_SEPARATOR.fullmatch(token):
        readings = [(Decimal(token) / 100).quantize(CENT)]
        if len(token) >= 4 and token[-3] in "71":
            readings.append((Decimal(token[:-3] + token[-2:]) / 100).quantize(CENT))
        return readings
    return []


def _reread_amounts(text: str) -> list[list[Decimal]]:
    """Every way of reading a VAT row's columns when the OCR damaged their decimal commas."""
    columns = [readings for readings in map(_column_readings, text.split()) if readings]
    return [list(reading) for reading in product(*columns[-_MAX_REREAD_COLUMNS:])] if columns else []


def _split_pairs(rate: Decimal, amounts: Sequence[Decimal]) -> tuple[Decimal, Decimal, Decimal] | None:
    """(net, tax, gross) from two of three columns that fit the rate, when the third is misread."""
    if len(amounts) < 3:
        return None
    for pair in combinations(amounts[-3:], 2):
        split = split_vat_amounts(rate, pair)
        if split is not None:
            return split
    return None


def parse_vat_row(text: str, *, in_table: bool = False) -> tuple[Decimal, Decimal, Decimal, Decimal] | None:
    """(rate, net, tax, gross) when ``text`` is a consistent VAT row, else ``None``.

    A rate that is not in the table (``25,9 %`` misread for ``25,5 %``, ``135%`` for ``13,5 %``) is
    replaced by the known rate the amounts fit; inside a VAT table (``in_table``) a row whose rate is
    unreadable is read the same way. Inside a VAT table, columns whose decimal comma the OCR lost or
    misread are re-read (``3232 453`` -> 32.32 and 4.53), and when one of three columns is misread the
    two that fit the rate are kept.
    """
    rate, rest = _rate_of(text)
    if rate is None and not in_table:
        return None
    amounts = [match.value for match in find_amounts(rest)]
    rates = _rates_to_try(rate)
    for candidate in rates:
        split = split_vat_amounts(candidate, amounts)
        if split is not None:
            return (candidate, *split)
    if not in_table:
        return None
    readings = _reread_amounts(rest)
    for candidate in rates:
        for reading in readings:
            split = split_vat_amounts(candidate, reading)
            if split is not None:
                return (candidate, *split)
    for candidate in rates:
        for reading in [amounts, *readings]:
            split = _split_pairs(candidate, reading)
            if split is not None:
                return (candidate, *split)
    return None


def find_vat_rows(lines: Sequence[TextLine]) -> list[tuple[int, tuple[Decimal, Decimal, Decimal, Decimal]]]:
    """(line index, row) of every VAT row, one per rate (the first consistent reading wins).

    Rows are looked for anywhere, but a bare rate without ``%`` counts only after a VAT header.
    """
    rows: list[tuple[int, tuple[Decimal, Decimal, Decimal, Decimal]]] = []
    seen_rates: set[Decimal] = set()
    in_table = False
    for index, line in enumerate(lines):
        folded = line.folded
        if VAT_WORD.search(folded) and VAT_HEADER.search(folded):
            in_table = True
        if "%" not in line.text and not in_table:
            continue
        row = parse_vat_row(line.text, in_table=in_table)
        if row is None or row[0] in seen_rates:
            continue
        if row[0] == 0 and row[2] == 0 and row[1] == 0:
            continue
        seen_rates.add(row[0])
        rows.append((index, row))
    return rows


def _row_rate(text: str) -> Decimal | None:
    """The rate printed at the start of a VAT row, known or not (``14%``, ``25 ...``)."""
    rate, _ = _rate_of(text)
    if rate is not None:
        return rate
    bare = _BARE_RATE.match(text)
    return _normal_rate(bare[1]) if bare else None


def complete_vat_row(
    lines: Sequence[TextLine],
    rows: Sequence[tuple[int, tuple[Decimal, Decimal, Decimal, Decimal]]],
    total: Decimal,
) -> tuple[int, tuple[Decimal, Decimal, Decimal, Decimal]] | None:
    """The one VAT row the OCR damaged, derived from the total minus the rows that were read.

    Only inside a VAT table, only when exactly one row there is unread, and only when an amount the
    derivation gives (gross, net or tax, with tax = gross x rate / (100 + rate)) is printed on that row.
    """
    header = next(
        (
            index
            for index, line in enumerate(lines)
            if VAT_WORD.search(line.folded) and VAT_HEADER.search(line.folded)
        ),
        None,
    )
    if header is None:
        return None
    read = {index for index, _ in rows}
    unread = [
        index
        for index in range(header + 1, min(len(lines), header + 6))
        if index not in read and _row_rate(lines[index].text) is not None
    ]
    if len(unread) != 1:
        return None
    index = unread[0]
    gross = total - sum((row[3] for _, row in rows), Decimal("0.00"))
    if gross <= 0:
        return None
    text = lines[index].text
    printed = {match.value for match in find_amounts(text)}
    printed.update(value for reading in _reread_amounts(text) for value in reading)
    taken = {row[0] for _, row in rows}
    for rate in _rates_to_try(_row_rate(text)):
        if rate in taken or rate == 0:
            continue
        tax = (gross * rate / (100 + rate)).quantize(CENT, rounding=ROUND_HALF_UP)
        net = gross - tax
        if printed & {gross, net, tax}:
            return index, (rate, net, tax, gross)
    return None
