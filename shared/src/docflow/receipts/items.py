"""Purchased lines: a name and an amount, with quantity and unit price when printed.

Items are the rows above the first total line that end in an amount and start with a name.
Quantities appear as ``2 KPL x 1,50``, ``2 x 1,50``, ``2 ST à 1,50`` or ``0,764 kg x 1,99 €/kg``,
either on the item's row or on the row below it. Discounts (ALENNUS, RABATT) and deposits (PANTTI,
PANT) are items too, so the items add up to the total.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from docflow.receipts.dates import find_dates
from docflow.receipts.lines import TextLine
from docflow.receipts.models import LineItem
from docflow.receipts.numbers import CENT, find_amounts
from docflow.receipts.vocabulary import (
    CARD,
    CASH,
    CHANGE,
    NOT_MERCHANT,
    ROUNDING,
    SUBTOTAL,
    TOTAL_STRONG,
    TOTAL_WEAK,
    VAT_WORD,
)

_QUANTITY = re.compile(
    r"(?<![\d,.])(?P<qty>\d+(?:[.,]\d{1,3})?)\s?(?:KPL|PCS?|ST|KG|X|\*)?\s?(?:[xX*á@à]|A)\s?"
    r"(?P<price>\d+[.,]\d{2})",
    re.IGNORECASE,
)


def _quantity(text: str) -> tuple[Decimal, Decimal, int] | None:
    """(quantity, unit price, where the quantity starts) when the row prints them."""
    match = _QUANTITY.search(text)
    if match is None:
        return None
    quantity = Decimal(match["qty"].replace(",", "."))
    price = Decimal(match["price"].replace(",", ".")).quantize(CENT)
    return quantity, price, match.start()


def find_items(lines: Sequence[TextLine], stop: int | None, start: int = 0) -> list[LineItem]:
    """Line items from line ``start`` (below the header) up to ``stop`` (the first total line)."""
    items: list[LineItem] = []
    end = len(lines) if stop is None else stop
    for line in lines[start:end]:
        folded = line.folded
        amounts = find_amounts(line.text)
        quantity = _quantity(line.text)
        if quantity and items and sum(char.isalpha() for char in line.text[: quantity[2]]) < 2:
            last = items[-1]
            if abs(quantity[0] * quantity[1] - last.amount) <= CENT:
                items[-1] = LineItem(last.name, last.amount, quantity[0], quantity[1])
                continue
        if not amounts or TOTAL_STRONG.search(folded) or TOTAL_WEAK.search(folded) or SUBTOTAL.search(folded):
            continue
        if CASH.search(folded) or CHANGE.search(folded) or CARD.search(folded) or ROUNDING.search(folded):
            continue
        if (
            VAT_WORD.search(folded)
            or NOT_MERCHANT.search(folded)
            or find_dates(line.text)
            or "%" in line.text
        ):
            continue
        amount = amounts[-1].value
        qty = quantity if quantity and abs(quantity[0] * quantity[1] - amount) <= CENT else None
        cut = min(amounts[0].start, qty[2]) if qty else amounts[0].start
        name = line.text[:cut].strip(" .:-*")
        if sum(char.isalpha() for char in name) < 2:
            continue
        items.append(LineItem(name, amount, qty[0] if qty else None, qty[1] if qty else None))
    return items
