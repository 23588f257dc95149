"""The VAT rate table by date and the VAT breakdown rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from docflow.receipts.lines import lines_from_text
from docflow.receipts.vat import is_valid_rate, rates_valid_on
from docflow.receipts.vat_table import complete_vat_row, find_vat_rows, parse_vat_row, split_vat_amounts


@pytest.mark.parametrize(
    ("rate", "day", "valid"),
    [
        ("14", dt.date(2025, 12, 31), True),
        ("14", dt.date(2026, 1, 1), False),
        ("13.5", dt.date(2025, 12, 31), False),
        ("13.5", dt.date(2026, 1, 1), True),
        ("24", dt.date(2024, 8, 31), True),
        ("24", dt.date(2024, 9, 1), False),
        ("25.5", dt.date(2024, 9, 1), True),
        ("25.5", dt.date(2024, 8, 31), False),
        ("10", dt.date(2026, 5, 1), True),
    ],
)
def test_given_a_rate_and_a_day_when_checked_then_validity_follows_the_table(
    rate: str, day: dt.date, valid: bool
) -> None:
    assert is_valid_rate(Decimal(rate), day) is valid


def test_given_new_year_2026_when_listing_rates_then_13_5_replaces_14() -> None:
    assert rates_valid_on(dt.date(2026, 1, 1)) == {
        Decimal("25.5"),
        Decimal("13.5"),
        Decimal("10"),
        Decimal("0"),
    }


@pytest.mark.parametrize(
    "row",
    [
        "14 % 10,00 1,40 11,40",
        "14 % 1,40 10,00 11,40",
        "14,00% 11,40 10,00 1,40",
        "A 14 % 10,00 1,40 11,40",
    ],
)
def test_given_any_column_order_when_a_vat_row_is_parsed_then_columns_are_found_by_arithmetic(
    row: str,
) -> None:
    assert parse_vat_row(row) == (Decimal("14"), Decimal("10.00"), Decimal("1.40"), Decimal("11.40"))


def test_given_a_decimal_rate_when_parsed_then_it_keeps_its_fraction() -> None:
    assert parse_vat_row("13,5 % 8,81 1,19 10,00") == (
        Decimal("13.5"),
        Decimal("8.81"),
        Decimal("1.19"),
        Decimal("10.00"),
    )


def test_given_amounts_that_do_not_add_up_when_parsed_then_it_is_not_a_vat_row() -> None:
    assert parse_vat_row("14 % 10,00 1,40 12,40") is None


def test_given_tax_that_does_not_fit_the_rate_when_parsed_then_it_is_not_a_vat_row() -> None:
    assert parse_vat_row("25,5 % 10,00 1,40 11,40") is None


def test_given_only_tax_and_gross_when_split_then_net_is_gross_minus_tax() -> None:
    assert split_vat_amounts(Decimal("25.5"), [Decimal("2.03"), Decimal("10.00")]) == (
        Decimal("7.97"),
        Decimal("2.03"),
        Decimal("10.00"),
    )


def test_given_a_vat_table_without_percent_signs_when_read_after_its_header_then_rows_are_found() -> None:
    lines = lines_from_text("ALV VEROTON VERO VEROLLINEN\n14 10,00 1,40 11,40\n25,5 7,97 2,03 10,00\n")
    rates = [row[0] for _, row in find_vat_rows(lines)]
    assert rates == [Decimal("14"), Decimal("25.5")]


def test_given_a_bare_number_row_outside_a_vat_table_when_read_then_it_is_not_a_vat_row() -> None:
    assert find_vat_rows(lines_from_text("14 10,00 1,40 11,40")) == []


@pytest.mark.parametrize(
    ("row", "expected_rate"),
    [("25,9 % 25,83 6,59 32,42", "25.5"), ("135% 14,41 1,95", "13.5"), ("25:95 V 25,64 6,54 32,18", "25.5")],
)
def test_given_a_misread_rate_in_a_vat_table_when_parsed_then_the_known_rate_the_amounts_fit_is_used(
    row: str, expected_rate: str
) -> None:
    parsed = parse_vat_row(row, in_table=True)
    assert parsed is not None
    assert parsed[0] == Decimal(expected_rate)


def test_given_only_net_and_gross_when_split_then_tax_is_their_difference() -> None:
    assert split_vat_amounts(Decimal("13.5"), [Decimal("27.62"), Decimal("31.35")]) == (
        Decimal("27.62"),
        Decimal("3.73"),
        Decimal("31.35"),
    )


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("14% 3232 453", ("14", "32.32", "4.53", "36.85")),
        ("13,5 % 41:32 5/58 46,90", ("13.5", "41.32", "5.58", "46.90")),
        ("25,5 % 32732 8724 40,56", ("25.5", "32.32", "8.24", "40.56")),
    ],
)
def test_given_columns_whose_decimal_comma_the_ocr_lost_when_read_in_a_vat_table_then_they_are_reread(
    row: str, expected: tuple[str, str, str, str]
) -> None:
    assert parse_vat_row(row, in_table=True) == tuple(Decimal(value) for value in expected)


def test_given_a_lost_decimal_comma_outside_a_vat_table_when_parsed_then_it_is_not_guessed() -> None:
    assert parse_vat_row("14% 3232 453") is None


def test_given_one_misread_column_in_a_vat_table_when_parsed_then_the_two_that_fit_the_rate_are_kept() -> (
    None
):
    assert parse_vat_row("14 % 15,79 2,24 18,00", in_table=True) == (
        Decimal("14"),
        Decimal("15.79"),
        Decimal("2.21"),
        Decimal("18.00"),
    )


def test_given_an_extra_digit_in_a_known_rate_when_parsed_then_the_table_rate_wins() -> None:
    parsed = parse_vat_row("25,55% 24,51 6,25 30,76")
    assert parsed is not None
    assert parsed[0] == Decimal("25.5")


def test_given_one_unreadable_vat_row_when_the_total_is_known_then_it_is_derived_from_the_total() -> None:
    lines = lines_from_text(
        "ALV% VEROTON VERO VEROLLINEN\n10% 6,20 0,62 6,82\n14% 17111239 19,50\n25,5% 2,85 0,73 3,58\n"
    )
    rows = find_vat_rows(lines)
    derived = complete_vat_row(lines, rows, Decimal("29.90"))
    assert derived == (2, (Decimal("14"), Decimal("17.11"), Decimal("2.39"), Decimal("19.50")))


def test_given_a_derived_row_whose_amounts_are_not_printed_when_completed_then_nothing_is_guessed() -> None:
    lines = lines_from_text("ALV% VEROTON VERO VEROLLINEN\n10% 6,20 0,62 6,82\n14% 99,99 1,11\n")
    assert complete_vat_row(lines, find_vat_rows(lines), Decimal("29.90")) is None
