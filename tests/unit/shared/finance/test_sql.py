"""Which rates a period can check without each receipt's date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from docflow.finance.periods import parse_period
from docflow.finance.sql import rates_valid_throughout


def _rates(label: str) -> frozenset[Decimal] | None:
    period = parse_period(label)
    return rates_valid_throughout(period.start, period.end)


def test_a_period_without_a_rate_change_has_one_set() -> None:
    assert _rates("2026") == {Decimal("25.5"), Decimal("13.5"), Decimal("10"), Decimal("0")}
    assert _rates("2025-Q4") == {Decimal("25.5"), Decimal("14"), Decimal("10"), Decimal("0")}
    assert _rates("2024-08") == {Decimal("24"), Decimal("14"), Decimal("10"), Decimal("0")}


def test_a_period_across_a_change_checks_each_date() -> None:
    assert _rates("2024-Q3") is None
    assert _rates("2024") is None
    assert rates_valid_throughout(dt.date(2025, 12, 31), dt.date(2026, 1, 1)) is None
