"""The VAT breakdown (ALV-erittely): rows of rate, net, tax and gross, whatever the column order.

A row is a rate (``14 %``, ``13,5%``, ``A 25,5 %``) followed by two or three amounts. The columns are
identified by arithmetic, not by position: net + tax = gross (within a cent) and tax = net x rate
(within rounding). A row whose amounts do not fit together is not a VAT row, except inside a VAT table:
there one misread digit is corrected when exactly one correction makes the row fit its printed rate,
and a row with one readable amount is completed by the rate (tax = gross x rate / (100 + rate), as
Finnish receipts compute it) when that amount can only be its gross or its net.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from itertools import combinations, permutations, product
from typing import NamedTuple

from docflow.receipts.lines import TextLine
from docflow.receipts.numbers import CENT, find_amounts
from docflow.receipts.vat import KNOWN_RATES, tax_fits_rate
from docflow.receipts.vocabulary import (
    GROSS_COLUMN,
    GROSS_WORD,
    NET_COLUMN,
    NET_WORD,
    TAX_WORD,
    VAT_HEADER,
    VAT_SECTION,
    VAT_WORD,
)


class VatAmounts(NamedTuple):
    """One VAT row as read: the rate in percent and its net, tax and gross amounts."""

    rate: Decimal
    net: Decimal
    tax: Decimal
    gross: Decimal


class LocatedRow(NamedTuple):
    """A VAT row and the index of the line it was read from."""

    line: int
    row: VatAmounts


class CompletedRow(NamedTuple):
    """A VAT row derived from the total, the index of its damaged line, and whether the amount printed
    there is the derived one with a digit misread (``46,98`` for 40,98) rather than the derived one."""

    line: int
    row: VatAmounts
    misread: bool = False


#: A rate and its ``%``, also with a colon for the comma, a space after it or a stray dot before the
#: sign (``13:5.%``, ``19. 00 %``).
_RATE = re.compile(r"(?<![\d.,:])(\d{1,2}(?:[.,:] ?\d{1,2})?)[.,]?\s?%")
_BARE_RATE = re.compile(r"^(?:[A-Z]\s)?(\d{1,2}(?:[.,]\d)?)(?:[.,]0{1,2})?(?=\s)")
#: A rate whose decimal point the OCR lost (``255%``, ``135%``): taken only when it is a known rate.
_LOST_POINT_RATE = re.compile(r"(?<![\d.,])(\d{2})([1-9])\s?%")
_MAX_RATE = Decimal("30")
#: An amount whose decimal comma the OCR read as another mark (``41:32``, ``5/58``).
_ODD_SEPARATOR = re.compile(r"\d{1,5}[.,:;/]\d{2}")
#: An amount whose decimal comma the OCR lost (``3232``) or read as a digit (``32732``).
_NO_SEPARATOR = re.compile(r"\d{3,6}")
_EDGE = re.compile(r"^\D+|\D+$")
#: At most this many columns are re-read, so the readings stay few (2 ** 4).
_MAX_REREAD_COLUMNS = 4
#: A letter O the OCR read for a zero inside an amount or rate (``1O,5O``, ``25,5O %``).
_LETTER_ZERO = re.compile(r"(?<=[\d.,])[Oo]|[Oo](?=[\dOo]*[.,][\dOo]{1,2}(?!\w))")


def ocr_digits(text: str) -> str:
    """``O`` read for ``0`` next to digits turned back into ``0`` (``1O,OO`` -> ``10,00``)."""
    return _LETTER_ZERO.sub("0", text) if "O" in text or "o" in text else text


def rate_of(text: str, rates: frozenset[Decimal] = KNOWN_RATES) -> tuple[Decimal | None, str]:
    """The rate printed in a row and the row text without it; a rate without ``%`` or whose decimal
    point is lost only when it is one of ``rates``."""
    match = _RATE.search(text)
    if match:
        return _normal_rate(match[1]), text[: match.start()] + text[match.end() :]
    bare = _BARE_RATE.match(text)
    if bare:
        rate = _normal_rate(bare[1])
        if rate in rates:
            return rate, text[bare.end() :]
    lost_point = _LOST_POINT_RATE.search(text)
    if lost_point:
        rate = _normal_rate(f"{lost_point[1]}.{lost_point[2]}")
        if rate in rates:
            return rate, text[: lost_point.start()] + text[lost_point.end() :]
    return None, text


def _normal_rate(text: str) -> Decimal:
    """``"14,00"`` -> ``14``, ``"13,50"`` -> ``13.5``."""
    rate = Decimal(text.replace(",", ".").replace(":", ".").replace(" ", ""))
    if rate == rate.to_integral_value():
        return rate.quantize(Decimal(1))
    return rate.quantize(Decimal("0.1")) if rate * 10 == (rate * 10).to_integral_value() else rate


def split_vat_amounts(rate: Decimal, amounts: Sequence[Decimal]) -> tuple[Decimal, Decimal, Decimal] | None:
    """(net, tax, gross) from a row's amounts in any order, or ``None`` when they do not fit the rate."""
    values = [value for value in amounts if value >= 0]
    if len(values) >= 3:
        for net, tax, gross in permutations(values[-3:], 3):
            if abs(net + tax - gross) <= CENT and tax_fits_rate(rate, net, tax):
                return net, tax, gross
        return None
    if len(values) == 2:
        first, second = values
        for net, tax in ((first, second), (second, first)):
            if tax < net and tax_fits_rate(rate, net, tax) and tax > 0:
                return net, tax, (net + tax).quantize(CENT)
        for tax, gross in ((first, second), (second, first)):
            if tax < gross and tax_fits_rate(rate, gross - tax, tax):
                return (gross - tax).quantize(CENT), tax, gross
        net, gross = min(values), max(values)
        if net < gross and tax_fits_rate(rate, net, gross - net):
            return net, (gross - net).quantize(CENT), gross
    return None


def _rates_to_try(rate: Decimal | None, rates: frozenset[Decimal] = KNOWN_RATES) -> list[Decimal]:
    """The printed rate when it is one of ``rates``; else those nearest to it, then the printed one.

    ``25,55 %`` fits amounts at 25.5 % as well as at 25.55 %; the rate in the table wins.
    """
    if rate in rates:
        assert rate is not None
        return [rate]
    printed = rate if rate is not None else Decimal(0)
    known = sorted(rates - {Decimal(0)}, key=lambda candidate: (abs(candidate - printed), candidate))
    return known + ([rate] if rate is not None and rate <= _MAX_RATE else [])


def _column_readings(token: str) -> list[Decimal]:
    """The amounts a damaged VAT column may stand for: ``41:32`` -> 41.32, ``3232`` -> 32.32,
    ``32732`` -> 327.32 or 32.32 (a comma read as 7 or 1)."""
    token = _EDGE.sub("", token)
    if _ODD_SEPARATOR.fullmatch(token):
        return [Decimal(f"{token[:-3]}.{token[-2:]}").quantize(CENT)]
    if _NO_SEPARATOR.fullmatch(token):
        readings = [(Decimal(token) / 100).quantize(CENT)]
        if len(token) >= 4 and token[-3] in "715":
            readings.append((Decimal(token[:-3] + token[-2:]) / 100).quantize(CENT))
        return readings
    return []


def reread_amounts(text: str) -> list[list[Decimal]]:
    """Every way of reading a VAT row's columns when the OCR damaged their decimal commas.

    A token that ends in ``%`` (``255%``, a misread ``25,5 %``) is the rate column, never an amount.
    """
    tokens = [token for token in text.split() if not token.endswith("%")]
    columns = [readings for readings in map(_column_readings, tokens) if readings]
    return [list(reading) for reading in product(*columns[-_MAX_REREAD_COLUMNS:])] if columns else []


def _digit_distance(first: Decimal, second: Decimal) -> int:
    """How many printed digits differ (``121,71`` / ``127,71``: 1); amounts of other lengths are far."""
    left, right = f"{first:.2f}", f"{second:.2f}"
    if len(left) != len(right):
        return 10 + abs(len(left) - len(right))
    return sum(a != b for a, b in zip(left, right, strict=True))


def _split_pairs(
    rate: Decimal, amounts: Sequence[Decimal]
) -> tuple[int, tuple[Decimal, Decimal, Decimal]] | None:
    """(distance, (net, tax, gross)) from two of three columns that fit the rate, when the third is
    misread; of several pairs that fit, the one whose derived third amount is nearest the printed one
    (fewest differing digits), and of those the one whose tax is the rate's share to the cent
    (``9,64  0,98  10,60`` at 10 %: 0,96 and 10,60, not 0,98 and 10,62)."""
    if len(amounts) < 3:
        return None
    columns = list(amounts[-3:])
    best: tuple[tuple[int, bool], tuple[Decimal, Decimal, Decimal]] | None = None
    for left, right in combinations(range(3), 2):
        split = split_vat_amounts(rate, (columns[left], columns[right]))
        if split is None:
            continue
        printed = columns[3 - left - right]
        distance = min(_digit_distance(value, printed) for value in split)
        rank = (distance, not tax_fits_rate(rate, split[0], split[1], strict=True))
        if best is None or rank < best[0]:
            best = (rank, split)
    return None if best is None else (best[0][0], best[1])


def parse_vat_row(
    text: str,
    *,
    in_table: bool = False,
    net_first: bool = False,
    rates: frozenset[Decimal] = KNOWN_RATES,
) -> VatAmounts | None:
    """(rate, net, tax, gross) when ``text`` is a consistent VAT row, else ``None``.

    A rate that is not in the table (``25,9 %`` misread for ``25,5 %``, ``135%`` for ``13,5 %``) is
    replaced by the known rate the amounts fit; inside a VAT table (``in_table``) a row whose rate is
    unreadable is read the same way. Inside a VAT table, columns whose decimal comma the OCR lost or
    misread are re-read (``3232 453`` -> 32.32 and 4.53), and when one of three columns is misread the
    two that fit the rate are kept. ``net_first``: the table's header names the net column first.
    ``rates``: the rates the receipt's country has ever had.
    """
    rate, rest = rate_of(ocr_digits(text), rates)
    if rate is None and not in_table:
        return None
    amounts = [match.value for match in find_amounts(rest)]
    candidates = _rates_to_try(rate, rates)
    for candidate in candidates:
        split = split_vat_amounts(candidate, amounts)
        if split is not None:
            return VatAmounts(candidate, *split)
    if not in_table:
        return None
    readings = reread_amounts(rest)
    for candidate in candidates:
        for reading in readings:
            split = split_vat_amounts(candidate, reading)
            if split is not None:
                return VatAmounts(candidate, *split)
    return _damaged_row(rate, rest, [amounts, *readings], net_first=net_first, rates=rates)


def _damaged_row(
    rate: Decimal | None,
    rest: str,
    readings: Sequence[Sequence[Decimal]],
    *,
    net_first: bool,
    rates: frozenset[Decimal],
) -> VatAmounts | None:
    """A VAT table row none of whose readings fits as a whole: two columns that fit (the pair nearest
    the third column), else one corrected digit, else the one readable amount completed by the rate."""
    best: tuple[int, Decimal, tuple[Decimal, Decimal, Decimal]] | None = None
    for candidate in _rates_to_try(rate, rates):
        for reading in readings:
            paired = _split_pairs(candidate, reading)
            if paired is not None and (best is None or paired[0] < best[0]):
                best = (paired[0], candidate, paired[1])
    if best is not None:
        return VatAmounts(best[1], *best[2])
    if rate is None or rate not in rates or rate == 0:
        return None
    amounts = readings[0]
    fixed = _one_digit_repair(rate, amounts) if len(amounts) == 2 else None
    if fixed is None:
        fixed = _single_amount_row(rate, rest, net_first=net_first)
    return None if fixed is None else VatAmounts(rate, *fixed)


def _from_gross(rate: Decimal, gross: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    tax = tax_from_gross(rate, gross)
    return gross - tax, tax, gross


def _from_net(rate: Decimal, net: Decimal) -> tuple[Decimal, Decimal, Decimal] | None:
    """The one (net, tax, gross) whose gross gives ``net``, or ``None`` when two grosses do."""
    guess = (net * (100 + rate) / 100).quantize(CENT)
    fits = [split for step in range(-3, 4) if (split := _from_gross(rate, guess + step * CENT))[0] == net]
    return fits[0] if len(fits) == 1 else None


def _single_amount_row(
    rate: Decimal, rest: str, *, net_first: bool
) -> tuple[Decimal, Decimal, Decimal] | None:
    """(net, tax, gross) from a row whose other columns the OCR damaged beyond reading.

    The amount is taken for the gross when the net or tax that gives is printed in the damaged
    columns (``36,69`` beside ``32,33.2347``), else for the net when it is the first column of a
    table whose header puts the net first (``13,5 % 23.49 3547``) and only one gross gives it; what
    can be read of the damaged columns must then differ from the tax or gross it gives by one digit at most.
    """
    amounts = find_amounts(rest)
    if len(amounts) != 1 or amounts[0].value <= 0:
        return None
    amount = amounts[0]
    digits = re.sub(r"\D", "", rest[: amount.start] + " " + rest[amount.end :])
    from_gross = _from_gross(rate, amount.value)
    if any(len(text) >= 3 and text in digits for text in (_digits(from_gross[0]), _digits(from_gross[1]))):
        return from_gross
    if not net_first or any(char.isdigit() for char in rest[: amount.start]):
        return None
    from_net = _from_net(rate, amount.value)
    damaged = {value for reading in reread_amounts(rest[amount.end :]) for value in reading}
    if from_net is None or not damaged:
        return from_net
    # What is left of the tax or gross column must be near what the net gives (``3547`` ~ 3,17).
    near = any(_digit_distance(value, derived) <= 1 for value in damaged for derived in from_net[1:])
    return from_net if near else None


def _digits(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", "")


def _digit_variants(value: Decimal) -> list[Decimal]:
    """Every amount that differs from ``value`` in exactly one printed digit (``20,47`` -> ``26,47``)."""
    digits = f"{value:.2f}".replace(".", "")
    variants = []
    for position, digit in enumerate(digits):
        for other in "0123456789":
            if other == digit or (position == 0 and other == "0" and len(digits) > 3):
                continue
            changed = digits[:position] + other + digits[position + 1 :]
            variants.append(Decimal(f"{changed[:-2]}.{changed[-2:]}"))
    return variants


def _one_digit_repair(rate: Decimal, amounts: Sequence[Decimal]) -> tuple[Decimal, Decimal, Decimal] | None:
    """(net, tax, gross) when changing one digit of one of two amounts makes them fit the printed rate,
    and only one such change does (``14 % 20,47 3,71`` -> 26.47 and 3.71: a 6 read as 0).

    A corrected row must fit closely: its tax within a cent of gross x rate / (100 + rate).
    """
    first, second = amounts
    pairs = [(variant, second) for variant in _digit_variants(first)]
    pairs += [(first, variant) for variant in _digit_variants(second)]
    fits = {
        split
        for pair in pairs
        if (split := split_vat_amounts(rate, pair)) is not None
        and abs(split[2] * rate / (100 + rate) - split[1]) <= CENT
    }
    return fits.pop() if len(fits) == 1 else None


def is_table_header(folded: str) -> bool:
    """Whether a (folded) line starts a VAT table: column names, or a section title (``ALV-ERITTELY``);
    the net and gross columns named without digits are one even when the VAT word is misread
    (``MIST + Netto = Brutto``)."""
    if VAT_SECTION.search(folded) or (VAT_WORD.search(folded) and VAT_HEADER.search(folded)):
        return True
    return bool(NET_COLUMN.search(folded) and GROSS_COLUMN.search(folded)) and not any(
        char.isdigit() for char in folded
    )


#: A VAT table holds at most this many lines below its header (rows, a sum, OCR debris).
TABLE_LINES = 6
#: A line that ends a VAT table: a date (``08.04.20 09:51 9000545 003 034``), never a damaged amount.
_TABLE_END = re.compile(r"(?<![\d.,:])\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})(?![\d.,:])")


def table_lines(lines: Sequence[TextLine]) -> frozenset[int]:
    """The indices of the lines of a VAT table: each header and up to :data:`TABLE_LINES` lines below
    it, ending early at a date; digits further down are never read as a row without ``%``."""
    inside: set[int] = set()
    for index, line in enumerate(lines):
        if not is_table_header(line.folded):
            continue
        inside.add(index)  # a tilted photo may merge the header with a row
        for below in range(index + 1, min(len(lines), index + 1 + TABLE_LINES)):
            if is_table_header(lines[below].folded) or _TABLE_END.search(lines[below].text):
                break
            inside.add(below)
    return frozenset(inside)


def find_vat_rows(lines: Sequence[TextLine], rates: frozenset[Decimal] = KNOWN_RATES) -> list[LocatedRow]:
    """Every VAT row printed on one line, one per rate (the first consistent reading wins).

    Rows are looked for anywhere, but a bare rate without ``%`` counts only inside a VAT table
    (:func:`table_lines`).
    """
    rows: list[LocatedRow] = []
    seen_rates: set[Decimal] = set()
    net_first = False
    inside = table_lines(lines)
    for index, line in enumerate(lines):
        folded = line.folded
        if is_table_header(folded):
            net_first = net_first or _net_first(folded)
        in_table = index in inside
        if "%" not in line.text and not in_table:
            continue
        row = parse_vat_row(line.text, in_table=in_table, net_first=net_first, rates=rates)
        if row is None or row.rate in seen_rates:
            continue
        if row.rate == 0 and row.tax == 0 and row.net == 0:
            continue
        seen_rates.add(row.rate)
        rows.append(LocatedRow(index, row))
    return rows


def _net_first(header: str) -> bool:
    """Whether a VAT table header (folded) names the net column before the tax and gross columns."""
    columns = re.sub(r"\S+\s?%", " ", header)
    found = [
        match.start()
        for pattern in (TAX_WORD, GROSS_WORD)
        for match in [pattern.search(columns)]
        if match is not None
    ]
    net = NET_WORD.search(columns)
    return net is not None and all(net.start() < start for start in found)


def _row_rate(text: str, rates: frozenset[Decimal] = KNOWN_RATES) -> Decimal | None:
    """The rate printed at the start of a VAT row, known or not (``14%``, ``25 ...``)."""
    rate, _ = rate_of(text, rates)
    if rate is not None:
        return rate
    bare = _BARE_RATE.match(text)
    return _normal_rate(bare[1]) if bare else None


def complete_vat_row(
    lines: Sequence[TextLine],
    rows: Sequence[LocatedRow],
    total: Decimal,
    rates: frozenset[Decimal] = KNOWN_RATES,
) -> CompletedRow | None:
    """The one VAT row the OCR damaged, derived from the total minus the rows that were read.

    Only inside a VAT table, only when exactly one row there is unread, and only when an amount the
    derivation gives (gross, net or tax, with tax = gross x rate / (100 + rate)) is printed on that row;
    failing that, when one printed there differs from it in one digit of at least three
    (:attr:`CompletedRow.misread`: the OCR misread that amount, or the row is not what the total leaves).
    """
    header = next((index for index, line in enumerate(lines) if is_table_header(line.folded)), None)
    if header is None:
        return None
    read = {found.line for found in rows}
    unread = [
        index
        for index in range(header + 1, min(len(lines), header + 6))
        if index not in read and _row_rate(lines[index].text, rates) is not None
    ]
    if len(unread) != 1:
        return None
    index = unread[0]
    gross = total - sum((found.row.gross for found in rows), Decimal("0.00"))
    if gross <= 0:
        return None
    text = lines[index].text
    printed = {match.value for match in find_amounts(text)}
    printed.update(value for reading in reread_amounts(text) for value in reading)
    taken = {found.row.rate for found in rows}
    printed_rate = _row_rate(text, rates)
    derived = []
    for rate in _rates_to_try(printed_rate, rates):
        if rate in taken or rate == 0:
            continue
        tax = tax_from_gross(rate, gross)
        derived.append(VatAmounts(rate, gross - tax, tax, gross))
    for row in derived:
        if printed & {row.gross, row.net, row.tax}:
            return CompletedRow(index, row)
    amounts = printed - {printed_rate}
    for row in derived:
        if any(_one_digit_misread(expected, value) for expected in row[1:] for value in amounts):
            return CompletedRow(index, row, misread=True)
    return None


def _one_digit_misread(expected: Decimal, printed: Decimal) -> bool:
    """Whether ``printed`` is ``expected`` with one of at least three digits misread."""
    return expected >= 1 and _digit_distance(expected, printed) == 1


def tax_from_gross(rate: Decimal, gross: Decimal) -> Decimal:
    """The tax included in ``gross`` at ``rate`` percent, rounded to the cent as receipts do."""
    return (gross * rate / (100 + rate)).quantize(CENT, rounding=ROUND_HALF_UP)
