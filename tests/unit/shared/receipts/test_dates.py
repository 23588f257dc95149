"""Dates day-first, plausibility against a given today, and times."""

from __future__ import annotations

import datetime as dt

import pytest

from docflow.receipts.dates import (
    LABELLED_GARBLED_CONFIDENCE,
    find_dates,
    find_times,
    misread_year_dates,
    parse_date,
)

TODAY = dt.date(2026, 6, 30)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12.03.2025", dt.date(2025, 3, 12)),
        ("3.2.2026", dt.date(2026, 2, 3)),
        ("03.02.26", dt.date(2026, 2, 3)),
        ("2025-12-31", dt.date(2025, 12, 31)),
        ("25/12/2018", dt.date(2018, 12, 25)),
        ("12-01-19", dt.date(2019, 1, 12)),
        ("14 MAR 2018", dt.date(2018, 3, 14)),
        ("14-Mar-18", dt.date(2018, 3, 14)),
        ("Mar 4, 2018", dt.date(2018, 3, 4)),
        ("20180304", dt.date(2018, 3, 4)),
        ("Pvm 1.6.2026 klo 14.05", dt.date(2026, 6, 1)),
    ],
)
def test_given_a_printed_date_when_parsed_then_it_is_read_day_first(text: str, expected: dt.date) -> None:
    assert parse_date(text, TODAY) == expected


def test_given_a_future_date_when_parsed_then_it_is_not_plausible() -> None:
    assert parse_date("01.07.2026", TODAY) is None
    assert parse_date("30.06.2026", TODAY) == TODAY


def test_given_an_ancient_date_when_parsed_then_it_is_not_plausible() -> None:
    assert parse_date("01.01.1999", TODAY) is None


def test_given_an_impossible_day_first_reading_when_parsed_then_month_first_has_less_confidence() -> None:
    [us_style] = find_dates("03/25/2018", TODAY)
    [day_first] = find_dates("25/03/2018", TODAY)
    assert us_style.value == day_first.value == dt.date(2018, 3, 25)
    assert us_style.confidence < day_first.confidence


def test_given_an_ambiguous_date_when_parsed_then_day_first_wins() -> None:
    assert parse_date("04/03/2018", TODAY) == dt.date(2018, 3, 4)


def test_given_today_when_it_changes_then_the_same_text_changes_plausibility() -> None:
    assert parse_date("15.01.2026", dt.date(2026, 1, 14)) is None
    assert parse_date("15.01.2026", dt.date(2026, 1, 15)) == dt.date(2026, 1, 15)


@pytest.mark.parametrize(
    ("text", "after_date", "expected"),
    [
        ("8:13:39 PM", False, dt.time(20, 13, 39)),
        ("12:06:00", False, dt.time(12, 6)),
        ("klo 14.05", False, dt.time(14, 5)),
        ("12.03.2025 14.05", True, dt.time(14, 5)),
    ],
)
def test_given_a_printed_time_when_parsed_then_it_is_read(
    text: str, after_date: bool, expected: dt.time
) -> None:
    assert find_times(text, after_date=after_date)[0].value == expected


def test_given_an_amount_with_a_dot_when_times_are_searched_then_it_is_not_a_time() -> None:
    assert find_times("KAHVI 12.50") == []


@pytest.mark.parametrize(
    "text", ["_ 2703/2018 No : CS-20243", "27/03-2018", "Date 27.03,2018 12:00", "27/032018"]
)
def test_given_an_ocr_garbled_separator_when_parsed_then_the_date_is_read_with_less_confidence(
    text: str,
) -> None:
    matches = find_dates(text, TODAY)
    assert [match.value for match in matches] == [dt.date(2018, 3, 27)]
    assert matches[0].confidence < 0.7


def test_given_a_clean_date_and_a_garbled_one_when_parsed_then_the_clean_one_is_more_confident() -> None:
    clean, garbled = find_dates("25/12/2018", TODAY)[0], find_dates("2512/2018", TODAY)[0]
    assert clean.value == garbled.value == dt.date(2018, 12, 25)
    assert clean.confidence > garbled.confidence


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Date: 23/04:2017 11:02", dt.date(2017, 4, 23)),
        ("23;04;2017", dt.date(2017, 4, 23)),
        ("23.04 ,2017", dt.date(2017, 4, 23)),
    ],
)
def test_given_a_separator_misread_as_colon_or_semicolon_when_parsed_then_the_date_is_read(
    text: str, expected: dt.date
) -> None:
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("DATE 06-11-20 16", dt.date(2016, 11, 6)),
        ("06/11/201 6", dt.date(2016, 11, 6)),
        ("06.11.2 016", dt.date(2016, 11, 6)),
    ],
)
def test_given_a_four_digit_year_split_by_a_space_when_parsed_then_the_whole_year_is_read(
    text: str, expected: dt.date
) -> None:
    assert parse_date(text, TODAY) == expected


def test_given_a_two_digit_year_followed_by_a_time_when_parsed_then_the_year_is_not_joined_to_the_hour() -> (
    None
):
    assert parse_date("06-11-20 16:45", TODAY) == dt.date(2020, 11, 6)
    assert parse_date("06-11-20 16.45", TODAY) == dt.date(2020, 11, 6)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2O.11.2O16", dt.date(2016, 11, 20)),
        ("l9/11/2016 14:20", dt.date(2016, 11, 19)),
        ("08-1I-2016", dt.date(2016, 11, 8)),
    ],
)
def test_given_letters_misread_for_digits_in_a_date_when_parsed_then_they_are_read_as_digits(
    text: str, expected: dt.date
) -> None:
    assert parse_date(text, TODAY) == expected


def test_given_letters_next_to_numbers_outside_a_date_when_parsed_then_no_date_is_invented() -> None:
    assert find_dates("NO1 JALAN 2O 12.50 TOTAL 1O.50", TODAY) == []


def test_given_a_year_glued_to_the_time_when_parsed_then_the_date_is_read() -> None:
    assert parse_date("Date 03/09/201714:05", TODAY) == dt.date(2017, 9, 3)
    assert parse_date("03.09.20179.05", TODAY) == dt.date(2017, 9, 3)


def test_given_a_slash_misread_as_a_bar_or_letter_when_parsed_then_the_date_is_read() -> None:
    assert parse_date("23/04l2017", TODAY) == dt.date(2017, 4, 23)
    assert parse_date("23|04/2017", TODAY) == dt.date(2017, 4, 23)


def test_given_day_and_month_before_a_time_then_the_hour_is_never_read_as_the_year() -> None:
    assert find_dates("AS-Zeit 04.04. 13:43 Uhr", dt.date(2026, 1, 1)) == []


def test_given_a_date_read_once_with_a_two_digit_year_then_it_is_not_confident() -> None:
    from docflow.receipts.extract import extract_receipt

    receipt = extract_receipt(
        "real GmbH\nSUMME 5,47\n26.02.20 14:52 8665105 0265\n", today=dt.date(2026, 1, 1)
    )
    assert receipt.date is not None
    assert receipt.date.value == dt.date(2020, 2, 26)
    assert receipt.date.confidence < 0.9


def test_given_the_same_date_on_the_receipt_and_its_card_slip_then_it_is_confident() -> None:
    from docflow.receipts.extract import extract_receipt

    receipt = extract_receipt(
        "real GmbH\nSUMME 5,47\n26.02.20 14:52 8665105 0265\nKartenzahlung\nDatum: 26.02.2020\n",
        today=dt.date(2026, 1, 1),
    )
    assert receipt.date is not None
    assert receipt.date.confidence >= 0.9


def test_given_the_same_date_printed_twice_and_read_noisily_both_times_then_it_is_not_confident() -> None:
    from docflow.receipts.extract import extract_receipt
    from docflow.receipts.lines import TextLine

    # Arrival and departure of a parking ticket: one print, one misread 8 (28.10) repeated in both.
    rows = [("Aimo Park Oy", 0.9), ("Saapunut 26.10.2026 07:31", 0.88), ("Poistunut 26.10.2026 08:47", 0.76)]
    lines = [
        TextLine(text, score, (0, 40 * at, 400, 40 * at + 30), 1) for at, (text, score) in enumerate(rows)
    ]
    receipt = extract_receipt(lines, today=dt.date(2026, 11, 27))
    assert receipt.date is not None
    assert receipt.date.value == dt.date(2026, 10, 26)
    assert receipt.date.confidence < 0.9
    sure = [(text, 0.95 if at == 1 else score) for at, (text, score) in enumerate(rows)]
    lines = [
        TextLine(text, score, (0, 40 * at, 400, 40 * at + 30), 1) for at, (text, score) in enumerate(sure)
    ]
    receipt = extract_receipt(lines, today=dt.date(2026, 11, 27))
    assert receipt.date is not None
    assert receipt.date.confidence >= 0.9


def test_given_a_date_whose_separators_are_lost_before_a_time_then_it_is_read_unconfidently() -> None:
    found = find_dates("25 102025 18:49 Kuittinro 512949", dt.date(2026, 1, 1))
    assert [(match.value, match.confidence < 0.7) for match in found] == [(dt.date(2025, 10, 25), True)]
    assert find_dates("Kassa 25 102025", dt.date(2026, 1, 1)) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("26.03125 16:47 KUITTI 537538", dt.date(2025, 3, 26)),
        ("081212025 10:28", dt.date(2025, 12, 8)),
        ("KUITTI 123412345 10:20", None),
        ("26.03125 KUITTI", None),
    ],
    ids=["short year", "one separator lost", "no date fits", "no time after"],
)
def test_given_a_separator_read_as_one_before_a_time_then_the_date_is_read_unconfidently(
    text: str, expected: dt.date | None
) -> None:
    found = find_dates(text, dt.date(2026, 1, 1))
    assert [match.value for match in found] == ([expected] if expected else [])
    assert all(match.confidence < 0.7 for match in found)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("22. 12. 205 15:00", dt.date(2025, 12, 22)),
        ("03.04.201 09:30", dt.date(2021, 4, 3)),
        ("22. 12. 205 Kassa 4", None),
        ("12.12.299 10:00", None),
    ],
    ids=["latest year that fits", "a digit lost at the end", "no time after", "no year that fits"],
)
def test_given_a_year_missing_a_digit_before_a_time_then_the_latest_fitting_year_is_read_unconfidently(
    text: str, expected: dt.date | None
) -> None:
    found = find_dates(text, dt.date(2026, 12, 7))
    assert [match.value for match in found] == ([expected] if expected else [])
    assert all(match.confidence < 0.7 for match in found)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("BD. 03. 205 08:19", dt.date(2025, 3, 30)),  # B is a 3 here: 80 is no day
        ("1S.OG.2O24 12:00", dt.date(2024, 6, 15)),
        ("Z3.O1.2025 klo 12:00", dt.date(2025, 1, 23)),
    ],
)
def test_given_lookalike_letters_in_a_date_token_when_found_then_the_date_is_read_unsure(
    text: str, expected: dt.date
) -> None:
    [match] = find_dates(text, TODAY)
    assert match.value == expected
    assert match.confidence < 0.9


@pytest.mark.parametrize("text", ["DB.OS.ZOZO", "BOSS 12.05", "Kassa 1D.D0B.2024", "BB.BB.2024"])
def test_given_a_letter_only_or_malformed_date_token_then_no_date_is_guessed(text: str) -> None:
    assert find_dates(text, TODAY) == []


def test_given_a_b_that_reads_as_8_and_as_3_into_two_dates_then_the_8_is_kept_least_sure() -> None:
    [match] = find_dates("D5.DB.2024 22.13", TODAY)
    assert match.value == dt.date(2024, 8, 5)
    assert match.confidence < 0.5


def test_given_a_future_year_one_digit_from_one_recent_year_then_that_year_is_read_unsure() -> None:
    today = dt.date(2026, 11, 27)
    [found] = find_dates("26. 11. 2125 20:46", today)
    assert (found.value, found.confidence) == (dt.date(2025, 11, 26), 0.5)
    # 2029 is one digit from 2020-2026 alike: nothing is read.
    assert find_dates("30.12.2029 11:05", today) == []
    # An old date is kept as read: real receipts of any age are scanned.
    [old] = find_dates("01.02.2016", today)
    assert old.value == dt.date(2016, 2, 1)


def test_given_an_impossible_month_one_lookalike_digit_from_one_date_then_that_date_is_read_unsure() -> None:
    [found] = find_dates("13.81.2026 21:56", TODAY)  # 8 for 0: only 01 is a month
    assert (found.value, found.confidence) == (dt.date(2026, 1, 13), 0.5)


@pytest.mark.parametrize("text", ["40.12.2025", "13.13.2026", "11.11.20255"])
def test_given_an_impossible_date_with_no_single_lookalike_reading_then_no_date_is_guessed(text: str) -> None:
    # 40: 46, 48 and 49 are no days; 13.13: 13.18, 18.13, 13.17 ... none or several; a five-digit year
    assert find_dates(text, TODAY) == []


def test_given_a_valid_date_then_its_digits_are_never_read_as_lookalikes() -> None:
    [found] = find_dates("13.01.2026", TODAY)
    assert found.confidence == 0.95


def test_misread_year_dates_are_lookalike_years_in_the_past_only() -> None:
    today = dt.date(2026, 11, 27)
    assert misread_year_dates(dt.date(2020, 7, 7), today) == {dt.date(2026, 7, 7)}  # 2028, 2029: future
    assert misread_year_dates(dt.date(2020, 7, 7), TODAY) == set()  # 7 July 2026 is after 30 June 2026
    assert misread_year_dates(dt.date(2004, 12, 14), today) == set()  # 2 and 4 have no look-alikes


def test_given_a_two_digit_year_glued_to_the_time_when_found_then_the_date_is_read_unsurely() -> None:
    (match,) = find_dates("24.12.2417:14 KUITTI 994781", TODAY)
    assert match.value == dt.date(2024, 12, 24)
    assert match.confidence < 0.9


def test_given_four_digits_that_read_as_a_year_before_a_minute_then_they_stay_the_year() -> None:
    (match,) = find_dates("24.12.2017:14", TODAY)
    assert match.value == dt.date(2017, 12, 24)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Datum 11;04.20 109:5) Uhr", dt.date(2020, 4, 11)),
        ("Datum: 26.02,20", dt.date(2020, 2, 26)),
        ("PVM 3;4;25", dt.date(2025, 4, 3)),
        ("Datum 08 10 16 14:16 Uhr", dt.date(2016, 10, 8)),  # separators read as spaces, a time after
    ],
)
def test_given_a_misread_separator_after_the_date_label_then_the_date_is_read_unsurely(
    text: str, expected: dt.date
) -> None:
    (match,) = find_dates(text, TODAY)
    assert (match.value, match.confidence) == (expected, LABELLED_GARBLED_CONFIDENCE)


def test_given_no_label_or_a_clean_date_then_a_misread_separator_reading_does_not_apply() -> None:
    assert find_dates("11;04.20 12,50", TODAY) == []
    assert find_dates("08 10 16 14:16", TODAY) == []  # spaced numbers without the label
    assert find_dates("Datum 08 10 16", TODAY) == []  # nor with it but no time after them
    (clean,) = find_dates("Datum 11.04.20 10:05", TODAY)
    assert clean.confidence == 0.85
