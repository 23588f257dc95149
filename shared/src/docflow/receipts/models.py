"""Value types of an extracted receipt: fields with confidences, VAT rows, line items, warnings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, Literal, TypeVar

from docflow.receipts.country import is_foreign

T = TypeVar("T")

PaymentMethod = Literal["card", "cash", "mobile", "invoice"]
#: What the paper is: a sale, a refund (negative total and VAT), a bottle-deposit return voucher
#: (no purchase, no VAT) or a card-terminal slip (the amount only, no VAT breakdown).
ReceiptKind = Literal["sale", "refund", "deposit_return", "card_slip"]
RECEIPT_KINDS: tuple[ReceiptKind, ...] = ("sale", "refund", "deposit_return", "card_slip")

#: The single-valued fields of :class:`ReceiptData`, in output order.
FIELD_NAMES: tuple[str, ...] = (
    "merchant",
    "business_id",
    "vat_number",
    "address",
    "date",
    "time",
    "total",
    "currency",
    "country",
    "payment",
    "receipt_number",
)


@dataclass(frozen=True, slots=True)
class Field(Generic[T]):
    """One extracted value, how sure the extractor is (0..1) and the text it came from."""

    value: T
    confidence: float
    source: str = ""


@dataclass(frozen=True, slots=True)
class VatRow:
    """One row of the VAT breakdown: the rate in percent and the net, tax and gross amounts."""

    rate: Decimal
    net: Decimal
    tax: Decimal
    gross: Decimal
    confidence: float = 1.0

    def to_json(self) -> dict[str, str | float]:
        """The row as decimal strings with a dot, and its confidence (0..1)."""
        return {
            "rate": format_decimal(self.rate),
            "net": format_decimal(self.net),
            "tax": format_decimal(self.tax),
            "gross": format_decimal(self.gross),
            "confidence": round(self.confidence, 3),
        }


@dataclass(frozen=True, slots=True)
class LineItem:
    """One purchased line: a name, an optional quantity and unit price, and what it adds to the total.

    ``amount`` is the item's share of the total: the printed price plus its ``discount`` (negative)
    and its ``deposit`` (bottle deposit), so the items of a receipt add up to its total.
    """

    name: str
    amount: Decimal
    quantity: Decimal | None = None
    unit_price: Decimal | None = None
    discount: Decimal | None = None
    deposit: Decimal | None = None

    @property
    def price(self) -> Decimal:
        """The printed line price, before discount and deposit."""
        return self.amount - (self.discount or 0) - (self.deposit or 0)

    def to_json(self) -> dict[str, str | None]:
        """The item with decimal strings with a dot."""

        def plain(value: Decimal | None) -> str | None:
            return None if value is None else format_decimal(value)

        return {
            "name": self.name,
            "quantity": plain(self.quantity),
            "unit_price": plain(self.unit_price),
            "discount": plain(self.discount),
            "deposit": plain(self.deposit),
            "amount": format_decimal(self.amount),
        }


@dataclass(frozen=True, slots=True)
class ReceiptWarning:
    """Something a reviewer should look at; ``code`` is stable, ``message`` is for people."""

    code: str
    message: str

    def to_json(self) -> dict[str, str]:
        """The warning as a JSON object."""
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True, slots=True)
class ReceiptData:
    """Everything read from one receipt. A field the extractor could not find is ``None``."""

    merchant: Field[str] | None = None
    business_id: Field[str] | None = None
    vat_number: Field[str] | None = None
    address: Field[str] | None = None
    date: Field[dt.date] | None = None
    time: Field[dt.time] | None = None
    total: Field[Decimal] | None = None
    currency: Field[str] | None = None
    #: ISO 3166 code of the country the receipt was issued in, read from the receipt itself
    #: (``docflow.receipts.country``); ``None``: the receipt gives no evidence.
    country: Field[str] | None = None
    vat: tuple[VatRow, ...] = ()
    payment: Field[PaymentMethod] | None = None
    receipt_number: Field[str] | None = None
    items: tuple[LineItem, ...] = ()
    warnings: tuple[ReceiptWarning, ...] = ()
    kind: ReceiptKind = "sale"

    @property
    def is_foreign(self) -> bool:
        """Issued outside Finland: its VAT is never Finnish deductible input VAT."""
        return is_foreign(None if self.country is None else self.country.value)

    @property
    def confidence(self) -> float:
        """Overall confidence: the mean over the key fields (merchant, date, total), 0 for a missing one."""
        key_fields = (self.merchant, self.date, self.total)
        return round(sum(f.confidence for f in key_fields if f is not None) / len(key_fields), 3)

    def field_confidences(self) -> dict[str, float]:
        """Confidence of every field that was found, by field name."""
        found: dict[str, float] = {}
        for name in FIELD_NAMES:
            value = getattr(self, name)
            if value is not None:
                found[name] = round(value.confidence, 3)
        return found

    def to_json(self) -> dict[str, Any]:
        """The receipt in the JSON contract of ``docflow receipts scan`` (without ``file`` and ``error``)."""

        def plain(item: Field[Any] | None) -> Any:
            return None if item is None else item.value

        date = plain(self.date)
        time = plain(self.time)
        total = plain(self.total)
        return {
            "merchant": plain(self.merchant),
            "business_id": plain(self.business_id),
            "vat_number": plain(self.vat_number),
            "address": plain(self.address),
            "date": None if date is None else date.isoformat(),
            "time": None if time is None else time.strftime("%H:%M"),
            "total": None if total is None else format_decimal(total),
            "currency": plain(self.currency),
            "country": plain(self.country),
            "is_foreign": self.is_foreign,
            "kind": self.kind,
            "vat": [row.to_json() for row in self.vat],
            "payment": plain(self.payment),
            "receipt_number": plain(self.receipt_number),
            "items": [item.to_json() for item in self.items],
            "confidence": {"overall": self.confidence, **self.field_confidences()},
            "warnings": [warning.to_json() for warning in self.warnings],
        }


def format_decimal(value: Decimal) -> str:
    """A decimal as a plain string with a dot and no exponent (``Decimal("12.3")`` -> ``"12.3"``)."""
    return format(value, "f")
