"""Amount parsing: decimal comma, thousands separators, currency marks, signs."""

from __future__ import annotations

from decimal import Decimal

import pytest

from docflow.receipts.numbers import currency_of, find_amounts, parse_amount


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12,34", "12.34"),
        ("12.34", "12.34"),
        ("1 234,56 €", "1234.56"),
        ("€ 1 234,56", "1234.56"),
        ("1.234,56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("RM41.45", "41.45"),
        ("RM 10.00", "10.00"),
        ("$8.20", "8.20"),
        ("12,34 EUR", "12.34"),
        ("-1,50", "-1.50"),
        ("1,50-", "-1.50"),
        ("9.00", "9.00"),
        ("9", "9.00"),
    ],
)
def test_given_a_printed_amount_when_parsed_then_the_value_is_in_cents(text: str, expected: str) -> None:
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["", "abc", "12,34 5,00", "25/12/2018"])
def test_given_no_single_amount_when_parsed_then_none(text: str) -> None:
    assert parse_amount(text) is None


def test_given_a_row_with_dates_times_and_phone_numbers_when_searched_then_only_money_is_found() -> None:
    row = "12.03.2025 klo 14:05 puh 09-1234 5678 MAITO 2 KPL 3,00"
    assert [match.value for match in find_amounts(row)] == [Decimal("3.00")]


def test_given_a_vat_row_when_searched_then_every_amount_is_found_left_to_right() -> None:
    assert [m.value for m in find_amounts("14 % 10,00 1,40 11,40")] == [
        Decimal("10.00"),
        Decimal("1.40"),
        Decimal("11.40"),
    ]


def test_given_a_discount_with_a_trailing_minus_when_searched_then_the_amount_is_negative() -> None:
    assert find_amounts("ALENNUS 0,50-")[0].value == Decimal("-0.50")


@pytest.mark.parametrize(
    ("text", "currency"),
    [("YHTEENSÄ 12,34 €", "EUR"), ("TOTAL RM 9.00", "MYR"), ("SUMMA 5,00 EUR", "EUR"), ("TOTAL 9.00", None)],
)
def test_given_a_currency_mark_next_to_an_amount_when_read_then_its_iso_code_is_returned(
    text: str, currency: str | None
) -> None:
    assert currency_of(text) == currency


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Pantti D,1D", "0.10"),
        ("Alennus -15 % -D,16", "-0.16"),
        ("B 14% 5,BD", "5.80"),
        ("KATEINEN 7D, DD", "70.00"),
        ("TOTALT 434, 8]", "434.81"),
        ("SUMMA 1S,Z0", "15.20"),
        ("Yhteensä I,5G", "1.56"),
    ],
)
def test_given_lookalike_letters_in_an_amount_token_when_found_then_they_read_as_digits_marked_repaired(
    text: str, expected: str
) -> None:
    [match] = find_amounts(text)
    assert match.value == Decimal(expected)
    assert match.repaired


@pytest.mark.parametrize(
    "text",
    ["DB", "BOSS", "OS,10", "SO,OO", "Maito 1,5l", "VEST D,5L", "JAUHELIHA 4DDG", "Hello,10", "12.O5.2024"],
)
def test_given_words_or_units_with_lookalike_letters_then_no_amount_is_invented(text: str) -> None:
    assert find_amounts(text) == []


def test_given_clean_and_repaired_amounts_on_one_line_then_only_the_repaired_one_is_marked() -> None:
    found = find_amounts("6% 24,6] 410,20 434, 8]")
    assert [(match.value, match.repaired) for match in found] == [
        (Decimal("24.61"), True),
        (Decimal("410.20"), False),
        (Decimal("434.81"), True),
    ]
