"""Cells of the Finnish CSV dialect (``;``, decimal comma, ``DD.MM.YYYY``, UTF-8 with BOM). Text cells
are kept from running as formulas by :mod:`docflow.spreadsheet`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

BOM = "\ufeff"
DELIMITER = ";"


def fi_decimal(value: Decimal | None) -> str:
    """``1234.5`` -> ``1234,50`` (no thousands separator)."""
    return "" if value is None else format(Decimal(value).quantize(Decimal("0.01")), "f").replace(".", ",")


def fi_rate(value: Decimal | None) -> str:
    """``25.50`` -> ``25,5``; ``14.00`` -> ``14``."""
    if value is None:
        return ""
    text = format(Decimal(value).normalize(), "f")
    return text.replace(".", ",")


def fi_date(value: dt.date | None) -> str:
    """``2025-03-07`` -> ``07.03.2025``."""
    return "" if value is None else value.strftime("%d.%m.%Y")
