"""What was bought: products per family, quantities, weights, discounts and deposits, by seeded choice."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from tests.perf.receipt_corpus.rates import RATE_CHANGE_DATES, vat_rate
from tests.perf.receipt_corpus.truth import CENT, Item, cents

FIRST_DAY = dt.date(2024, 1, 1)
LAST_DAY = dt.date(2026, 11, 20)


@dataclass(frozen=True, slots=True)
class Product:
    """A product a family sells: name, rate category, price range in cents, unit and deposit in cents."""

    name: str
    category: str
    low: int
    high: int
    unit: str = "kpl"
    deposit: int = 0


@dataclass(frozen=True, slots=True)
class BasketStyle:
    """How often a family's receipts have quantities, discounts and how many lines."""

    items: tuple[int, int] = (2, 8)
    long_share: float = 0.0
    long_items: tuple[int, int] = (28, 40)
    quantity_share: float = 0.2
    discount_share: float = 0.1
    percent_discount_share: float = 0.5


def pick_date(rng: random.Random, change_dates: tuple[dt.date, ...] = RATE_CHANGE_DATES) -> dt.date:
    """A date in 2024-2026: half uniform, half within six weeks of a rate change (quarters that span one)."""
    if rng.random() < 0.5:
        span = (LAST_DAY - FIRST_DAY).days
        return FIRST_DAY + dt.timedelta(days=rng.randrange(span + 1))
    anchor = rng.choice(change_dates)
    day = anchor + dt.timedelta(days=rng.randrange(-42, 43))
    return min(max(day, FIRST_DAY), LAST_DAY)


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def make_items(
    products: tuple[Product, ...], style: BasketStyle, country: str, day: dt.date, rng: random.Random
) -> list[Item]:
    """Item lines (gross amounts) for one receipt; discounts follow the line they reduce."""
    long_receipt = rng.random() < style.long_share
    low, high = style.long_items if long_receipt else style.items
    count = rng.randint(low, high)
    items: list[Item] = []
    for _ in range(count):
        product = rng.choice(products)
        rate = vat_rate(country, product.category, day)
        price = cents(rng.randrange(product.low, product.high + 1))
        if product.unit in ("kg", "l"):
            quantity = Decimal(rng.randrange(150, 1800 if product.unit == "kg" else 6000)) / 1000
            if product.unit == "l":
                quantity = quantity.quantize(Decimal("0.01"))
            amount = _round(quantity * price)
            items.append(Item(product.name, amount, rate, "weight", quantity, price, product.unit))
            units = 1
        elif rng.random() < style.quantity_share:
            units = rng.randint(2, 6)
            items.append(Item(product.name, price * units, rate, "item", Decimal(units), price, product.unit))
        else:
            units = 1
            items.append(Item(product.name, price, rate, "item"))
        if rng.random() < style.discount_share:
            line = items[-1]
            if rng.random() < style.percent_discount_share:
                percent = rng.choice((10, 15, 20, 25, 30, 50))
                off = _round(line.amount * percent / 100)
                items.append(Item(f"-{percent} %", -off, rate, "discount"))
            else:
                off = min(cents(rng.choice((20, 50, 100, 150, 200))), line.amount - CENT)
                items.append(Item("", -off, rate, "discount"))
        if product.deposit:
            # Outside VAT in Finland and Estonia; in Sweden and Germany the deposit takes the drink's rate.
            deposit_rate = None if country in ("FI", "EE") else rate
            items.append(
                Item(
                    "",
                    cents(product.deposit) * units,
                    deposit_rate,
                    "deposit",
                    Decimal(units),
                    cents(product.deposit),
                )
            )
    return items
