"""The engine's checks applied to a model's reading: every wrong value a check can see is refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from docflow.ai.checks import (
    Known,
    VatLine,
    amount_printed,
    check_business_id,
    check_date,
    check_merchant,
    check_reading,
    check_total,
    check_vat_rows,
)

TODAY = dt.date(2026, 12, 7)
TEXT = """K-Market Keskusta
Y-tunnus 0737546-2
12.11.2026 14:03
MAITO 1,89
LEIPÄ 3,10
YHTEENSÄ 24,93
ALV 13,5 % 5,00 0,68 5,68
ALV 25,5 % 15,34 3,91 19,25
"""
ROWS = [
    {"rate": "13.5", "net": "5.00", "tax": "0.68", "gross": "5.68"},
    {"rate": "25.5", "net": "15.34", "tax": "3.91", "gross": "19.25"},
]
NOTHING_KNOWN = Known(date=None, vat=(), country="FI")


def test_a_true_reading_passes_every_check() -> None:
    data = {
        "merchant": "K-Market Keskusta",
        "business_id": "0737546-2",
        "date": "2026-11-12",
        "total": "24.93",
    }
    verdicts = check_reading({**data, "vat": ROWS}, text=TEXT, known=NOTHING_KNOWN, today=TODAY)
    assert {name: v.reason for name, v in verdicts.items()} == dict.fromkeys(
        ["merchant", "business_id", "date", "vat", "total"]
    )
    assert verdicts["total"].value == Decimal("24.93")
    assert verdicts["date"].value == dt.date(2026, 11, 12)


@pytest.mark.parametrize(
    ("value", "reason"),
    [("0737546-3", "check_digit"), ("07375462", "format"), (7375462, "format"), ("2004148-3", "not_in_text")],
)
def test_business_id_needs_a_check_digit_and_the_print(value: object, reason: str) -> None:
    from docflow.receipts.identifiers import is_valid_ytunnus

    if reason == "not_in_text":
        assert is_valid_ytunnus(str(value))
    assert check_business_id(value, TEXT).reason == reason


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("2027-01-01", "implausible"),
        ("1999-12-31", "implausible"),
        ("12.11.2026", "format"),
        ("2026-11-13", "not_in_text"),
    ],
)
def test_date_must_be_plausible_and_printed(value: str, reason: str) -> None:
    assert check_date(value, TEXT, TODAY).reason == reason


def test_merchant_must_be_printed() -> None:
    assert check_merchant("k-market  keskusta", TEXT).accepted
    assert check_merchant("Prisma", TEXT).reason == "not_in_text"
    assert check_merchant("K-Market\x00", TEXT).reason == "format"


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ({"rate": "24", "net": "15.34", "tax": "3.68", "gross": "19.02"}, "rate_not_valid_on_date"),
        ({"rate": "25.5", "net": "15.34", "tax": "3.91", "gross": "19.35"}, "vat_arithmetic"),
        ({"rate": "25.5", "net": "15.34", "tax": "2.91", "gross": "18.25"}, "tax_does_not_fit_rate"),
        ({"rate": "25.5", "net": "x", "tax": "3.91", "gross": "19.25"}, "format"),
        ("25.5", "format"),
    ],
)
def test_one_bad_vat_row_refuses_the_rows(row: object, reason: str) -> None:
    assert check_vat_rows([ROWS[0], row], dt.date(2026, 11, 12), "FI").reason == reason


def test_vat_rows_need_a_date() -> None:
    assert check_vat_rows(ROWS, None, "FI").reason == "no_date"


def test_the_rate_is_checked_on_the_date_of_the_receipt() -> None:
    old = [{"rate": "24", "net": "10.00", "tax": "2.40", "gross": "12.40"}]
    assert check_vat_rows(old, dt.date(2024, 8, 31), "FI").accepted
    assert check_vat_rows(old, dt.date(2024, 9, 1), "FI").reason == "rate_not_valid_on_date"


def test_total_against_the_rows_and_the_print() -> None:
    rows = (VatLine(Decimal("13.5"), Decimal("5.00"), Decimal("0.68"), Decimal("5.68")),)
    assert check_total("24.93", TEXT, rows).reason == "vat_rows_disagree"
    assert check_total("5.68", TEXT, rows).accepted  # printed on the VAT row, and equal to it
    assert check_total("31.00", TEXT, ()).reason == "not_in_text"
    assert check_total("0", TEXT, ()).reason == "not_positive"
    assert check_total("24,93", TEXT, ()).reason == "format"
    assert check_total("24.93", TEXT, ()).accepted


def test_amount_printed_needs_the_whole_number() -> None:
    assert amount_printed(Decimal("24.95"), "yht 24,95 EUR")
    assert not amount_printed(Decimal("4.95"), "yht 24,95 EUR")
    assert not amount_printed(Decimal("24.9"), "yht 24,95 EUR")


def test_the_total_is_checked_against_the_known_rows_when_the_model_gives_none() -> None:
    known = Known(
        date=dt.date(2026, 11, 12),
        vat=(VatLine(Decimal("25.5"), Decimal("15.34"), Decimal("3.91"), Decimal("19.25")),),
        country="FI",
    )
    verdicts = check_reading({"total": "24.93", "vat": []}, text=TEXT, known=known, today=TODAY)
    assert verdicts["total"].reason == "vat_rows_disagree"
    assert "vat" not in verdicts
