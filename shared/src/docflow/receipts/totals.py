"""The total and the payment method, chosen by cross-checking every piece of evidence on the receipt.

Candidates come from total lines (YHTEENSÄ, SUMMA, TOTAL, ...). Each candidate value gains support
when it equals the card payment, the sum of the VAT rows' gross amounts, cash given minus change, or
the sum of the line items. Cash given and change are never candidates themselves. A value on which two
independent checks agree is a candidate even when no total line prints it (the total line misread).
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise
from typing import NamedTuple

from docflow.receipts.lines import TextLine
from docflow.receipts.numbers import CENT, AmountMatch, find_amounts
from docflow.receipts.vocabulary import (
    CARD,
    CASH,
    CHANGE,
    CHANGE_GIVEN,
    EXCLUDING,
    INCLUSIVE,
    MOBILE,
    NET_WORD,
    NOT_PAYMENT,
    NOT_TOTAL,
    RATED_TAX,
    ROUNDING,
    SERVICE_CHARGE,
    SUBTOTAL,
    TAX_TOTAL,
    TOTAL_LOCAL,
    TOTAL_STRONG,
    TOTAL_WEAK,
)

STRONG_WEIGHT = 3.0
WEAK_WEIGHT = 2.0
RATED_TOTAL_WEIGHT = 1.5
CHECK_WEIGHT = 2.5
#: Subtotal + tax + rounding printed on separate lines: three readings that agree are strong evidence.
COMPONENTS_WEIGHT = 1.5
#: A line that is nothing but an amount with a currency mark (``80,81 EUR``): a total whose word is lost.
BARE_AMOUNT_WEIGHT = 1.5


class Check(StrEnum):
    """An independent reading of the total; the value is the name shown in a total's source."""

    CARD = "card payment"
    MOBILE = "mobile payment"
    VAT_ROWS = "VAT rows"
    CASH_MINUS_CHANGE = "cash minus change"
    #: Cash given with no change printed: it agrees with a total, but is no total on its own.
    EXACT_CASH = "cash without change"
    LINE_ITEMS = "line items"
    COMPONENTS = "subtotal, tax and rounding"
    SUBTOTAL = "subtotal"


#: Checks read from the VAT block: a line of that block repeats them, so they cannot confirm it.
VAT_BLOCK_CHECKS: frozenset[Check] = frozenset({Check.VAT_ROWS, Check.COMPONENTS})
#: Without any total line, how far each check is trusted on its own (VAT rows are verified arithmetic).
FALLBACK_WEIGHTS: dict[Check, float] = {
    Check.VAT_ROWS: 1.5,
    Check.CARD: 1.4,
    Check.MOBILE: 1.4,
    Check.CASH_MINUS_CHANGE: 1.3,
    Check.COMPONENTS: 1.2,
    Check.LINE_ITEMS: 0.8,
    Check.SUBTOTAL: 0.9,
}
#: VAT rows whose gross sum is below the card or mobile payment: a row was lost, or VAT-free deposits
#: sit outside them; without a total line the payment, the money that moved, then outranks them.
INCOMPLETE_VAT_ROWS_WEIGHT = 1.0
#: A value two independent checks agree on, when no total line prints it: the checks then add their weight.
AGREED_CHECKS_WEIGHT = 1.5
EXACT_CASH = Check.EXACT_CASH
#: A total line whose amount the payment (card, mobile, cash minus change) confirms: the money that
#: moved. It outranks sums of VAT rows and items that agree because both miss the same lost row.
PAID_TOTAL_WEIGHT = 1.0
#: A total that a card or mobile payment amount on the receipt contradicts is trusted no more than this.
DISPUTED_TOTAL = 0.85
PAYMENT_CHECKS = frozenset({Check.CARD, Check.MOBILE, Check.CASH_MINUS_CHANGE})
#: A total line Tesseract read with less confidence than this is noisy print: its payment line, printed
#: in the same font and read as noisily, repeats a misread digit as often as the true one.
NOISY_LINE = 0.8
#: So a noisy total that only a payment line repeats (no VAT rows or items add up to it) stays below this.
NOISY_PAID_TOTAL = 0.85
#: Two total lines whose amounts differ by at most this: the later is the earlier rounded to the coins
#: that are paid in cash (``Total: 102.39``, a rounding line whose label is lost, ``Total 102.40``).
CASH_ROUNDING_STEP = Decimal("0.05")
#: A total read as the rounded one of two such lines is no surer than this: the later line might as
#: well be a misread of the earlier.
INFERRED_ROUNDING_TOTAL = 0.85
#: A total printed only with look-alike letters for digits (``7D, DD``) is never sure, whatever agrees.
REPAIRED_TOTAL = 0.85
#: A total that no strong total line prints, while one prints another amount (``MAKSETTAVA 11,71``
#: against a card line and an item line that both lost the leading 1: ``1,71``), and that the VAT rows
#: do not back: two readings of the money disagree, so it is left for review.
CONTRADICTED_TOTAL = 0.6
#: A summary amount whose decimal point the OCR lost (``Total GST 571``): read as cents.
_LOST_POINT = re.compile(r"(?<![\d.,])(\d{3,6})\W{0,2}$")


@dataclass(frozen=True, slots=True)
class Evidence:
    """Amounts read from the non-total lines of a receipt."""

    card: tuple[Decimal, ...] = ()
    mobile: tuple[Decimal, ...] = ()
    cash_given: tuple[Decimal, ...] = ()
    change: tuple[Decimal, ...] = ()
    vat_gross: Decimal | None = None
    items_sum: Decimal | None = None
    excluded_lines: frozenset[int] = field(default_factory=frozenset)
    #: (line index, amount) of a rounding adjustment.
    rounding: Rounding | None = None
    #: Subtotal + tax + rounding, and whether the subtotal says it is without tax.
    components: Decimal | None = None
    components_explicit: bool = False
    #: The subtotal, a last resort when no total line is readable.
    subtotal: Decimal | None = None

    @property
    def cash_paid(self) -> Decimal | None:
        """Cash given minus change, when both are printed."""
        if self.cash_given and self.change:
            return self.cash_given[0] - self.change[0]
        return None


@dataclass(frozen=True, slots=True)
class TotalChoice:
    """The chosen total, its confidence and which checks agree with it."""

    value: Decimal
    confidence: float
    source: str
    agrees_with: tuple[Check, ...]


def _amount_for(lines: Sequence[TextLine], index: int, *, own_words: bool = False) -> list[AmountMatch]:
    """Amounts on a line, else on the next line when that holds just one amount.

    The next line's amount is never borrowed from a cash or change line (``SUMME EUR`` / ``BAR EUR
    27,12``: the cash given, not the total), unless ``own_words`` (a payment word looking for its
    amount); a card line below a total word repeats the total.
    """
    amounts = find_amounts(lines[index].text)
    if amounts or index + 1 >= len(lines):
        return amounts
    following = lines[index + 1].text
    amounts = find_amounts(following)
    if len(amounts) != 1 or "%" in following:
        return []
    folded = lines[index + 1].folded
    if not own_words and (CASH.search(folded) or CHANGE.search(folded)):
        return []
    # An item names its goods before the amount; letters after it are a code or the noise a tilted
    # photo adds at the edge (``110,64 Kulli``).
    before = following[: amounts[0].start]
    return amounts if sum(char.isalpha() for char in before) <= 3 else []


def collect_evidence(
    lines: Sequence[TextLine], vat_gross: Decimal | None, items_sum: Decimal | None
) -> Evidence:
    """Card, cash and change amounts, and the lines they are on."""
    card: list[Decimal] = []
    mobile: list[Decimal] = []
    cash: list[Decimal] = []
    change: list[Decimal] = []
    excluded: set[int] = set()
    for index, line in enumerate(lines):
        folded = line.folded
        is_change = bool(CHANGE.search(folded))
        is_cash = bool(CASH.search(folded)) and not is_change
        is_card = bool(CARD.search(folded)) and not NOT_PAYMENT.search(folded) and not is_change
        is_mobile = bool(MOBILE.search(folded))
        if not (is_change or is_cash or is_card or is_mobile):
            continue
        if TOTAL_STRONG.search(folded) and not is_change:
            continue
        # A sign before cash or change (``Cash -50.00``, ``~50,00``) is print or OCR noise.
        amounts = [
            abs(match.value) if is_cash or is_change else match.value
            for match in _amount_for(lines, index, own_words=True)
        ]
        amounts = [amount for amount in amounts if amount >= 0]
        if not amounts:
            continue
        value = amounts[-1]
        if is_change:
            change.append(value)
            excluded.add(index)
        elif is_cash:
            cash.append(value)
            excluded.add(index)
        elif is_mobile:
            mobile.append(value)
        else:
            card.append(value)
    if not cash and not change:
        unlabelled = _unlabelled_cash(lines, vat_gross)
        if unlabelled is not None:
            index, given, returned = unlabelled
            cash.append(given)
            change.append(returned)
            excluded.update((index, index + 1))
    summary = _summary_amounts(lines)
    return Evidence(
        card=tuple(card),
        mobile=tuple(mobile),
        cash_given=tuple(cash),
        change=tuple(change),
        vat_gross=vat_gross,
        items_sum=items_sum,
        excluded_lines=frozenset(excluded),
        rounding=summary.rounding,
        components=summary.components,
        components_explicit=summary.explicit,
        subtotal=summary.subtotal,
    )


def _unlabelled_cash(
    lines: Sequence[TextLine], vat_gross: Decimal | None
) -> tuple[int, Decimal, Decimal] | None:
    """(line index, cash given, change) from two bare amounts whose words the OCR lost.

    The first is a round sum (a multiple of 5) and the difference is an amount printed alone above
    them (the total whose word is lost too) or the sum of the VAT rows.
    """
    bare = [_bare_amount(line.text, need_currency=False) for line in lines]
    for index, (given, returned) in enumerate(pairwise(bare)):
        if given is None or returned is None:
            continue
        if given % 5 != 0 or returned >= given:
            continue
        paid = given - returned
        earlier = {value for value in bare[:index] if value is not None}
        if paid in earlier or paid == vat_gross:
            return index, given, returned
    return None


def _summary_value(line: TextLine) -> Decimal | None:
    """The last amount of a subtotal or tax line, reading ``5142`` as ``51.42`` when the point is lost."""
    amounts = find_amounts(line.text)
    if amounts:
        return amounts[-1].value
    folded = line.folded
    if not (SUBTOTAL.search(folded) or TAX_TOTAL.search(folded)) or "%" in line.text:
        return None
    lost = _LOST_POINT.search(line.text)
    return Decimal(lost[1]) / 100 if lost else None


class Rounding(NamedTuple):
    """A rounding adjustment and the line it is printed on."""

    line: int
    amount: Decimal
    #: Not printed: implied by two total lines a cash rounding apart (:func:`inferred_rounding`).
    inferred: bool = False


class SummaryAmounts(NamedTuple):
    """What the summary lines print: rounding, subtotal + service + tax + rounding, and the subtotal."""

    rounding: Rounding | None
    components: Decimal | None
    #: Whether the subtotal is known to be without tax.
    explicit: bool
    subtotal: Decimal | None


def _summary_amounts(lines: Sequence[TextLine]) -> SummaryAmounts:
    """The rounding adjustment, subtotal + service + tax + rounding (when printed) and the subtotal.

    The sum counts as tax-exclusive (``explicit``) when the subtotal says so, or when the tax line
    prints a rate and its amount is that rate of the subtotal plus service charge.
    """
    rounding: Rounding | None = None
    subtotal: Decimal | None = None
    explicit = False
    tax: Decimal | None = None
    tax_rate: Decimal | None = None
    service: Decimal | None = None
    for index, line in enumerate(lines):
        folded = line.folded
        value = _summary_value(line)
        if value is None:
            continue
        rated = RATED_TAX.search(folded)
        if ROUNDING.search(folded) and not TOTAL_STRONG.search(folded) and abs(value) < 1:
            rounding = Rounding(index, value)
        elif TAX_TOTAL.search(folded) and tax is None and value >= 0:
            tax = value
        elif SUBTOTAL.search(folded) and subtotal is None and value > 0:
            subtotal = value
            explicit = bool(EXCLUDING.search(folded))
        elif subtotal is not None and service is None and SERVICE_CHARGE.search(folded) and value > 0:
            service = value
        elif subtotal is not None and tax is None and rated and not INCLUSIVE.search(folded) and value >= 0:
            tax = value
            tax_rate = Decimal(rated["rate"].replace(",", "."))
    if subtotal is None or tax is None:
        return SummaryAmounts(rounding, None, False, subtotal)
    base = subtotal + (service or 0)
    if tax_rate is not None and abs(base * tax_rate / 100 - tax) <= CENT:
        explicit = True
    return SummaryAmounts(rounding, base + tax + (rounding.amount if rounding else 0), explicit, subtotal)


def _bare_amount(text: str, *, need_currency: bool = True) -> Decimal | None:
    """The amount of a line that holds only one amount (with a currency mark, unless not needed)."""
    amounts = find_amounts(text)
    if len(amounts) != 1 or (need_currency and amounts[0].currency is None) or amounts[0].value <= 0:
        return None
    rest = text[: amounts[0].start] + text[amounts[0].end :]
    return amounts[0].value if not any(char.isalnum() for char in rest) else None


def total_candidates(
    lines: Sequence[TextLine], excluded: frozenset[int], confirmed: frozenset[Decimal] = frozenset()
) -> list[tuple[Decimal, float, int]]:
    """(value, weight, line index) for each amount on a total line.

    A strong total word next to a rate counts only when its amount is among ``confirmed``. An amount
    printed alone on two lines or more (the total and its payment, their words lost at the edge of a
    photo) counts as a line with a currency mark does.
    """
    found: list[tuple[Decimal, float, int]] = []
    alone = [_bare_amount(line.text, need_currency=False) for line in lines]
    repeated = {value for value in alone if value is not None and alone.count(value) >= 2}
    for index, line in enumerate(lines):
        if index in excluded:
            continue
        folded = line.folded
        bare = _bare_amount(line.text)
        if bare is None and alone[index] in repeated:
            bare = alone[index]
        if bare is not None:
            found.append((bare, BARE_AMOUNT_WEIGHT, index))
            continue
        strong = TOTAL_STRONG.search(folded)
        if not strong and (not TOTAL_WEAK.search(folded) or NOT_TOTAL.search(folded)):
            continue
        if ROUNDING.search(folded) and not strong:
            continue
        if CASH.search(folded) or CHANGE.search(folded):
            continue
        rated = ("@" in line.text or "%" in line.text) and not TOTAL_LOCAL.search(folded)
        if rated and not strong:
            continue
        if "%" in line.text and NET_WORD.search(folded):
            # A rate beside a net word is a VAT table's row or header (``ALV Veroton Yhteensä``).
            continue
        amounts = [match for match in _amount_for(lines, index) if match.value > 0]
        if not amounts:
            continue
        # ``Total Incl. GST@6% RM 5,90`` is a total, ``(Total Included GST @ 6% : 1.42)`` a tax:
        # a strong total word next to a rate counts, but less than a plain total line.
        if rated and amounts[-1].value not in confirmed:
            continue
        weight = RATED_TOTAL_WEIGHT if rated else STRONG_WEIGHT if strong else WEAK_WEIGHT
        position = 0.3 * index / max(1, len(lines))
        found.append((amounts[-1].value, weight + position, index))
    return found


def _checks(evidence: Evidence) -> dict[Check, Decimal]:
    """Independent readings of the total, by name."""
    checks: dict[Check, Decimal] = {}
    if evidence.card:
        # Of two card amounts that differ (``Kreditkarte 19,77``, a slip's misread ``EUR 19. 72``), the
        # one the VAT rows or the items repeat.
        others = {evidence.vat_gross, evidence.items_sum}
        checks[Check.CARD] = next((value for value in evidence.card if value in others), evidence.card[-1])
    if evidence.mobile:
        checks[Check.MOBILE] = evidence.mobile[-1]
    if evidence.vat_gross is not None:
        checks[Check.VAT_ROWS] = evidence.vat_gross
    if evidence.cash_paid is not None and evidence.cash_paid > 0:
        checks[Check.CASH_MINUS_CHANGE] = evidence.cash_paid
    elif evidence.cash_given and not evidence.change:
        checks[EXACT_CASH] = evidence.cash_given[-1]
    if evidence.items_sum is not None and evidence.items_sum > 0:
        checks[Check.LINE_ITEMS] = evidence.items_sum
    if evidence.components is not None:
        checks[Check.COMPONENTS] = evidence.components
    return checks


def _agreed_checks(checks: dict[Check, Decimal]) -> dict[Decimal, list[Check]]:
    """Each positive value that two or more checks read, with their names."""
    names: dict[Decimal, list[Check]] = defaultdict(list)
    for name, value in checks.items():
        if value > 0:
            names[value].append(name)
    return {value: found for value, found in names.items() if len(found) >= 2}


def _paid_total_bonus(
    value: Decimal, printed: set[Decimal], checks: dict[Check, Decimal], adjustment: Decimal
) -> float:
    """:data:`PAID_TOTAL_WEIGHT` for a printed total that a payment check confirms, else 0."""
    if value not in printed:
        return 0.0
    paid = (check for name, check in checks.items() if name in PAYMENT_CHECKS)
    return PAID_TOTAL_WEIGHT if any(check in (value, value - adjustment) for check in paid) else 0.0


def choose_total(lines: Sequence[TextLine], evidence: Evidence) -> TotalChoice | None:
    """The best-supported total, or ``None`` when the receipt shows nothing total-like."""
    scores: dict[Decimal, float] = defaultdict(float)
    sources: dict[Decimal, str] = {}
    checks = _checks(evidence)
    # A total word next to a rate may be a tax note (``Total incl. GST @ 6% : 1.42``) or a VAT table's
    # gross column (``ALV 25,5 % ... Yhteensä 75,39``): such a line counts only when a reading outside
    # the VAT block confirms its amount (the VAT rows repeat their own gross).
    outside_vat = frozenset(value for name, value in checks.items() if name not in VAT_BLOCK_CHECKS)
    candidates = total_candidates(lines, evidence.excluded_lines, outside_vat)
    if evidence.rounding is None:
        evidence = dataclasses.replace(evidence, rounding=inferred_rounding(candidates))
    candidates += _rounded(candidates, evidence.rounding)
    printed = {value for value, _, _ in candidates}
    line_confidence: dict[Decimal, float] = {}
    for value, weight, index in candidates:
        seen = value in scores
        scores[value] = max(scores[value], weight) + 0.5 * seen
        sources.setdefault(value, lines[index].text)
        line_confidence[value] = max(line_confidence.get(value, 0.0), lines[index].confidence)
    if evidence.components is not None and evidence.components_explicit and evidence.components > 0:
        scores[evidence.components] += COMPONENTS_WEIGHT
        sources.setdefault(evidence.components, Check.COMPONENTS)
    if scores:
        for value, names in _agreed_checks(checks).items():
            if value not in scores:
                scores[value] = AGREED_CHECKS_WEIGHT
                sources[value] = " and ".join(names)
    from_checks_only = not scores
    if from_checks_only:
        # Cash given without change may be more than the total when the change line is lost.
        fallback = {name: value for name, value in checks.items() if name != EXACT_CASH}
        if evidence.subtotal is not None and evidence.subtotal > 0:
            fallback.setdefault(Check.SUBTOTAL, evidence.subtotal)
        for name, value in fallback.items():
            scores[value] += _fallback_weight(name, value, fallback)
            sources.setdefault(value, name)
        checks = fallback
    if not scores:
        return None
    adjustment = evidence.rounding.amount if evidence.rounding else Decimal(0)

    def agrees_with(check: Decimal, value: Decimal) -> bool:
        return check in (value, value - adjustment)

    for value in list(scores):
        scores[value] += CHECK_WEIGHT * sum(1 for check in checks.values() if agrees_with(check, value))
        scores[value] += _paid_total_bonus(value, printed, checks, adjustment)
    value = max(scores, key=lambda item: (scores[item], item))
    agrees = tuple(name for name, check in checks.items() if agrees_with(check, value))
    if from_checks_only:
        # A value no total line prints is read by its checks: one check alone confirms nothing.
        scores[value] -= CHECK_WEIGHT
        agrees = agrees if len(agrees) > 1 else ()
    confidence = min(0.99, 0.45 + 0.08 * scores[value] + 0.1 * len(agrees))
    strong_amounts = {amount for amount, weight, _ in candidates if weight >= STRONG_WEIGHT}
    contradicted = bool(strong_amounts) and value not in strong_amounts and Check.VAT_ROWS not in agrees
    confidence = min(
        confidence,
        _ceiling(evidence, value, adjustment, line_confidence.get(value, 1.0), agrees),
        REPAIRED_TOTAL if _printed_only_repaired(lines, value) else 1.0,
        CONTRADICTED_TOTAL if contradicted else 1.0,
    )
    return TotalChoice(value, round(confidence, 3), sources.get(value, ""), agrees)


def _fallback_weight(name: Check, value: Decimal, fallback: dict[Check, Decimal]) -> float:
    """How far one check is trusted without any total line (:data:`FALLBACK_WEIGHTS`)."""
    paid = (fallback.get(Check.CARD), fallback.get(Check.MOBILE))
    if name == Check.VAT_ROWS and any(amount is not None and amount > value for amount in paid):
        return INCOMPLETE_VAT_ROWS_WEIGHT
    return FALLBACK_WEIGHTS.get(name, 1.0)


def _rounded(
    candidates: Sequence[tuple[Decimal, float, int]], rounding: Rounding | None
) -> list[tuple[Decimal, float, int]]:
    """The total lines above a rounding adjustment once more, rounded and weighted up."""
    if rounding is None or rounding.amount == 0:
        return []
    return [
        (value + rounding.amount, weight + 0.5, index)
        for value, weight, index in candidates
        if index < rounding.line and value + rounding.amount > 0
    ]


def inferred_rounding(candidates: Sequence[tuple[Decimal, float, int]]) -> Rounding | None:
    """The rounding adjustment two worded total lines imply when no rounding line is read: the last
    amount that differs from an earlier one by at most :data:`CASH_ROUNDING_STEP`."""
    worded = [(value, index) for value, weight, index in candidates if weight >= WEAK_WEIGHT]
    for later, later_index in reversed(worded):
        for earlier, earlier_index in worded:
            if earlier_index < later_index and 0 < abs(later - earlier) <= CASH_ROUNDING_STEP:
                return Rounding(later_index, later - earlier, inferred=True)
    return None


def _ceiling(
    evidence: Evidence, value: Decimal, adjustment: Decimal, line_confidence: float, agrees: Sequence[Check]
) -> float:
    """How sure a total can be at most: a payment amount that differs from it (a misread digit
    somewhere) caps it, and so does a noisy total line that only its payment line repeats, and a rounding
    that no line prints."""
    if evidence.rounding is not None and evidence.rounding.inferred:
        return INFERRED_ROUNDING_TOTAL
    if _disputed(evidence, value, adjustment):
        return DISPUTED_TOTAL
    if line_confidence < NOISY_LINE and set(agrees) <= PAYMENT_CHECKS:
        return NOISY_PAID_TOTAL
    return 1.0


def _printed_only_repaired(lines: Sequence[TextLine], value: Decimal) -> bool:
    """Whether ``value`` is printed somewhere, but only as an amount read through look-alike letters."""
    matches = [match for line in lines for match in find_amounts(line.text) if match.value == value]
    return bool(matches) and all(match.repaired for match in matches)


def _disputed(evidence: Evidence, value: Decimal, adjustment: Decimal) -> bool:
    """Whether a card or mobile payment amount differs from the total (rounding aside)."""
    return any(paid not in (value, value - adjustment) for paid in (*evidence.card, *evidence.mobile))


def payment_method(evidence: Evidence, lines: Sequence[TextLine]) -> tuple[str, float] | None:
    """("card" | "cash" | "mobile", confidence) from the payment lines, or ``None``.

    Without a payment amount, a payment word decides, and a change word (``TAKAISIN``, ``VÄXEL``)
    whose amount the OCR lost still means cash.
    """
    if evidence.mobile:
        return "mobile", 0.8
    if evidence.card:
        return "card", 0.85
    if evidence.cash_given or evidence.change:
        return "cash", 0.85
    for line in lines:
        folded = line.folded
        if CARD.search(folded) and not NOT_PAYMENT.search(folded):
            return "card", 0.5
        if CASH.search(folded) or CHANGE_GIVEN.search(folded):
            return "cash", 0.5
    return None
