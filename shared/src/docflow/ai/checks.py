"""The receipt engine's checks applied to a model's reading, field by field.

A value is taken only when it passes: a merchant and a Y-tunnus printed on the receipt (the Y-tunnus
with a valid check digit), a plausible date printed on it, VAT rows whose arithmetic holds and whose
rates are valid on the date in the receipt's country, and a total that is printed on the receipt and
equals the VAT rows' gross sum. Each refusal names its check.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

#: Rounding slack of net + tax = gross and of the rows' sum against the total (per row).
CENT = Decimal("0.01")
EARLIEST_DATE = dt.date(2000, 1, 1)
MAX_AMOUNT = Decimal("1000000")
MAX_VAT_ROWS = 6
_YTUNNUS = re.compile(r"^[0-9]{7}-[0-9]$")
_AMOUNT = re.compile(r"^-?[0-9]{1,9}(\.[0-9]{1,2})?$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

#: The fields a second reading may fill, in the order they are checked (the date before the rows).
READ_FIELDS = ("merchant", "business_id", "date", "vat", "total")


@dataclass(frozen=True, slots=True)
class VatLine:
    """One checked VAT row."""

    rate: Decimal
    net: Decimal
    tax: Decimal
    gross: Decimal


@dataclass(frozen=True, slots=True)
class Verdict:
    """A field's check: the value when accepted, else ``reason`` (a stable code)."""

    value: Any = None
    reason: str | None = None

    @property
    def accepted(self) -> bool:
        """Whether the value passed."""
        return self.reason is None


def _amount(value: object) -> Decimal | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not _AMOUNT.match(value.strip()):
        return None
    try:
        return Decimal(value.strip())
    except InvalidOperation:
        return None


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def _digits(text: str) -> str:
    return re.sub(r"[^0-9]", "", text)


def amount_printed(amount: Decimal, text: str) -> bool:
    """Whether ``amount`` is printed in ``text`` (``12,50`` or ``12.50``, not as part of a longer number)."""
    plain = f"{amount:.2f}"
    for form in {plain, plain.replace(".", ",")}:
        if re.search(rf"(?<![0-9.,]){re.escape(form)}(?![0-9])", text):
            return True
    return False


def check_merchant(value: object, text: str) -> Verdict:
    """A name of 1 to 200 characters printed on the receipt."""
    if not isinstance(value, str) or not value.strip() or len(value) > 200 or _CONTROL.search(value):
        return Verdict(reason="format")
    if _fold(value) not in _fold(text):
        return Verdict(reason="not_in_text")
    return Verdict(value=value.strip())


def check_business_id(value: object, text: str) -> Verdict:
    """A Y-tunnus ``1234567-8`` with a valid check digit, printed on the receipt."""
    from docflow.receipts.identifiers import is_valid_ytunnus

    if not isinstance(value, str) or not _YTUNNUS.match(value):
        return Verdict(reason="format")
    if not is_valid_ytunnus(value):
        return Verdict(reason="check_digit")
    if _digits(value) not in _digits(text):
        return Verdict(reason="not_in_text")
    return Verdict(value=value)


def check_date(value: object, text: str, today: dt.date) -> Verdict:
    """An ISO date between 2000-01-01 and today, printed on the receipt (day and month)."""
    if not isinstance(value, str):
        return Verdict(reason="format")
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return Verdict(reason="format")
    if not EARLIEST_DATE <= day <= today:
        return Verdict(reason="implausible")
    printed = {f"{day.day}.{day.month}.", f"{day.day:02d}.{day.month:02d}.", day.isoformat()}
    if not any(form in text for form in printed):
        return Verdict(reason="not_in_text")
    return Verdict(value=day)


def _check_row(item: object, day: dt.date, table: tuple[Any, ...]) -> VatLine | str:
    """One row, or the code of the check it fails."""
    from docflow.receipts.vat import is_valid_rate, tax_fits_rate

    if not isinstance(item, dict):
        return "format"
    rate, net, tax, gross = (_amount(item.get(key)) for key in ("rate", "net", "tax", "gross"))
    if rate is None or net is None or tax is None or gross is None:
        return "format"
    if not is_valid_rate(rate, day, table):
        return "rate_not_valid_on_date"
    if abs(net + tax - gross) > CENT:
        return "vat_arithmetic"
    if not tax_fits_rate(rate, net, tax):
        return "tax_does_not_fit_rate"
    return VatLine(rate=rate, net=net, tax=tax, gross=gross)


def check_vat_rows(value: object, day: dt.date | None, country: str | None) -> Verdict:
    """Rows whose ``net + tax = gross`` holds to the cent, whose tax fits the rate and whose rate is
    valid on ``day`` in ``country`` (Finland when unknown); one bad row refuses them all."""
    from docflow.receipts.vat import FINNISH_VAT_RATES, rate_table

    if not isinstance(value, list) or not value or len(value) > MAX_VAT_ROWS:
        return Verdict(reason="format")
    if day is None:
        return Verdict(reason="no_date")
    table = FINNISH_VAT_RATES if country in (None, "FI") else rate_table(country)
    rows: list[VatLine] = []
    for item in value:
        row = _check_row(item, day, table)
        if isinstance(row, str):
            return Verdict(reason=row)
        rows.append(row)
    return Verdict(value=tuple(rows))


def check_total(value: object, text: str, rows: tuple[VatLine, ...]) -> Verdict:
    """A positive amount printed on the receipt that equals the VAT rows' gross sum (when there are rows)."""
    total = _amount(value)
    if total is None:
        return Verdict(reason="format")
    if not Decimal(0) < total < MAX_AMOUNT:
        return Verdict(reason="not_positive")
    if rows and abs(sum((row.gross for row in rows), Decimal(0)) - total) > CENT * len(rows):
        return Verdict(reason="vat_rows_disagree")
    if not amount_printed(total, text):
        return Verdict(reason="not_in_text")
    return Verdict(value=total)


@dataclass(frozen=True, slots=True)
class Known:
    """What the receipt already holds, for the checks that depend on another field."""

    date: dt.date | None
    vat: tuple[VatLine, ...]
    country: str | None


def check_reading(data: dict[str, Any], *, text: str, known: Known, today: dt.date) -> dict[str, Verdict]:
    """Check every field the model gave (``None`` values are left out: it did not read them)."""
    verdicts: dict[str, Verdict] = {}
    if data.get("merchant") is not None:
        verdicts["merchant"] = check_merchant(data["merchant"], text)
    if data.get("business_id") is not None:
        verdicts["business_id"] = check_business_id(data["business_id"], text)
    if data.get("date") is not None:
        verdicts["date"] = check_date(data["date"], text, today)
    date_verdict = verdicts.get("date")
    day = date_verdict.value if date_verdict is not None and date_verdict.accepted else known.date
    if data.get("vat"):
        verdicts["vat"] = check_vat_rows(data["vat"], day, known.country)
    vat_verdict = verdicts.get("vat")
    rows: tuple[VatLine, ...] = (
        vat_verdict.value if vat_verdict is not None and vat_verdict.accepted else known.vat
    )
    if data.get("total") is not None:
        verdicts["total"] = check_total(data["total"], text, rows)
    return verdicts
