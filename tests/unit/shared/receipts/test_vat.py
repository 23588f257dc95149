"""The VAT rate table by date and the VAT breakdown rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from docflow.receipts.country import detect_country
from docflow.receipts.lines import fold, lines_from_text
from docflow.receipts.vat import (
    VatRate,
    is_valid_rate,
    rate_for_date,
    rate_table,
    rates_valid_on,
    tax_fits_rate,
)
from docflow.receipts.vat_table import (
    complete_vat_row,
    find_vat_rows,
    is_table_header,
    parse_vat_row,
    split_vat_amounts,
)


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
        "ALV% VEROTON VERO VEROLLINEN\n10% 6,20 0,62 6,82\n14% 17111239 1950\n25,5% 2,85 0,73 3,58\n"
    )
    rows = find_vat_rows(lines)
    derived = complete_vat_row(lines, rows, Decimal("29.90"))
    assert derived == (2, (Decimal("14"), Decimal("17.11"), Decimal("2.39"), Decimal("19.50")), False)


def test_given_a_derived_row_whose_amounts_are_not_printed_when_completed_then_nothing_is_guessed() -> None:
    lines = lines_from_text("ALV% VEROTON VERO VEROLLINEN\n10% 6,20 0,62 6,82\n14% 99,99 1,11\n")
    assert complete_vat_row(lines, find_vat_rows(lines), Decimal("29.90")) is None


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("14 % 20,47 3,71", ("14", "26.47", "3.71", "30.18")),  # a 6 read as 0 in the net
        ("14 % 52,27 7,52", ("14", "52.27", "7.32", "59.59")),  # a 3 read as 5 in the tax
    ],
)
def test_given_one_misread_digit_in_a_vat_table_row_when_parsed_then_the_only_fitting_correction_is_used(
    row: str, expected: tuple[str, ...]
) -> None:
    assert parse_vat_row(row, in_table=True) == tuple(Decimal(value) for value in expected)
    assert parse_vat_row(row) is None


def test_given_two_corrections_that_fit_when_parsed_then_the_row_is_not_guessed() -> None:
    # 10,00 and 1,40 fit 14 %, and so do 10,70 and 1,50.
    assert parse_vat_row("14 % 10,00 1,50", in_table=True) is None


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("29,9. % 96,98 24,73 127,71", ("25.5", "96.98", "24.73", "121.71")),
        ("295% 743 1.50 933", ("25.5", "7.43", "1.90", "9.33")),
    ],
)
def test_given_two_pairs_of_columns_that_fit_when_parsed_then_the_one_nearest_the_third_column_wins(
    row: str, expected: tuple[str, ...]
) -> None:
    assert parse_vat_row(row, in_table=True) == tuple(Decimal(value) for value in expected)


def test_given_a_misread_rate_with_a_percent_sign_when_reread_then_it_is_not_taken_for_an_amount() -> None:
    assert parse_vat_row("255% 1251 3195", in_table=True) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("VAT% NET VAT\n13,5 % 23.49 3547\n", ("13.5", "23.49", "3.17", "26.66")),
        ("ALV% VEROTON VERO VEROLLINEN\n13,5 % 5,26 OVI\n", ("13.5", "5.26", "0.71", "5.97")),
        ("ALV% VERO VEROTON VEROLLINEN\n13.5% 32,33.234736 36,69\n", ("13.5", "32.33", "4.36", "36.69")),
    ],
)
def test_given_one_readable_amount_in_a_vat_table_row_when_read_then_the_rate_completes_the_row(
    text: str, expected: tuple[str, ...]
) -> None:
    rows = find_vat_rows(lines_from_text(text))
    assert rows == [(1, tuple(Decimal(value) for value in expected))]


@pytest.mark.parametrize(
    "text",
    [
        "VAT% NET VAT\n14 % 45,32\n",  # grosses 51,66 and 51,67 both give the net 45,32
        "ALV% VERO VEROTON VEROLLINEN\n13,5 % 23.49 3547\n",  # the first column is not the net
        "VAT% NET VAT\n14 % 6,36 117\n",  # 1,17 is far from the 0,89 that a net of 6,36 gives
    ],
)
def test_given_one_amount_that_does_not_fix_the_row_when_read_then_nothing_is_guessed(text: str) -> None:
    assert find_vat_rows(lines_from_text(text)) == []


def test_given_a_decimal_comma_read_as_5_when_a_row_is_completed_from_the_total_then_it_is_found() -> None:
    lines = lines_from_text("MOMS% NETTO MOMS BRUTTO\n14 % 25,69 3,60 29,29\n25,5 % 2115014067 90 33597\n")
    derived = complete_vat_row(lines, find_vat_rows(lines), Decimal("63.26"))
    assert derived == (2, (Decimal("25.5"), Decimal("27.07"), Decimal("6.90"), Decimal("33.97")), False)


GERMAN_RATES = frozenset(Decimal(rate) for rate in ("0", "7", "19"))


@pytest.mark.parametrize(
    ("row", "total", "expected"),
    [
        # The tax column left unread, a 0 of the net read as 6.
        ("19.00 % 46. 98", "48.77", ("19", "40.98", "7.79", "48.77")),
        # A space after the rate's decimal point; a 2 of the net read as 3.
        ("19. 00 % 43.01", "49.99", ("19", "42.01", "7.98", "49.99")),
    ],
)
def test_given_a_table_row_with_a_digit_misread_when_completed_then_the_total_gives_it_flagged_misread(
    row: str, total: str, expected: tuple[str, ...]
) -> None:
    lines = lines_from_text(f"MWST-CODE NETTO-Entgelt MWST-Betrag\n{row}\n")
    derived = complete_vat_row(lines, find_vat_rows(lines), Decimal(total), GERMAN_RATES)
    assert derived == (1, tuple(map(Decimal, expected)), True)


@pytest.mark.parametrize(
    "row",
    [
        "19.00 % 46.93",  # two digits away from 40,98
        "19.00 % 140.98",  # another length
        "18.00 %",  # the rate alone: nothing printed to check the derivation against
    ],
)
def test_given_a_row_two_digits_from_the_derived_one_when_completed_then_nothing_is_guessed(row: str) -> None:
    lines = lines_from_text(f"MWST-CODE NETTO-Entgelt MWST-Betrag\n{row}\n")
    assert complete_vat_row(lines, [], Decimal("48.77"), GERMAN_RATES) is None


@pytest.mark.parametrize(
    ("rate", "net", "tax", "day", "expected"),
    [
        # 2026: 14 % no longer applies; 17,10 x 14 % is not 2,38, so the 14 was a misread 13.5.
        ("14", "17.10", "2.38", dt.date(2026, 6, 20), Decimal("13.5")),
        # August 2024: 25.5 % did not apply yet, and 4,00 x 25.5 % is not 0,96.
        ("25.5", "4.00", "0.96", dt.date(2024, 8, 20), Decimal("24")),
        # The tax fits the printed 14 %: the merchant printed it; keep it (the receipt gets a warning).
        ("14", "17.09", "2.39", dt.date(2026, 6, 20), None),
        # 14 % is valid in 2025: nothing to correct.
        ("14", "17.10", "2.38", dt.date(2025, 6, 20), None),
        # 10 % has no neighbour to be mistaken for.
        ("10", "9.00", "0.95", dt.date(2026, 6, 20), None),
    ],
)
def test_given_a_rate_not_valid_on_the_day_when_checked_then_only_a_misread_neighbour_is_corrected(
    rate: str, net: str, tax: str, day: dt.date, expected: Decimal | None
) -> None:
    assert rate_for_date(Decimal(rate), Decimal(net), Decimal(tax), day) == expected


def test_given_a_rate_whose_decimal_point_was_lost_when_parsed_then_the_known_rate_is_read() -> None:
    assert parse_vat_row("255% 34,18 8,71 42,89") == (
        Decimal("25.5"),
        Decimal("34.18"),
        Decimal("8.71"),
        Decimal("42.89"),
    )
    # 100 % is no lost-point 10 %, and 24,5 % is no rate at all.
    assert parse_vat_row("100% 5,00 0,50 5,50") is None
    assert parse_vat_row("245% 4,00 0,98 4,98") is None


@pytest.mark.parametrize(
    ("country", "rate", "day", "valid"),
    [
        ("SE", "25", dt.date(2025, 5, 1), True),
        ("SE", "25.5", dt.date(2025, 5, 1), False),
        ("EE", "20", dt.date(2023, 12, 31), True),
        ("EE", "22", dt.date(2024, 1, 1), True),
        ("EE", "22", dt.date(2025, 7, 1), False),
        ("EE", "24", dt.date(2025, 7, 1), True),
        ("DE", "16", dt.date(2020, 7, 1), True),
        ("DE", "19", dt.date(2020, 12, 31), False),
        ("DE", "19", dt.date(2021, 1, 1), True),
        ("DE", "5", dt.date(2021, 1, 1), False),
    ],
)
def test_given_a_country_and_a_day_when_a_rate_is_checked_then_that_countrys_table_decides(
    country: str, rate: str, day: dt.date, valid: bool
) -> None:
    assert is_valid_rate(Decimal(rate), day, rate_table(country)) is valid


def test_given_a_swedish_row_read_as_25_percent_when_dated_then_it_is_never_repaired_to_finnish_25_5() -> (
    None
):
    assert rate_for_date(Decimal("25"), Decimal("2.00"), Decimal("0.50"), dt.date(2025, 5, 1), "SE") is None


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("Kauppa Oy\nY-tunnus 0112038-9\nYHTEENSÄ 5,00\n", "FI"),
        ("Butik AB\nMomsreg.nr SE556677889901\nTotalt 5,00\n", "SE"),
        ("Pood OÜ\nKMKR EE100123456\nKokku 5,00\n", "EE"),
        ("Laden GmbH\nUSt-IdNr. DE123456789\nSUMME 5,00\n", "DE"),
        ("Shop\nTotal 5,00 SEK\n", "SE"),
        ("Shop\nTotal 5.00\n", None),
    ],
)
def test_given_receipt_evidence_when_the_country_is_detected_then_it_follows_the_evidence(
    text: str, country: str | None
) -> None:
    assert detect_country(lines_from_text(text)).country == country


def test_given_another_rate_table_when_a_rate_is_checked_then_that_table_decides() -> None:
    table = (VatRate(Decimal("7"), dt.date(2030, 1, 1), None, "a future reduced rate"),)
    assert is_valid_rate(Decimal("7"), dt.date(2030, 1, 1), table)
    assert not is_valid_rate(Decimal("7"), dt.date(2029, 12, 31), table)
    assert not is_valid_rate(Decimal("24"), dt.date(2020, 1, 1), table)


@pytest.mark.parametrize(
    ("net", "tax", "strict", "fits"),
    [
        (Decimal("10.00"), Decimal("1.01"), True, True),  # one cent off: still exact enough
        (Decimal("10.00"), Decimal("1.02"), True, False),
        (Decimal("1.00"), Decimal("0.12"), False, True),  # two cents off: the rounding tolerance
        (Decimal("1.00"), Decimal("0.13"), False, False),
        (Decimal("1000.00"), Decimal("100.50"), False, True),  # half a percent of the tax
        (Decimal("1000.00"), Decimal("100.51"), False, False),
    ],
)
def test_given_a_tax_at_the_tolerance_when_fitted_then_the_bound_is_inclusive(
    net: Decimal, tax: Decimal, strict: bool, fits: bool
) -> None:
    assert tax_fits_rate(Decimal("10"), net, tax, strict=strict) is fits


def test_given_a_row_with_a_misread_tax_then_the_pair_whose_tax_is_the_rates_share_wins() -> None:
    # 0,96 read as 0,98: net and gross agree with 10 % to the cent, net and tax only within tolerance
    row = parse_vat_row("C 10,00 % 9,64 0,98 10,60", in_table=True)
    assert row is not None
    assert (row.net, row.tax, row.gross) == (Decimal("9.64"), Decimal("0.96"), Decimal("10.60"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ALV% VEROTON VERO VEROLLINEN", True),
        ("MIST + Netto = Brutto", True),  # the VAT word misread, the net and gross columns named
        ("Netto 10,17 Brutto 10,88", False),  # amounts: a row, not a header
        ("Net Total", False),  # a total's label, no gross column
    ],
)
def test_given_a_line_when_checked_then_vat_table_headers_are_told_apart(text: str, expected: bool) -> None:
    assert is_table_header(fold(text)) is expected


def test_given_a_table_under_a_misread_vat_word_when_read_then_its_rows_without_rates_are_read() -> None:
    lines = lines_from_text(
        "MIST + Netto = Brutto\n6.71 10,17 10,88\n",
    )
    assert find_vat_rows(lines, GERMAN_RATES) == [
        (1, (Decimal("7"), Decimal("10.17"), Decimal("0.71"), Decimal("10.88")))
    ]
