"""``docflow.spreadsheet``: the one neutraliser of CSV export cells."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from docflow.spreadsheet import cell, row


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("\t=1", "'\t=1"),
        ("\r1", "'\r1"),
        ("  =1", "'  =1"),
        ("\uff1dHYPERLINK()", "'\uff1dHYPERLINK()"),
        ("+358 40 123 4567", "+358 40 123 4567"),
        ("-12,50", "-12,50"),
        ("-", "-"),
        ("K-Market", "K-Market"),
        ("Oy Ab", "Oy Ab"),
    ],
)
def test_formulas_are_neutralised_and_numbers_kept(value: str, expected: str) -> None:
    assert cell(value) == expected


def test_lists_are_joined_then_neutralised() -> None:
    assert cell(["=HYPERLINK(1)", "vip"]) == "'=HYPERLINK(1)|vip"
    assert cell(["vip", "b"]) == "vip|b"
    assert cell([]) == ""


def test_other_values_are_written_as_text() -> None:
    assert row([None, dt.date(2026, 3, 7), Decimal("1E+1"), 5]) == ["", "2026-03-07", "10", "5"]
