"""Purchased lines: a name and an amount, with quantity, unit price, discount and deposit.

Items are the rows above the first total line that end in an amount and start with a name. A row
below an item belongs to it when it is

- a quantity row: ``2 KPL x 1,50``, ``3 x 39,90  119,70``, ``2 ST à 1,50``, ``3 tk x 1,00`` or a weight
  ``0,512 kg x 3,98 €/kg  2,04``; a name row without an amount takes its amount from such a row;
- a discount row: ``Alennus -1,00``, ``Etu -20 %``, ``Rabatt``, ``Erbjudande``, ``Kampanja``,
  ``Preisvorteil``;
- a deposit row: ``Pantti 0,40``, ``Pfand 0,25``, ``Pant``.

A row that prints a VAT rate column (``Hiiri  2  19,90  25,5 %  39,80``, web shops and invoices) is
an item with its count and unit price. A number followed by a word (``OLUT 0,33 TLK``) is part of the
name; a nameless quantity row whose own amount fits belongs to the row above even when that row's
last number looked like a price (``Kuohuviini 0,75 l`` over ``4 x 32,36  129,44``).

An item's ``amount`` is what it adds to the total (price + discount + deposit), so the items add up
to the total. A discount larger than the item above, or one below no item, is an item of its own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

from docflow.receipts.dates import find_dates
from docflow.receipts.lines import TextLine
from docflow.receipts.models import LineItem
from docflow.receipts.numbers import CENT, AmountMatch, find_amounts, repair_lookalikes
from docflow.receipts.vat import known_rates
from docflow.receipts.vocabulary import (
    CARD,
    CASH,
    CHANGE,
    DEPOSIT,
    DISCOUNT,
    NOT_MERCHANT,
    ROUNDING,
    SUBTOTAL,
    TOTAL_STRONG,
    TOTAL_WEAK,
    VAT_WORD,
)

#: A quantity's unit; a litre's ``l`` is often read as ``|``, or as ``1`` after a measured quantity
#: (``4,70 1 x 1,67 €/1``).
_UNIT = r"KPL|PCS?|STK|ST|TK|KG|G|L|\||(?<=[.,]\d\d\s)1(?=\s?[xX*])|(?<=[.,]\d{3}\s)1(?=\s?[xX*])|X|\*"
#: The sign between a quantity and its unit price; after a count's unit the ``à`` may be misread as
#: another mark or a digit, or left out (``2 kpl 4 10,19``, ``3 kpl 11,50``).
_TIMES = r"[xX*á@àä&]|A|(?:(?<=KPL\s)|(?<=STK\s)|(?<=ST\s)|(?<=TK\s)|(?<=PCS\s))(?:[^\s\d]?\d?(?=\s))?"
#: A quantity and unit price: ``3 x 39,90``, ``0,512 kg x 3,98 €/kg``, ``5,06 l x 1,77 €/l`` (the
#: price's comma may be read as a colon or followed by a space, its digits as look-alike letters).
_QUANTITY = re.compile(
    rf"(?<![\d,.])(?P<qty>\d+(?:[.,]\d{{1,3}})?)\s?(?P<unit>{_UNIT})?\.?\s?(?:{_TIMES})\s?"
    r"(?P<price>\d+[.,:]\s?\d{2})(?:\s?(?:€|EUR)?\s?/\s?(?:KG|L|KPL|ST|STK|TK|1))?",
    re.IGNORECASE,
)
#: A percentage printed on a discount row (``Etu -20 %``).
_PERCENT = re.compile(r"(?P<value>\d{1,2}(?:[.,]\d{1,2})?)\s?%")
#: A VAT letter code printed after an item's amount (``1,99 A``, ``0,89 B*``) is not part of its name.
_MIN_NAME_LETTERS = 2
#: A fuel grade is an item's name though it has one letter (``95E10``, ``98E5``, ``E85``); its litres
#: and litre price follow on the next row.
_FUEL_GRADE = re.compile(r"(?:9[58]\s?E\s?(?:5|10)|E\s?85)", re.IGNORECASE)
#: A name of a row with a rate column is a word, not a letter code (``A 25,5 %``, ``B14%``).
_MIN_NAME_WORD = 3
#: A count printed between the name and the unit price in a row with a rate column.
_COUNT_AFTER_NAME = re.compile(r"\s(?P<count>\d{1,3})\s*(?:KPL|PCS?|STK|ST|TK)?\.?$", re.IGNORECASE)
#: Every VAT rate of the countries read, for telling a rate column from other percentages.
_ANY_RATE = known_rates(None)
#: A row equal to the sum of the items above it is taken for the total when at least this many are above.
_ITEMS_BEFORE_A_SUM = 3
#: Text after a row's last number that makes the number part of the name (``OLUT 0,33 TLK``): a word
#: of three letters or more. A VAT letter code (``A``, ``B*``) after an amount leaves it the price; a
#: currency printed with it (``1,07 EUR``, ``65,09 kr``) is part of the amount's match.
_WORD_AFTER = re.compile(r"[^\W\d_]{3,}")


#: An item row's amount whose decimal comma the OCR read as a colon (``RUISLEIPÄ 1:57``): the row's
#: last token, after a name, on a row without a word of time (a duration, ``Kesto 0:30``, is no price).
_COLON_AMOUNT = re.compile(r"(?<=[^\W\d_]{2}\s)(\d{1,3}):(\d{2})(?=[,.]?\s*$)")
_TIME_WORDS = re.compile(
    r"(?<![A-Z])(?:KLO|KELLO|AIKA\w*|KESTO|TIME|TID|UHR|ZEIT|SAAPU\w*|POISTU\w*)(?![A-Z])"
)


def _with_colon_amount(text: str, folded: str) -> str:
    """``text`` with an item amount whose comma was read as a colon written with its comma (same
    length, so positions in it stay those of the printed row)."""
    if _TIME_WORDS.search(folded):
        return text
    return _COLON_AMOUNT.sub(r"\1,\2", text)


def _quantity(text: str) -> tuple[Decimal, Decimal, int, int] | None:
    """(quantity, unit price, where the quantity starts and ends) when the row prints them."""
    match = _QUANTITY.search(repair_lookalikes(text))
    if match is None:
        return None
    quantity = Decimal(match["qty"].replace(",", "."))
    price = Decimal(re.sub(r"[.,:]\s?", ".", match["price"])).quantize(CENT)
    return quantity, price, match.start(), match.end()


def _fits(quantity: Decimal, price: Decimal, amount: Decimal) -> bool:
    """Whether ``amount`` is ``quantity`` x ``price``, rounded to the cent."""
    return abs((quantity * price).quantize(CENT, ROUND_HALF_UP) - amount) <= CENT


def _letters(text: str) -> int:
    return sum(char.isalpha() for char in text)


def _is_summary(folded: str) -> bool:
    """Total, subtotal, payment, change, rounding and VAT rows: never items."""
    return bool(
        TOTAL_STRONG.search(folded)
        or TOTAL_WEAK.search(folded)
        or SUBTOTAL.search(folded)
        or CASH.search(folded)
        or CHANGE.search(folded)
        or CARD.search(folded)
        or ROUNDING.search(folded)
        or VAT_WORD.search(folded)
        or NOT_MERCHANT.search(folded)
    )


def _number_in_name(text: str, last: AmountMatch) -> bool:
    """Whether a word follows the row's last amount, so that the amount belongs to the name."""
    return bool(_WORD_AFTER.search(text[last.end :]))


def _discount_value(line: TextLine, amounts: list[AmountMatch], item: LineItem) -> Decimal | None:
    """The (negative) discount a discount row gives the item above it."""
    if amounts:
        return -abs(amounts[-1].value)
    percent = _PERCENT.search(line.text)
    if percent is None:
        return None
    share = Decimal(percent["value"].replace(",", "."))
    return -(item.price * share / 100).quantize(CENT, ROUND_HALF_UP)


class _ItemReader:
    """Reads rows one by one, attaching quantity, discount and deposit rows to the item above."""

    def __init__(self) -> None:
        self.items: list[LineItem] = []
        #: A name row without an amount, waiting for its quantity row.
        self.pending_name: str | None = None
        #: Whether the last row read was an item or one of its rows (a discount may follow).
        self.attached = False
        #: The text of the last row when it was read as an item on its own (no row attached yet).
        self.item_row: str | None = None

    def read(self, line: TextLine) -> None:
        item_row, self.item_row = self.item_row, None
        folded = line.folded
        line = replace(line, text=_with_colon_amount(line.text, folded))
        amounts = find_amounts(line.text)
        quantity = _quantity(line.text)
        if self._quantity_row(line, amounts, quantity, item_row):
            return
        if self._discount_or_deposit_row(line, folded, amounts):
            return
        self.pending_name = None
        if _is_summary(folded) or find_dates(line.text):
            self.attached = False
            return
        if amounts and _number_in_name(line.text, amounts[-1]):
            amounts = []
        if not amounts:
            name = line.text.strip(" .:-*")
            named = _letters(name) >= _MIN_NAME_LETTERS or _FUEL_GRADE.fullmatch(name) is not None
            self.pending_name = name if named and "%" not in name else None
            self.attached = False
            return
        if "%" in line.text:
            self._rate_column_row(line, amounts)
            return
        amount = amounts[-1].value
        qty = quantity if quantity and _fits(quantity[0], quantity[1], amount) else None
        cut = min(amounts[0].start, qty[2]) if qty else amounts[0].start
        name = line.text[:cut].strip(" .:-*")
        if _letters(name) < _MIN_NAME_LETTERS:
            self.attached = False
            return
        self.items.append(LineItem(name, amount, qty[0] if qty else None, qty[1] if qty else None))
        self.attached = True
        self.item_row = None if qty else line.text

    def _rate_column_row(self, line: TextLine, amounts: list[AmountMatch]) -> None:
        """An item row with a VAT rate column, as web shops and invoices print them (``Hiiri 2 19,90
        25,5 % 39,80``): a name, perhaps a count and a unit price, the rate, and the row's amount last.
        Any other row with a percentage (a VAT row, a discount without a word) is no item."""
        self.attached = False
        rates = list(_PERCENT.finditer(line.text))
        if len(rates) != 1 or Decimal(rates[0]["value"].replace(",", ".")) not in _ANY_RATE:
            return
        rate_start, rate_end = rates[0].span()
        priced = [match for match in amounts if match.end <= rate_start or match.start >= rate_end]
        if not priced or priced[-1].start < rate_end:
            return
        name = line.text[: min(priced[0].start, rate_start)].strip(" .:-*")
        count = _COUNT_AFTER_NAME.search(name)
        if count is not None:
            name = name[: count.start()].strip(" .:-*")
        if _letters(name) < _MIN_NAME_WORD:
            return
        amount, quantity, unit_price = priced[-1].value, None, None
        if count is not None and len(priced) >= 2:
            counted = Decimal(count["count"])
            if _fits(counted, priced[-2].value, amount):
                quantity, unit_price = counted, priced[-2].value
        self.items.append(LineItem(name, amount, quantity, unit_price))
        self.attached = True

    def _quantity_row(
        self,
        line: TextLine,
        amounts: list[AmountMatch],
        quantity: tuple[Decimal, Decimal, int, int] | None,
        item_row: str | None,
    ) -> bool:
        """A row that prints the quantity (and perhaps the amount) of the item above it.

        When the row above was read as an item whose amount the quantity does not give, and this row
        prints its own amount that does, the number above was part of the name (``Kuohuviini 0,75``
        over ``4 x 32,36  129,44``): a row without a name always belongs to the name above it.
        """
        if quantity is None or _letters(line.text[: quantity[2]]) >= _MIN_NAME_LETTERS:
            return False
        count, price = quantity[0], quantity[1]
        after = [match for match in amounts if match.start >= quantity[3]]
        if self.pending_name is not None:
            amount = after[-1].value if after else (count * price).quantize(CENT, ROUND_HALF_UP)
            if _fits(count, price, amount):
                self.items.append(LineItem(self.pending_name, amount, count, price))
                self.pending_name = None
                self.attached = True
                return True
        if self.items and self.attached:
            last = self.items[-1]
            if last.quantity is None and _fits(count, price, last.price):
                self.items[-1] = replace(last, quantity=count, unit_price=price)
                return True
            if item_row is not None and after and _fits(count, price, after[-1].value):
                name = item_row.strip(" .:-*")
                self.items[-1] = LineItem(name, after[-1].value, count, price)
                return True
        return False

    def _discount_or_deposit_row(self, line: TextLine, folded: str, amounts: list[AmountMatch]) -> bool:
        """A discount or deposit row, attached to the item above when there is one."""
        is_discount = bool(DISCOUNT.search(folded)) and not DEPOSIT.search(folded)
        is_deposit = bool(DEPOSIT.search(folded)) and not is_discount
        if not (is_discount or is_deposit) or _is_summary(folded):
            return False
        last = self.items[-1] if self.items and self.attached else None
        if is_discount and last is not None:
            value = _discount_value(line, amounts, last)
            if value is not None and -value <= last.price:
                self.items[-1] = replace(
                    last, amount=last.amount + value, discount=(last.discount or 0) + value
                )
                self.pending_name = None
                return True
        if is_deposit and last is not None and amounts and amounts[-1].value > 0:
            value = amounts[-1].value
            self.items[-1] = replace(last, amount=last.amount + value, deposit=(last.deposit or 0) + value)
            self.pending_name = None
            return True
        if not amounts:
            return False
        # Below no item: a row of its own (a receipt-wide discount, a deposit after the drinks).
        value = -abs(amounts[-1].value) if is_discount else amounts[-1].value
        name = line.text[: amounts[0].start].strip(" .:-*")
        self.items.append(LineItem(name or line.text.strip(), value))
        self.pending_name = None
        self.attached = False
        return True


def find_items(lines: Sequence[TextLine], stop: int | None, start: int = 0) -> list[LineItem]:
    """Line items from line ``start`` (below the header) up to ``stop`` (the first total line)."""
    reader = _ItemReader()
    end = len(lines) if stop is None else stop
    for line in lines[start:end]:
        reader.read(line)
    return _before_unnamed_total(reader.items)


def _before_unnamed_total(items: list[LineItem]) -> list[LineItem]:
    """The items above a row that prints exactly the sum of the items before it: the total, its word
    lost (``a H. 731,07``), and the payment rows below it are no items."""
    running = Decimal("0.00")
    for index, item in enumerate(items):
        if index >= _ITEMS_BEFORE_A_SUM and item.amount == running and running > 0:
            return items[:index]
        running += item.amount
    return items
