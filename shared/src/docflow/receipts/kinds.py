"""What kind of paper a receipt is: a sale, a refund, a deposit-return voucher or a card slip.

A refund prints a refund word (``PALAUTUS``, ``HYVITYS``, ``RETUR``, ``Storno``) as a title or next to
a negative total; it is read as a sale with its signs removed and negated afterwards, so the total and
the VAT rows come out negative. A bottle-deposit return slip (``PULLONPALAUTUS``, ``Pfandbon``,
``Pantkvitto``) without VAT rows or payment is a voucher, not a purchase. A slip that prints card-terminal
codes (application id, masked card number, approval), one or two amounts and no VAT rows is a card
slip: its only amount is the payment.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

from docflow.receipts.lines import TextLine
from docflow.receipts.models import ReceiptKind
from docflow.receipts.numbers import find_amounts
from docflow.receipts.vocabulary import (
    CARD_PURCHASE,
    CARD_SLIP_CUES,
    DEPOSIT_RETURN,
    REFUND,
    TOTAL_STRONG,
    TOTAL_WEAK,
)

#: A minus sign before (``-12,50``) or after (``12,50-``) an amount.
_LEADING_SIGN = re.compile(r"[-−–]\s?(?=\d+[.,]\d{2}(?!\d))")
_TRAILING_SIGN = re.compile(r"(?<=\d[.,]\d\d)-(?!\d)")
#: A word of an item's name.
_WORD = re.compile(r"[A-Z]{3}")
#: A refund title holds at most this many words besides the refund word (``PALAUTUSKUITTI``, ``RETUR``).
_TITLE_WORDS = 2
#: Distinct card-terminal cues a card slip prints at least.
_SLIP_CUES = 2
#: A card slip prints the purchase amount, perhaps a tip and their sum: no more distinct amounts.
_SLIP_AMOUNTS = 3


def is_refund(lines: Sequence[TextLine]) -> bool:
    """A refund word as a title, next to a negative amount, or on a receipt with a negative total; or,
    the refund word misread, every amount above the total negative (each returned item is printed
    with its minus) and no deposit-return word."""
    titled = False
    for line in lines:
        folded = line.folded
        # ``PULLON PALAUTUS`` (a deposit-return title the OCR split in two) is no refund title.
        if not REFUND.search(folded) or DEPOSIT_RETURN.search(folded):
            continue
        amounts = find_amounts(line.text)
        if any(match.value < 0 for match in amounts):
            return True
        rest = REFUND.sub(" ", folded).split()
        if not amounts and len(rest) <= _TITLE_WORDS:
            titled = True
    return (
        titled
        or (_negative_total(lines) and any(REFUND.search(line.folded) for line in lines))
        or (_negative_items(lines) and not any(DEPOSIT_RETURN.search(line.folded) for line in lines))
    )


#: Amounts above the total that must all be negative before a receipt without a readable refund word
#: counts as a refund: one negative line alone may be a discount or a deposit returned.
_NEGATIVE_ITEMS = 2


def _negative_items(lines: Sequence[TextLine]) -> bool:
    """At least :data:`_NEGATIVE_ITEMS` amounts on named lines above the first total line (a line
    without a word, such as a date and time, is no item), every one of them negative."""
    values: list[Decimal] = []
    for line in lines:
        folded = line.folded
        if TOTAL_STRONG.search(folded) or TOTAL_WEAK.search(folded):
            return len(values) >= _NEGATIVE_ITEMS and all(value < 0 for value in values)
        if _WORD.search(folded):
            values.extend(match.value for match in find_amounts(line.text))
    return False


def _negative_total(lines: Sequence[TextLine]) -> bool:
    for line in lines:
        folded = line.folded
        if TOTAL_STRONG.search(folded) or TOTAL_WEAK.search(folded):
            amounts = find_amounts(line.text)
            if amounts and amounts[-1].value < 0:
                return True
    return False


def unsigned(lines: Sequence[TextLine]) -> list[TextLine]:
    """The lines with the minus signs of their amounts removed (a refund read as a sale)."""
    result: list[TextLine] = []
    for line in lines:
        text = _TRAILING_SIGN.sub("", _LEADING_SIGN.sub("", line.text))
        result.append(line if text == line.text else replace(line, text=text))
    return result


def is_deposit_return(lines: Sequence[TextLine], *, has_vat: bool, has_payment: bool) -> bool:
    """A reverse-vending-machine voucher: a deposit-return word, no VAT rows and no payment."""
    return not has_vat and not has_payment and any(DEPOSIT_RETURN.search(line.folded) for line in lines)


def card_slip_amount(lines: Sequence[TextLine]) -> Decimal | None:
    """The purchase amount of a card-terminal slip (the last amount on a purchase or total line)."""
    for line in lines:
        folded = line.folded
        if CARD_PURCHASE.search(folded) or TOTAL_STRONG.search(folded) or TOTAL_WEAK.search(folded):
            amounts = [match for match in find_amounts(line.text) if match.value > 0]
            if amounts:
                return amounts[-1].value
    return None


def is_card_slip(lines: Sequence[TextLine], *, has_vat: bool) -> bool:
    """Card-terminal codes (two distinct cues at least), no VAT rows and one or two amounts only."""
    amounts = {match.value for line in lines for match in find_amounts(line.text) if match.value > 0}
    if has_vat or len(amounts) > _SLIP_AMOUNTS:
        return False
    cues = {match.group(0).split()[0][:4] for line in lines for match in CARD_SLIP_CUES.finditer(line.folded)}
    return len(cues) >= _SLIP_CUES


def receipt_kind(lines: Sequence[TextLine], *, refund: bool, has_vat: bool, has_payment: bool) -> ReceiptKind:
    """The kind of the receipt, ``sale`` unless its print says otherwise."""
    if refund:
        return "refund"
    if is_deposit_return(lines, has_vat=has_vat, has_payment=has_payment):
        return "deposit_return"
    if is_card_slip(lines, has_vat=has_vat):
        return "card_slip"
    return "sale"
