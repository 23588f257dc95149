"""Ground truth of one receipt: items with rates, VAT rows computed from them, and the JSON label.

Prices are gross (VAT included), as Finnish retail prints them. Per rate, the tax is
``round(gross * rate / (100 + rate), 2)`` half up and the net is ``gross - tax``, so every row has
``net + tax == gross``. Bottle deposits (pantti) are outside VAT in Finland (VAT Act 78 section: deposits
on returnable packaging are not part of the taxable amount): they count in the total, not in any row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from tests.perf.receipt_corpus.parties import Seller
from tests.perf.receipt_corpus.rates import CURRENCY, quarter

CENT = Decimal("0.01")
Kind = Literal["sale", "refund", "deposit_return", "card_slip"]
ItemKind = Literal["item", "weight", "discount", "deposit"]


def cents(value: int) -> Decimal:
    """Cents as a two-place decimal."""
    return (Decimal(value) / 100).quantize(CENT)


@dataclass(frozen=True, slots=True)
class Item:
    """One printed line that adds to the total. ``rate`` is ``None`` for VAT-free lines (deposits)."""

    name: str
    amount: Decimal
    rate: Decimal | None
    kind: ItemKind = "item"
    quantity: Decimal | None = None
    unit_price: Decimal | None = None
    unit: str = "kpl"
    code: str = ""

    def to_json(self) -> dict[str, Any]:
        """The item as label JSON."""
        return {
            "name": self.name,
            "kind": self.kind,
            "quantity": None if self.quantity is None else str(self.quantity),
            "unit": self.unit if self.quantity is not None else None,
            "unit_price": None if self.unit_price is None else str(self.unit_price),
            "amount": str(self.amount),
            "rate": None if self.rate is None else str(self.rate),
        }


@dataclass(frozen=True, slots=True)
class VatRow:
    """One rate's amounts: ``net + tax == gross``."""

    rate: Decimal
    net: Decimal
    tax: Decimal
    gross: Decimal
    code: str = ""

    def to_json(self) -> dict[str, str]:
        """The row as label JSON (the bench's and the engine's keys)."""
        return {"rate": str(self.rate), "net": str(self.net), "tax": str(self.tax), "gross": str(self.gross)}


def vat_rows(items: list[Item], codes: dict[Decimal, str] | None = None) -> tuple[VatRow, ...]:
    """Rows per rate, highest rate first, from the items' gross amounts."""
    by_rate: dict[Decimal, Decimal] = {}
    for item in items:
        if item.rate is not None:
            by_rate[item.rate] = by_rate.get(item.rate, Decimal(0)) + item.amount
    rows = []
    for rate in sorted(by_rate, reverse=True):
        gross = by_rate[rate]
        tax = (gross * rate / (100 + rate)).quantize(CENT, rounding=ROUND_HALF_UP)
        rows.append(VatRow(rate, gross - tax, tax, gross, (codes or {}).get(rate, "")))
    return tuple(rows)


@dataclass(frozen=True, slots=True)
class Receipt:
    """Everything the generator decided about one receipt; the printed lines come from its family."""

    receipt_id: str
    family: str
    split: Literal["tuning", "held_out"]
    country: str
    language: str
    kind: Kind
    seller: Seller
    date: dt.date
    time: dt.time
    items: tuple[Item, ...]
    vat: tuple[VatRow, ...]
    payment: str
    receipt_number: str
    deductible_fi: bool
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def currency(self) -> str:
        """ISO code of the receipt's currency."""
        return CURRENCY[self.country]

    @property
    def total(self) -> Decimal:
        """Sum of every item line (VAT rows plus VAT-free lines)."""
        return sum((item.amount for item in self.items), Decimal("0.00"))

    @property
    def vat_free(self) -> Decimal:
        """The VAT-free part of the total (deposits)."""
        return sum((item.amount for item in self.items if item.rate is None), Decimal("0.00"))

    def label(self) -> dict[str, Any]:
        """The ground-truth JSON of this receipt (without the rendering fields)."""
        return {
            "id": self.receipt_id,
            "family": self.family,
            "split": self.split,
            "country": self.country,
            "language": self.language,
            "currency": self.currency,
            "kind": self.kind,
            "merchant": self.seller.trade_name,
            "company": self.seller.legal_name,
            "business_id": self.seller.business_id,
            "vat_number": self.seller.vat_number,
            "date": self.date.isoformat(),
            "quarter": quarter(self.date),
            "time": self.time.strftime("%H:%M"),
            "total": str(self.total),
            "vat_free": str(self.vat_free),
            "vat": [row.to_json() for row in self.vat],
            "items": [item.to_json() for item in self.items],
            "payment": self.payment,
            "receipt_number": self.receipt_number,
            "deductible_fi": self.deductible_fi,
        }
