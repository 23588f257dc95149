"""The VAT breakdown (ALV-erittely): rows of rate, net, tax and gross, whatever the column order.

A row is a rate (``14 %``, ``13,5%``, ``A 25,5 %``) followed by two or three amounts. The columns are
identified by arithmetic, not by position: net + tax = gross (within a cent) and tax = net x rate
(within rounding). A row whose amounts do not fit together is not a VAT row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from itertools import permutations

from docflow.receipts.lines import TextLine
from docflow.receipts.numbers import CENT, find_amounts
from docflow.receipts.vat import KNOWN_RATES
from docflow.receipts.vocabulary import VAT_HEADER, VAT_WORD

_RATE = re.compile(r"(?<![\d.,])(\d{1,2}(?:[.,]\d{1,2})?)\s?%")
_BARE_RATE = re.compile(r"^(?:[A-Z]\s)?(\d{1,2}(?:[.,]\d)?)(?:[.,]0{1,2})?(?=\s)")
_MAX_RATE = Decimal("30")
_RATE_TOLERANCE = Decimal("0.02")


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


def parse_vat_row(text: str, *, in_table: bool = False) -> tuple[Decimal, Decimal, Decimal, Decimal] | None:
    """(rate, net, tax, gross) when ``text`` is a consistent VAT row, else ``None``.

    A rate that is not in the table (``25,9 %`` misread for ``25,5 %``, ``135%`` for ``13,5 %``) is
    replaced by the known rate the amounts fit; inside a VAT table (``in_table``) a row whose rate is
    unreadable is read the same way.
    """
    rate, rest = _rate_of(text)
    if rate is None and not in_table:
        return None
    amounts = [match.value for match in find_amounts(rest)]
    if rate is not None and rate <= _MAX_RATE:
        split = split_vat_amounts(rate, amounts)
        if split is not None:
            return (rate, *split)
    if rate in KNOWN_RATES:
        return None
    printed = rate if rate is not None else Decimal(0)
    for known in sorted(KNOWN_RATES - {Decimal(0)}, key=lambda candidate: abs(candidate - printed)):
        split = split_vat_amounts(known, amounts)
        if split is not None:
            return (known, *split)
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
