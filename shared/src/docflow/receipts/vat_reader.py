"""The VAT breakdown whatever the layout: amounts near VAT words, chosen by arithmetic and the total.

Candidate rows come from
- rows printed on one line, in a table or not (:func:`docflow.receipts.vat_table.find_vat_rows`);
- a rate line whose amounts continue on the lines around it (``ALV 25,5 %  36,68`` / ``VEROTON
  143,82``), a rate without ``%`` after a VAT word, amounts split onto the next line;
- letter codes (``A 25,5 %``) whose item lines (ending in ``A``) add up to the rate's gross;
- tax-included notes that print only the tax (``Sis. ALV 25,5 % 23,48``, ``Veron osuus``): their gross
  is what the total leaves;
- one rate the prices include and nothing else (``ALV 25,5 % sisältyy hintaan``): the tax derived from
  the total.
Every candidate is arithmetic (net + tax = gross, tax = net x rate within rounding). The rows kept,
one per rate, are those whose gross amounts add up to the total, at rates valid on the receipt's date
in its country; a row gets confidence >= 0.9 only when the total confirms it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from itertools import combinations, product
from typing import NamedTuple

from docflow.receipts import confidence
from docflow.receipts.country import is_foreign
from docflow.receipts.lines import TextLine
from docflow.receipts.numbers import CENT, DIGIT_LOOKALIKES, digit_variants, find_amounts
from docflow.receipts.vat import is_valid_rate, known_rates, rate_table
from docflow.receipts.vat_table import (
    LocatedRow,
    VatAmounts,
    complete_vat_row,
    find_vat_rows,
    is_table_header,
    ocr_digits,
    rate_of,
    reread_amounts,
    split_vat_amounts,
    table_lines,
    tax_from_gross,
)
from docflow.receipts.vocabulary import (
    DEPOSIT,
    DEPOSIT_RETURN,
    GROSS_WORD,
    NET_WORD,
    PRICES_INCLUDE,
    TOTAL_STRONG,
    TOTAL_WEAK,
    VAT_WORD,
)


class RowSource(StrEnum):
    """Where a VAT row came from."""

    LINE = "line"
    WINDOW = "window"
    CODES = "letter codes"
    TAX_NOTE = "tax note"
    COMPLETED = "completed from the total"
    #: Completed from the total, the amount printed on its line one digit away from the derived one.
    COMPLETED_MISREAD = "completed from the total, a printed digit misread"
    FROM_TOTAL = "derived from the total"
    #: The one rate a note says the prices include, applied to the total.
    INCLUDED = "included in the prices"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A possible VAT row: its amounts, the line it was read near and how many amounts are printed."""

    row: VatAmounts
    line: int
    printed: int
    source: RowSource


@dataclass(frozen=True, slots=True)
class TaxNote:
    """A rate printed with its tax alone (``Sis. ALV 25,5 % 23,48``): the gross is not printed."""

    rate: Decimal
    tax: Decimal
    line: int


@dataclass(frozen=True, slots=True)
class Gathered:
    """Everything VAT-like on a receipt, before the total chooses among it."""

    candidates: tuple[Candidate, ...]
    notes: tuple[TaxNote, ...]
    #: Rates printed next to a VAT word (with or without amounts).
    mentioned: frozenset[Decimal]
    #: Rates printed with a note that the prices include them (``ALV 25,5 % sisältyy hintaan``).
    included: frozenset[Decimal] = frozenset()
    #: (rate, amount) of rate lines that print a net or a gross alone (``Veroton 25,5 %  158,57``).
    parts: tuple[tuple[Decimal, Decimal], ...] = ()


@dataclass(frozen=True, slots=True)
class VatReading:
    """The rows chosen, each with its confidence, and whether they add up to the total."""

    rows: tuple[tuple[VatAmounts, float], ...]
    matches_total: bool
    #: What the total holds beyond the rows' gross amounts: deposits outside VAT (0 when none).
    vat_free: Decimal = Decimal("0.00")


#: A rate after a VAT word without its ``%`` (``ALV 25,5 36,68``): one decimal at most; the ``%`` may be
#: misread as ``7`` or ``?`` (``ALV 25.57 6,09``).
_WORD_RATE = re.compile(
    r"(?<![A-Z])(?:ALV|ALY|MOMS|VAT|MWST|MW\.?ST|KM|VERO)\w*\.?\s?(?:[A-F]\s)?"
    r"(\d{1,2}(?:[.,]\d)?)[7?]?(?=\s|$)"
)
#: A letter code defined with its rate: ``A 25,5 %``, ``B=13,5%``, ``ALV B 14 %``.
_CODE_RATE = re.compile(r"(?<![A-Z0-9])([A-F])\s?[:=]?\s?(\d{1,2}(?:[.,]\d{1,2})?)\s?%")
#: An item line that ends with a letter code after its amount: ``MAITO 1,89 B``.
_ITEM_CODE = re.compile(r"\d[.,]\d\d\s?(?:€|EUR)?\s?\*?\s?([A-F])\s?$")
#: Thousands separated by a space (``1 234,56``): read joined as well.
_SPACED_THOUSANDS = re.compile(r"(?<![\d.,])(\d{1,3}) (\d{3}[.,]\d\d)(?!\d)")
#: A word that makes a rate line's one amount its net or its gross, not its tax.
_NET_OR_GROSS = re.compile(
    r"(?<![A-Z])(?:VEROTON\w*|NETTO|NET|EXCL\w*|EXKL\w*|OHNE|KM-?TA|VEROLLINEN|BRUTTO|GROSS)(?![A-Z])"
)
#: At most this many rates and readings per rate are weighed against the total.
_MAX_RATES = 5
_MAX_OPTIONS = 3
#: How far a tax note may be from the tax its derived gross gives.
_NOTE_TOLERANCE = Decimal("0.02")
_WINDOW_BEFORE = 1
_WINDOW_AFTER = 2


def _line_rate(text: str, folded: str, rates: frozenset[Decimal]) -> tuple[Decimal, str] | None:
    """The rate printed on a VAT line and the rest of the line, also when its ``%`` is lost."""
    rate, rest = rate_of(ocr_digits(text), rates)
    if rate is not None and "%" in text:
        return rate, rest
    match = _WORD_RATE.search(ocr_digits(folded))
    if match is not None:
        value = Decimal(match[1].replace(",", "."))
        normal = next((known for known in rates if known == value), None)
        if normal is not None:
            # ``ALV 25.57 6,09``: a ``%`` read as ``7`` (or ``?``) goes with the rate it follows.
            return normal, folded[: match.start(1)] + " " + folded[match.end() :]
    return None


def _amounts(text: str) -> list[Decimal]:
    """The amounts of a text, also read with space-separated thousands joined (``1 234,56``)."""
    values = [match.value for match in find_amounts(text)]
    joined = _SPACED_THOUSANDS.sub(r"\1\2", text)
    if joined != text:
        values += [match.value for match in find_amounts(joined) if match.value not in values]
    return values


def _is_window_line(line: TextLine, rate: Decimal, rates: frozenset[Decimal], net_or_gross: bool) -> bool:
    """Whether a line next to a rate line may hold that rate's amounts: a net, gross, tax or total
    label, or nothing but amounts; a line with a rate only when it is the same rate and one of the two
    lines names a net or gross, the other not (``Veroton 25,5 %  158,57`` beside ``ALV 25,5 %  40,43``).
    ``net_or_gross``: whether the rate line itself names a net or a gross."""
    folded = line.folded
    if is_table_header(folded):
        return False
    worded = bool(NET_WORD.search(folded) or GROSS_WORD.search(folded) or VAT_WORD.search(folded))
    if "%" in line.text:
        found = _line_rate(line.text, folded, rates)
        complementary = bool(_NET_OR_GROSS.search(folded)) != net_or_gross
        return worded and complementary and found is not None and found[0] == rate
    if worded:
        return True
    if TOTAL_STRONG.search(folded) or TOTAL_WEAK.search(folded):
        return True
    return not any(char.isalpha() for char in folded.replace("EUR", ""))


def _signed_split(rate: Decimal, subset: Sequence[Decimal]) -> VatAmounts | None:
    """A row from amounts of one sign: a refund prints its net, tax and gross negative."""
    if all(value > 0 for value in subset):
        split = split_vat_amounts(rate, subset)
        return None if split is None else VatAmounts(rate, *split)
    if all(value < 0 for value in subset):
        split = split_vat_amounts(rate, [-value for value in subset])
        return None if split is None else VatAmounts(rate, *(-value for value in split))
    return None


#: Letters a line of drifted amounts may hold: OCR noise at a photo's edge, not an item's name.
_DRIFT_LETTERS = 2


def _window_candidates(
    lines: Sequence[TextLine], index: int, rate: Decimal, rest: str, rates: frozenset[Decimal]
) -> Iterator[Candidate]:
    """Rows at ``rate`` from the amounts on the rate line and the net/gross lines around it."""
    pool = list(dict.fromkeys(value for value in _amounts(rest) if value != 0))
    net_or_gross = bool(_NET_OR_GROSS.search(lines[index].folded))
    totals: set[Decimal] = set()
    for step in [*range(1, _WINDOW_AFTER + 1), *range(-1, -_WINDOW_BEFORE - 1, -1)]:
        near = index + step
        if not 0 <= near < len(lines) or not _is_window_line(lines[near], rate, rates, net_or_gross):
            if step > 0:
                continue
            break
        near_text = ocr_digits(lines[near].text)
        near_rate = _line_rate(near_text, lines[near].folded, rates) if "%" in near_text else None
        if near_rate is not None:
            near_text = near_rate[1]  # the same rate: its amounts without the rate
        found = [value for value in _amounts(near_text) if value != 0]
        if len(found) > 3:
            continue
        if TOTAL_STRONG.search(lines[near].folded) or TOTAL_WEAK.search(lines[near].folded):
            totals.update(found)
        pool += [value for value in found if value not in pool]
    if len(pool) < 2 or len(pool) > 6:
        return
    seen: set[VatAmounts] = set()
    for size in (3, 2):
        for subset in combinations(pool, size):
            row = _signed_split(rate, subset)
            if row is None or row in seen:
                continue
            seen.add(row)
            printed = sum(value in pool for value in row[1:])
            if _only_the_total(row, pool, totals):
                printed = 1
            yield Candidate(row, index, printed, RowSource.WINDOW)


def _only_the_total(row: VatAmounts, pool: Sequence[Decimal], totals: set[Decimal]) -> bool:
    """Whether a row's gross is the total line's amount, its net is not printed and its tax is not
    exactly the gross's tax: the tax then fits a misread total within rounding as well as the true
    one (``29,90`` read for ``29,97`` under ``ALV 25,5 % 6,09``), so the row is no second reading."""
    return row.gross in totals and row.net not in pool and tax_from_gross(row.rate, row.gross) != row.tax


def _row_readings(text: str, index: int, rates: frozenset[Decimal]) -> Iterator[Candidate]:
    """Every consistent reading of a table row's own amounts: any two or three of its columns, also
    with damaged decimal commas re-read (``25,5 % 25,93 6,59 32,42``: 6.59 and 32.42 fit, 25.93 is
    misread)."""
    rate, rest = rate_of(ocr_digits(text), rates)
    if rate is not None and rate not in rates:
        return
    # A 0 % row with a tax is a misread rate (``0%`` for ``10%``): every rate is tried.
    rate = None if rate == 0 else rate
    printed = [value for value in _amounts(rest) if value != 0]
    readings = [printed, *reread_amounts(rest)]
    seen: set[VatAmounts] = set()
    for candidate_rate in [rate] if rate is not None else sorted(rates - {Decimal(0)}):
        for reading in readings:
            values = list(dict.fromkeys(value for value in reading if value != 0))
            if len(values) > 4:
                continue
            for size in (3, 2):
                for subset in combinations(values, size):
                    row = _signed_split(candidate_rate, subset)
                    if row is None or row in seen:
                        continue
                    seen.add(row)
                    yield Candidate(row, index, sum(value in printed for value in row[1:]), RowSource.WINDOW)
        if rate is not None:
            yield from _gross_readings(rate, printed, rest, index)


def _with_drifted_amounts(lines: Sequence[TextLine], index: int) -> str:
    """A rate line's text, joined with the next line when the rate line prints one amount and the next
    nothing but amounts: in a tilted photo a row's last columns drift onto the line below
    (``25,5 % 87,52`` over ``2,32 109,84``). The row readings still need amounts that fit the rate."""
    text = lines[index].text
    if index + 1 >= len(lines) or len(_amounts(ocr_digits(text))) != 1:
        return text
    following = lines[index + 1]
    if "%" in following.text or sum(char.isalpha() for char in following.folded) > _DRIFT_LETTERS:
        return text
    return f"{text} {following.text}" if _amounts(ocr_digits(following.text)) else text


def _gross_readings(rate: Decimal, printed: Sequence[Decimal], rest: str, index: int) -> Iterator[Candidate]:
    """Rows from one printed amount taken as the gross, when the net or tax it gives is what is left of
    another column (``14 % 23297 306 26,53``: 26.53 gives tax 3.26, printed ``306``)."""
    digits = re.sub(r"\D", " ", rest).split()
    for gross in printed:
        tax = tax_from_gross(rate, gross)
        net = gross - tax
        others = [token for token in digits if token != _digit_text(gross)]
        if any(_near_digits(_digit_text(value), token) for value in (net, tax) for token in others):
            yield Candidate(VatAmounts(rate, net, tax, gross), index, 1, RowSource.WINDOW)


def _digit_text(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", "")


def _near_digits(expected: str, printed: str) -> bool:
    """Whether ``printed`` is ``expected`` with at most one digit changed, or contains it whole."""
    if len(expected) < 3:
        return False
    if expected in printed:
        return True
    return len(expected) == len(printed) and sum(a != b for a, b in zip(expected, printed, strict=True)) <= 1


def _amounts_only(folded: str) -> bool:
    """A line of amounts and OCR noise (``0,68 9,79 10,47``): under a VAT row, the next row whose rate
    the OCR lost with its left edge."""
    return sum(char.isalpha() for char in folded) <= _DRIFT_LETTERS


def _rateless_candidates(text: str, index: int, rates: frozenset[Decimal]) -> Iterator[Candidate]:
    """A VAT line whose rate the OCR lost (``2,59 Netto 18,47`` under a cut-off ``Moms 14 %``, or a row
    of amounts under a read row): its two or three amounts, when exactly one of the country's rates
    fits them."""
    amounts = [value for value in _amounts(ocr_digits(text)) if value > 0]
    if not 2 <= len(amounts) <= 3:
        return
    fits = [row for rate in sorted(rates - {Decimal(0)}) if (row := _signed_split(rate, amounts)) is not None]
    if len(fits) == 1:
        yield Candidate(fits[0], index, len(amounts), RowSource.WINDOW)


def _code_rates(lines: Sequence[TextLine], rates: frozenset[Decimal]) -> dict[str, Decimal]:
    """Letter codes and the rates they stand for (``A 25,5 %`` -> ``{"A": 25.5}``)."""
    codes: dict[str, Decimal] = {}
    for line in lines:
        for match in _CODE_RATE.finditer(ocr_digits(line.text).upper()):
            rate, _ = rate_of(f"{match[2]} %", rates)
            if rate is not None and rate in rates:
                codes.setdefault(match[1], rate)
    return codes


def _code_sums(lines: Sequence[TextLine], codes: dict[str, Decimal]) -> dict[str, Decimal]:
    """The sum of the item lines that end with each letter code."""
    sums: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for line in lines:
        folded = line.folded
        if "%" in line.text or TOTAL_STRONG.search(folded) or VAT_WORD.search(folded):
            continue
        match = _ITEM_CODE.search(line.text.upper())
        if match is None or match[1] not in codes:
            continue
        amounts = find_amounts(line.text)
        if amounts:
            sums[match[1]] += amounts[-1].value
    return dict(sums)


def gather(lines: Sequence[TextLine], country: str | None) -> Gathered:
    """Every candidate VAT row and tax note on ``lines``, at the rates ``country`` has had."""
    rates = frozenset(rate.rate for rate in rate_table(country))
    line_rows = find_vat_rows(lines, rates)
    candidates = [
        Candidate(found.row, found.line, _printed(lines[found.line].text, found.row), RowSource.LINE)
        for found in line_rows
    ]
    notes: list[TaxNote] = []
    mentioned: set[Decimal] = set()
    included: set[Decimal] = set()
    parts: list[tuple[Decimal, Decimal]] = []
    # A foreign receipt keeps a rate of another country as printed (the row is then flagged invalid),
    # never bent to a rate of its own country.
    printable = rates | known_rates(None) if is_foreign(country) else rates
    inside = table_lines(lines)
    row_lines = {found.line for found in line_rows}
    notes.extend(_taxes_below_rates(lines, printable))
    for index, line in enumerate(lines):
        folded = line.folded
        in_table = index in inside
        if VAT_WORD.search(folded) or _CODE_RATE.search(line.text.upper()):
            found = _line_rate(line.text, folded, printable)
            if found is None and "%" not in line.text:
                candidates.extend(_rateless_candidates(line.text, index, rates))
            if found is None or found[0] not in printable:
                continue
            rate, rest = found
            mentioned.add(rate)
            if PRICES_INCLUDE.search(folded):
                included.add(rate)
            candidates.extend(_window_candidates(lines, index, rate, rest, printable))
            on_line = [value for value in _amounts(rest) if value > 0]
            # ``Veroton 25,5 %  158,57`` and ``Verollinen 25,5 %  199,00`` print a net or a gross alone.
            if len(on_line) == 1 and rate > 0 and _NET_OR_GROSS.search(folded):
                parts.append((rate, on_line[0]))
            elif len(on_line) == 1 and rate > 0:
                notes.append(TaxNote(rate, on_line[0], index))
        elif "%" in line.text or in_table:
            candidates.extend(_row_readings(_with_drifted_amounts(lines, index), index, printable))
        elif NET_WORD.search(folded) or (index - 1 in row_lines and _amounts_only(folded)):
            candidates.extend(_rateless_candidates(line.text, index, rates))
    codes = _code_rates(lines, rates)
    for code, gross in _code_sums(lines, codes).items():
        rate = codes[code]
        if gross <= 0:
            continue
        note = next((note for note in notes if note.rate == rate), None)
        tax = tax_from_gross(rate, gross)
        printed = 1
        if note is not None and abs(note.tax - tax) <= _NOTE_TOLERANCE:
            tax, printed = note.tax, 2
        candidates.append(Candidate(VatAmounts(rate, gross - tax, tax, gross), -1, printed, RowSource.CODES))
    return Gathered(tuple(candidates), tuple(notes), frozenset(mentioned), frozenset(included), tuple(parts))


def _taxes_below_rates(lines: Sequence[TextLine], rates: frozenset[Decimal]) -> Iterator[TaxNote]:
    """The tax of a rate printed without amounts, on the VAT line just below it that prints one amount
    and no rate or net or gross word (``ALV 25,5 % sisältyy hintaan`` / ``ALV:n osuus 4,90``)."""
    bare_rate: tuple[int, Decimal] | None = None
    for index, line in enumerate(lines):
        folded = line.folded
        if not VAT_WORD.search(folded):
            continue
        found = _line_rate(line.text, folded, rates)
        if found is not None:
            positive = found[0] > 0 and not any(value > 0 for value in _amounts(found[1]))
            bare_rate = (index, found[0]) if positive else None
            continue
        if bare_rate is None or "%" in line.text or _NET_OR_GROSS.search(folded):
            continue
        amounts = [value for value in _amounts(ocr_digits(line.text)) if value > 0]
        if 0 < index - bare_rate[0] <= _WINDOW_AFTER and len(amounts) == 1:
            yield TaxNote(bare_rate[1], amounts[0], index)


def _printed(text: str, row: VatAmounts) -> int:
    """How many of a row's amounts are printed on ``text`` as read."""
    printed = set(_amounts(ocr_digits(text)))
    return sum(amount in printed for amount in (row.net, row.tax, row.gross))


def _options(gathered: Gathered) -> dict[Decimal, list[Candidate]]:
    """The best few distinct readings of each rate, the most printed first."""
    by_rate: dict[Decimal, list[Candidate]] = defaultdict(list)
    order = {source: position for position, source in enumerate(RowSource)}
    for candidate in sorted(
        gathered.candidates, key=lambda item: (-item.printed, order[item.source], item.line)
    ):
        readings = by_rate[candidate.row.rate]
        if all(other.row != candidate.row for other in readings) and len(readings) < _MAX_OPTIONS:
            readings.append(candidate)
    ranked = sorted(by_rate.items(), key=lambda item: -item[1][0].printed)
    return dict(ranked[:_MAX_RATES])


def preliminary_rows(gathered: Gathered) -> list[Candidate]:
    """The rows to show before the total is known: the rows printed on one line (the first reading of
    each rate), and for other rates the best reading that prints at least two amounts."""
    chosen = {
        candidate.row.rate: candidate
        for candidate in gathered.candidates
        if candidate.source is RowSource.LINE
    }
    for rate, readings in _options(gathered).items():
        if rate not in chosen and readings[0].printed >= 2 and _one_per_line([*chosen.values(), readings[0]]):
            chosen[rate] = readings[0]
    return sorted(chosen.values(), key=lambda candidate: candidate.line)


def _one_per_line(rows: Sequence[Candidate]) -> bool:
    """Whether no two rows are read from the same line: a line whose rate is unreadable (``&% 0,40
    2,00``) fits several rates, but it prints one row."""
    lines = [row.line for row in rows if row.line >= 0]
    return len(lines) == len(set(lines))


def _note_rows(notes: Sequence[TaxNote], residual: Decimal) -> list[Candidate] | None:
    """Rows for the tax notes when their grosses can share ``residual``; ``None`` when they cannot."""
    if len(notes) == 1:
        note = notes[0]
        if abs(tax_from_gross(note.rate, residual) - note.tax) > _NOTE_TOLERANCE:
            return None
        row = VatAmounts(note.rate, residual - note.tax, note.tax, residual)
        return [Candidate(row, note.line, 1, RowSource.TAX_NOTE)]
    if len(notes) == 2:
        first, second = notes
        # Each tax gives its gross to within a few cents; the pair that shares the residual and stays
        # nearest both estimates wins.
        first_estimate = first.tax * (100 + first.rate) / first.rate
        second_estimate = second.tax * (100 + second.rate) / second.rate
        start = first_estimate.quantize(CENT)
        fits = [
            gross
            for step in range(-10, 11)
            if (gross := start + step * CENT) > 0
            and residual - gross > 0
            and tax_from_gross(first.rate, gross) == first.tax
            and tax_from_gross(second.rate, residual - gross) == second.tax
        ]
        if not fits:
            return None
        gross = min(
            fits, key=lambda value: abs(value - first_estimate) + abs(residual - value - second_estimate)
        )
        return [
            Candidate(
                VatAmounts(first.rate, gross - first.tax, first.tax, gross), first.line, 1, RowSource.TAX_NOTE
            ),
            Candidate(
                VatAmounts(second.rate, residual - gross - second.tax, second.tax, residual - gross),
                second.line,
                1,
                RowSource.TAX_NOTE,
            ),
        ]
    return None


def _valid(rows: Sequence[Candidate], day: dt.date | None, country: str | None) -> bool:
    if day is None:
        return True
    table = rate_table(country)
    return all(is_valid_rate(row.row.rate, day, table) for row in rows)


def _add_up(rows: Sequence[Candidate], total: Decimal) -> bool:
    gross = sum((row.row.gross for row in rows), Decimal("0.00"))
    return abs(gross - total) <= CENT * max(1, len(rows) - 1)


def _matching(
    gathered: Gathered, total: Decimal, day: dt.date | None, country: str | None
) -> list[Candidate] | None:
    """The readings, one per rate, whose gross amounts add up to ``total`` (tax notes completing
    them), the most printed and valid first; ``None`` when no choice adds up."""
    options = _options(gathered)
    best: tuple[tuple[bool, int, int], list[Candidate]] | None = None
    for combo in product(*([None, *readings] for readings in options.values())):
        chosen = [candidate for candidate in combo if candidate is not None]
        if not _one_per_line(chosen):
            continue
        gross = sum((candidate.row.gross for candidate in chosen), Decimal("0.00"))
        residual = total - gross
        rows: list[Candidate] | None = None
        if chosen and _add_up(chosen, total):
            rows = chosen
        elif residual > 0:
            taken = {candidate.row.rate for candidate in chosen}
            notes = list(
                {note.rate: note for note in reversed(gathered.notes) if note.rate not in taken}.values()
            )
            for size in (1, 2):
                for group in combinations(notes, size):
                    completed = _note_rows(group, residual)
                    if completed is not None:
                        rows = chosen + completed
                        break
                if rows is not None:
                    break
        if rows is None:
            continue
        score = (_valid(rows, day, country), sum(row.printed**2 for row in rows), -len(rows))
        if best is None or score > best[0]:
            best = (score, rows)
    return None if best is None else best[1]


def _single_rate_from_total(
    gathered: Gathered, total: Decimal, *, notes_allowed: bool = False
) -> list[Candidate] | None:
    """One rate the receipt names and nothing else VAT-like: its tax derived from the total (and the
    net or gross printed at that rate, if any, agreeing with it); with ``notes_allowed``, also when
    taxes are printed at that rate (which the caller found not to fit)."""
    if gathered.candidates or len(gathered.mentioned) != 1:
        return None
    rate = next(iter(gathered.mentioned))
    if gathered.notes and not (notes_allowed and all(note.rate == rate for note in gathered.notes)):
        return None
    if rate == 0:
        return None
    tax = tax_from_gross(rate, total)
    source = RowSource.INCLUDED if rate in gathered.included else RowSource.FROM_TOTAL
    # A net or gross printed at that rate must be the one the total gives.
    printed = [amount for part_rate, amount in gathered.parts if part_rate == rate]
    if printed and not {total - tax, total} & set(printed):
        return None
    return [Candidate(VatAmounts(rate, total - tax, tax, total), -1, min(1, len(printed)), source)]


#: Finnish deposits per container (Palpa: glass 0,10, cans 0,15, plastic 0,20 or 0,40): what a deposit
#: line whose amount the OCR lost may stand for.
DEPOSIT_VALUES: tuple[Decimal, ...] = tuple(Decimal(value) for value in ("0.10", "0.15", "0.20", "0.40"))
#: At most this many deposit lines may be unreadable for their amounts to be guessed.
_MAX_UNREAD_DEPOSITS = 2
#: More misread deposit lines than that (at most :data:`_MAX_NEAR_DEPOSITS`) are read only as the
#: container deposits each is :data:`_NEAR_DIGITS` look-alike digits or fewer away from (``8,15`` for
#: 0,15, ``6,18`` for 0,10 or 0,15), when that gives :data:`_MAX_NEAR_READINGS` sums or fewer.
_MAX_NEAR_DEPOSITS = 4
_NEAR_DIGITS = 2
_MAX_NEAR_READINGS = 4
#: A count of containers on a deposit line (``5 x 0,10``, ``2 kpl``).
_COUNT = re.compile(r"(?<![\d.,])(\d{1,2})\s?(?:[xX*×]|kpl|st)\s?\d?", re.IGNORECASE)
#: A deposit amount whose decimal comma the OCR read as another mark (``PANTTI 0/10``).
_ODD_DEPOSIT = re.compile(r"(?<![\d.,:;/])(\d{1,2})[:;/](\d{2})(?![\d.,:;/])")


class DepositLine(NamedTuple):
    """The last amount of a deposit line (``None`` when the OCR lost it) and the count of containers it
    prints (``Pantti 5 x 0,10  0,50``: 5; ``None`` without one)."""

    amount: Decimal | None
    containers: int | None


def _deposit_lines(lines: Sequence[TextLine]) -> Iterator[DepositLine]:
    """Each deposit line's amount and whether it prints a count."""
    for line in lines:
        folded = line.folded
        if not (DEPOSIT.search(folded) or DEPOSIT_RETURN.search(folded)) or _prints_a_rate(line.text):
            continue
        if VAT_WORD.search(folded) or TOTAL_STRONG.search(folded) or TOTAL_WEAK.search(folded):
            continue
        found = find_amounts(line.text)
        odd = _ODD_DEPOSIT.findall(line.text)
        count = _COUNT.search(line.text)
        containers = int(count[1]) if count else None
        if found:
            yield DepositLine(found[-1].value, containers)
        elif odd:
            yield DepositLine(Decimal(f"{odd[-1][0]}.{odd[-1][1]}"), containers)
        else:
            yield DepositLine(None, containers)


#: Every rate any country's table has had.
_ANY_COUNTRY_RATE = known_rates(None)


def _prints_a_rate(text: str) -> bool:
    """Whether a line prints a VAT rate (``Pantti 0 %  1,10`` in a VAT breakdown), not a ``%`` that
    is a speck beside an amount (``Pantti 6 x 0,10 % 0,60``)."""
    rate, _ = rate_of(text)
    return rate in _ANY_COUNTRY_RATE


def vat_free_amount(lines: Sequence[TextLine]) -> Decimal:
    """The sum of the deposit lines of a sale (``Pantti 0,40``, ``Pantti 2 x 0,15  0,30``, a deducted
    ``Pullopalautus -1,20``): in Finland and Estonia deposits are outside VAT, so the VAT rows' gross
    amounts add up to the total less these. The last amount of each such line counts, with its sign.
    """
    amounts = (line.amount for line in _deposit_lines(lines))
    return sum((value for value in amounts if value is not None), Decimal("0.00"))


def vat_free_options(lines: Sequence[TextLine], country: str | None) -> tuple[Decimal, ...]:
    """What the deposits of a sale may add up to: their sum as read, and on a Finnish receipt with one or
    two deposit lines whose amounts the OCR lost or misread, that sum with any of :data:`DEPOSIT_VALUES`
    for each (times the count of containers the line prints); with three or four such lines, only the
    deposits their printed digits are look-alikes of (:func:`_near_deposits`). A deposit line's amount
    is misread when it is no count of one container deposit (``Pantti 6,15``; ``Pantti 3 x 0,10
    3,00``)."""
    deposits = list(_deposit_lines(lines))
    if not deposits:
        return ()
    values = [deposit.amount for deposit in deposits]
    readable = sum((value for value in values if value is not None), Decimal("0.00"))
    options = {readable}
    unread = [deposit for deposit in deposits if deposit.amount not in _possible_deposits(deposit)]
    if unread and country in (None, "FI"):
        known = readable - sum(
            (deposit.amount for deposit in unread if deposit.amount is not None), Decimal("0.00")
        )
        if len(unread) <= _MAX_UNREAD_DEPOSITS:
            options |= {known + sum(guess) for guess in product(*map(_possible_deposits, unread))}
        elif len(unread) <= _MAX_NEAR_DEPOSITS:
            near = [_near_deposits(deposit) for deposit in unread]
            if 0 < math.prod(map(len, near)) <= _MAX_NEAR_READINGS:
                options |= {known + sum(guess) for guess in product(*near)}
    if any(value is None for value in values) and len(options) > 1:
        options.discard(readable)
    return tuple(sorted(options))


def _near_deposits(deposit: DepositLine) -> frozenset[Decimal]:
    """The possible deposits of a misread line whose printed digits differ from theirs only in at most
    :data:`_NEAR_DIGITS` look-alike digits (``8,48`` for 0,40)."""
    if deposit.amount is None:
        return frozenset()
    printed = f"{deposit.amount:.2f}"
    return frozenset(
        value
        for value in _possible_deposits(deposit)
        if len(expected := f"{value:.2f}") == len(printed)
        and sum(a != b for a, b in zip(printed, expected, strict=True)) <= _NEAR_DIGITS
        and all(a == b or b in DIGIT_LOOKALIKES.get(a, "") for a, b in zip(printed, expected, strict=True))
    )


def _possible_deposits(deposit: DepositLine) -> frozenset[Decimal]:
    """What a deposit line may amount to: its count (one without a count) of one container deposit."""
    return frozenset((deposit.containers or 1) * value for value in DEPOSIT_VALUES)


def read_vat(
    lines: Sequence[TextLine],
    gathered: Gathered,
    total: Decimal | None,
    *,
    day: dt.date | None,
    country: str | None,
    items_sum: Decimal | None = None,
    vat_free: Sequence[Decimal] = (),
    total_confirmed: bool = False,
) -> VatReading:
    """The VAT rows of a receipt, chosen so that they add up to ``total``, each with its confidence.

    A single rate that a note says the prices include is applied to the whole total; the row is
    booked without review only when ``total_confirmed`` (a payment or other reading repeats the total).
    Rows that add up to the total less one of ``vat_free`` (what the deposits printed on the receipt,
    outside VAT, may add up to: :func:`vat_free_options`) are confirmed as well, when no choice adds up
    to the total itself. Without a total, rows that add
    up to the line items' sum are taken (a tax note's gross is then that sum), but not trusted as rows
    the total confirms.
    """
    preliminary = preliminary_rows(gathered)
    if total is None or total == 0:
        by_items = _matching(gathered, items_sum, day, country) if items_sum else None
        return _reading(by_items or preliminary, checked=False, contradicted=False)
    rows = _matching(gathered, total, day, country)
    for free in vat_free if rows is None else ():
        if free == 0 or total - free <= 0:
            continue
        rows = _matching(gathered, total - free, day, country)
        if rows is not None:
            return _reading(rows, checked=True, contradicted=False, vat_free=free)
    if rows is None:
        rates = frozenset(rate.rate for rate in rate_table(country))
        line_rows = [LocatedRow(row.line, row.row) for row in preliminary if row.source is RowSource.LINE]
        derived = complete_vat_row(lines, line_rows, total, rates)
        if derived is not None:
            source = RowSource.COMPLETED_MISREAD if derived.misread else RowSource.COMPLETED
            completed = [*preliminary, Candidate(derived.row, derived.line, 0, source)]
            if _add_up(completed, total):
                rows = sorted(completed, key=lambda candidate: candidate.line)
    if rows is None:
        rows = _single_rate_from_total(gathered, total)
    if rows is None and not preliminary:
        # A printed tax that does not fit the one rate's share of the total: one of them is misread.
        disputed = _single_rate_from_total(gathered, total, notes_allowed=True)
        if disputed is not None and total_confirmed and _notes_misread(gathered, disputed[0].row):
            return VatReading(((disputed[0].row, confidence.VAT_ROW_NOTE_MISREAD),), matches_total=True)
        if disputed is not None:
            return _reading(disputed, checked=False, contradicted=True)
    if rows is None:
        return _reading(preliminary, checked=False, contradicted=bool(preliminary))
    return _reading(rows, checked=True, contradicted=False, total_confirmed=total_confirmed)


def _notes_misread(gathered: Gathered, row: VatAmounts) -> bool:
    """Whether every tax printed at ``row``'s rate is ``row``'s tax with one digit read as its look-alike
    (``2,51`` for 2,57): the OCR misread the tax, not the total."""
    variants = digit_variants(f"{row.tax:.2f}")
    notes = [note for note in gathered.notes if note.rate == row.rate]
    return bool(notes) and all(f"{note.tax:.2f}" in variants for note in notes)


def _reading(
    rows: Sequence[Candidate],
    *,
    checked: bool,
    contradicted: bool,
    vat_free: Decimal = Decimal("0.00"),
    total_confirmed: bool = False,
) -> VatReading:
    scored: list[tuple[VatAmounts, float]] = []
    for row in rows:
        printed = min(3, row.printed)
        if checked:
            value = confidence.VAT_ROW_CHECKED[printed]
            if row.source is RowSource.TAX_NOTE:
                exact = tax_from_gross(row.row.rate, row.row.gross) == row.row.tax
                value = confidence.VAT_ROW_TAX_NOTE if exact else confidence.VAT_ROW_TAX_NOTE_ROUNDED
            if row.source is RowSource.COMPLETED:
                # An amount printed on the damaged row is what the total gives: enough to book when
                # the payment or the items confirm the total too.
                value = confidence.VAT_ROW_CHECKED[1] if total_confirmed else confidence.VAT_ROW_DERIVED
            if row.source is RowSource.COMPLETED_MISREAD:
                value = confidence.VAT_ROW_DERIVED
            if row.source is RowSource.INCLUDED and total_confirmed:
                value = confidence.VAT_ROW_INCLUDED
        else:
            value = confidence.VAT_ROW_UNCHECKED[printed]
            if contradicted:
                value = min(value, confidence.VAT_ROW_CONTRADICTED)
        scored.append((row.row, value))
    return VatReading(tuple(scored), checked, vat_free)
