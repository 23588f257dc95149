"""VAT periods: labels, bounds, neighbours and the due dates of the return."""

from __future__ import annotations

import datetime as dt

import pytest

from docflow.finance.periods import InvalidPeriod, VatPeriod, month_starts, parse_period, period_containing

d = dt.date


@pytest.mark.parametrize(
    ("label", "start", "end", "due"),
    [
        ("2026-01", d(2026, 1, 1), d(2026, 1, 31), d(2026, 3, 12)),
        ("2026-02", d(2026, 2, 1), d(2026, 2, 28), d(2026, 4, 12)),
        ("2025-11", d(2025, 11, 1), d(2025, 11, 30), d(2026, 1, 12)),
        ("2025-12", d(2025, 12, 1), d(2025, 12, 31), d(2026, 2, 12)),
        ("2026-Q1", d(2026, 1, 1), d(2026, 3, 31), d(2026, 5, 12)),
        ("2025-Q4", d(2025, 10, 1), d(2025, 12, 31), d(2026, 2, 12)),
        ("2024-Q3", d(2024, 7, 1), d(2024, 9, 30), d(2024, 11, 12)),
        ("2025", d(2025, 1, 1), d(2025, 12, 31), d(2026, 2, 28)),
        ("2027", d(2027, 1, 1), d(2027, 12, 31), d(2028, 2, 29)),
    ],
)
def test_bounds_and_due_dates(label: str, start: dt.date, end: dt.date, due: dt.date) -> None:
    period = parse_period(label)
    assert (period.start, period.end, period.due_date, period.label) == (start, end, due, label)


@pytest.mark.parametrize(
    "label", ["2026-13", "2026-00", "2026-Q0", "2026-Q5", "26", "2026-1", "1999", "2101", ""]
)
def test_bad_labels_are_refused(label: str) -> None:
    with pytest.raises(InvalidPeriod):
        parse_period(label)


def test_neighbours() -> None:
    assert parse_period("2026-01").previous().label == "2025-12"
    assert parse_period("2026-Q1").previous().label == "2025-Q4"
    assert parse_period("2026-Q1").year_earlier().label == "2025-Q1"
    assert parse_period("2026").previous().label == "2025"
    assert parse_period("2026-03").year_earlier() == VatPeriod(d(2025, 3, 1), "month")


def test_period_containing_a_day() -> None:
    day = d(2026, 8, 15)
    assert period_containing(day, "month").label == "2026-08"
    assert period_containing(day, "quarter").label == "2026-Q3"
    assert period_containing(day, "year").label == "2026"
    assert period_containing(day, "quarter").contains(d(2026, 9, 30))
    assert not period_containing(day, "quarter").contains(d(2026, 10, 1))


def test_month_starts_cross_the_year() -> None:
    assert month_starts(d(2026, 2, 17), 3) == [d(2025, 12, 1), d(2026, 1, 1), d(2026, 2, 1)]
    assert len(month_starts(d(2026, 2, 17), 12)) == 12
