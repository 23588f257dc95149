"""Y-tunnus and FI VAT numbers with check digits."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docflow.receipts.identifiers import (
    SURE_PRINTS,
    AgreedId,
    agreed_business_id,
    find_business_ids,
    find_vat_numbers,
    is_business_id_line,
    is_valid_ytunnus,
    vat_number_to_ytunnus,
)
from tests.support.identifiers import ytunnus_check_digit


def test_given_known_numbers_when_validated_then_the_check_digit_decides() -> None:
    assert is_valid_ytunnus("0112038-9")
    assert not is_valid_ytunnus("0112038-8")


@given(st.text(alphabet="0123456789", min_size=7, max_size=7))
def test_given_any_seven_digits_when_a_valid_id_is_printed_then_it_is_found(digits: str) -> None:
    check = ytunnus_check_digit(digits)
    text = f"Y-tunnus {digits}-{check}"
    found = [item.value for item in find_business_ids(text)]
    assert found == ([] if check is None else [f"{digits}-{check}"])


@given(st.text(alphabet="0123456789", min_size=7, max_size=7), st.integers(0, 9))
def test_given_a_wrong_check_digit_when_searched_then_nothing_is_found(digits: str, wrong: int) -> None:
    if str(wrong) == ytunnus_check_digit(digits):
        wrong = (wrong + 1) % 10
    assert find_business_ids(f"Y-tunnus {digits}-{wrong}") == []


def test_given_ocr_spaces_around_the_hyphen_when_labelled_then_the_id_is_found() -> None:
    [found] = find_business_ids("Y-tunnus: 0112038 - 9")
    assert found.value == "0112038-9"
    assert found.labelled


def test_given_a_vat_number_when_searched_then_it_gives_the_ytunnus_too() -> None:
    assert find_vat_numbers("ALV-rek. FI01120389") == ["FI01120389"]
    assert vat_number_to_ytunnus("FI01120389") == "0112038-9"
    assert [item.value for item in find_business_ids("VAT FI01120389")] == ["0112038-9"]


def test_given_a_phone_number_shaped_like_an_id_when_unlabelled_then_a_short_one_is_ignored() -> None:
    assert find_business_ids("Puh 112038-9") == []


def test_given_a_labelled_number_with_its_hyphen_lost_or_a_dot_then_it_is_read_as_repaired() -> None:
    for text in ("Y-tunnus 22789110", "Y-tunnus 2278911.0", "Ytunnus 2278911-0"):
        found = find_business_ids(text)
        assert [item.value for item in found] == ["2278911-0"], text


def test_given_a_letter_read_for_a_digit_when_one_reading_is_valid_then_it_is_taken() -> None:
    found = find_business_ids("FO-nummer 270S919-9")
    assert [(item.value, item.repaired) for item in found] == [("2708919-9", True)]


def test_given_an_unlabelled_eight_digit_run_then_it_is_never_read_as_a_business_id() -> None:
    assert find_business_ids("Tunniste 22789110") == []
    assert find_business_ids("Kuitti 2278911.0") == []


def test_given_a_repaired_business_id_when_extracted_then_it_is_not_confident() -> None:
    from docflow.receipts.extract import extract_receipt

    receipt = extract_receipt("Alko Oy\nY-tunnus 22789110\n", today=dt.date(2026, 1, 1))
    assert receipt.business_id is not None
    assert receipt.business_id.value == "2278911-0"
    assert receipt.business_id.confidence < 0.9


def test_given_six_digits_when_labelled_then_the_leading_zero_makes_it_only_repaired() -> None:
    # ``224863-2`` may be the old six-digit form or a seven-digit number missing its first digit.
    [found] = find_business_ids("Y-TUNNUS 224863-2")
    assert (found.value, found.labelled, found.repaired) == ("0224863-2", True, True)
    [seven] = find_business_ids("Y-TUNNUS 3346663-2")
    assert not seven.repaired


def test_given_a_space_read_into_a_labelled_number_then_it_is_read_as_repaired() -> None:
    assert [(item.value, item.repaired) for item in find_business_ids("Ytunnus 2651 170-6")] == [
        ("2651170-6", True)
    ]
    assert find_business_ids("Kassa 2651 170-6") == []


def test_given_a_digit_too_many_when_one_deletion_is_valid_then_it_is_taken() -> None:
    [found] = find_business_ids("Y-tunnus 26511770-6")
    assert (found.value, found.repaired) == ("2651170-6", True)
    # Two deletions give valid numbers (2708919-9 and 2708599-9): neither is taken.
    assert find_business_ids("FO-nummer 27085919-9") == []


def test_given_dot_matrix_letters_for_digits_when_labelled_then_the_check_digit_picks_the_reading() -> None:
    [found] = find_business_ids("Ytunnus 121BD72-3")  # B as 8 (B as 3 fails the check digit)
    assert (found.value, found.repaired) == ("1218072-3", True)
    [found] = find_business_ids("Y-tunnus 1B6BO4G-6")  # B as 3, G as 6
    assert (found.value, found.repaired) == ("1363046-6", True)
    [found] = find_business_ids("Y-TUNNUS S219642-3")  # S as 3 (as 5 or 8 it fails the check digit)
    assert (found.value, found.repaired) == ("3219642-3", True)


def test_given_lookalike_letters_with_a_wrong_check_digit_when_labelled_then_nothing_is_found() -> None:
    assert find_business_ids("Ytunnus 121BD72-4") == []


def test_given_a_lookalike_check_digit_or_a_misread_label_when_the_check_digit_fits_then_it_is_read() -> None:
    [found] = find_business_ids("Y-tunnus 2204891-D")
    assert (found.value, found.repaired) == ("2204891-0", True)
    [found] = find_business_ids("Y-Lunnus/FO-ne 179603B-2")  # t read as L
    assert (found.value, found.repaired) == ("1796038-2", True)
    assert find_business_ids("Y-tunnus 2204891-I") == []  # 2204891-1 fails the check digit


def test_given_a_vat_number_that_contradicts_the_business_id_then_the_id_is_not_sure() -> None:
    from docflow.receipts.extract import extract_receipt

    text = "Alko Oy\nY-tunnus 2278911-0\nALV-rek. FI22789110\n"
    agreeing = extract_receipt(text, today=dt.date(2026, 1, 1))
    assert agreeing.business_id is not None
    assert agreeing.business_id.confidence >= 0.9
    other = extract_receipt(text.replace("FI22789110", "FI16491625"), today=dt.date(2026, 1, 1))
    assert other.business_id is not None
    assert other.business_id.confidence < 0.7


def test_given_a_business_id_on_a_noisy_line_then_only_a_vat_number_makes_it_sure() -> None:
    from docflow.receipts.extract import extract_receipt
    from docflow.receipts.lines import TextLine

    def lines(*rows: tuple[str, float]) -> list[TextLine]:
        return [
            TextLine(text, score, (0, 30 * n, 400, 30 * n + 20), 1) for n, (text, score) in enumerate(rows)
        ]

    noisy = extract_receipt(lines(("Alko Oy", 0.95), ("Y-tunnus 2278911-0", 0.6)), today=dt.date(2026, 1, 1))
    assert noisy.business_id is not None
    assert noisy.business_id.confidence < 0.9
    confirmed = extract_receipt(
        lines(("Alko Oy", 0.95), ("Y-tunnus 2278911-0", 0.6), ("ALV-rek. FI22789110", 0.95)),
        today=dt.date(2026, 1, 1),
    )
    assert confirmed.business_id is not None
    assert confirmed.business_id.confidence >= 0.9


def test_given_readings_when_most_lie_a_digit_from_a_valid_number_one_printed_then_it_is_agreed() -> None:
    # Four readings misread the 4 as a 9 (1699162-5 fails its check digit); a softer copy read it right.
    readings = ["YLtunnus 1699162-5", "YLtunnus 1699162-5", "tunnus 1699162-5", "YLunnus 1649162-5"]
    assert agreed_business_id(readings) == AgreedId("1649162-5", printed=1)


def test_given_look_alike_letters_and_a_digit_read_twice_then_the_readings_still_agree() -> None:
    readings = ["Y-TUNNUS 2204691-0", "Y-TUNNUS 2204B91-D", "Y-TUNNUS 2204B891-D", "Y-TUNNUS 220D4B91-D"]
    agreed = agreed_business_id(readings)
    assert agreed is not None
    assert agreed.value == "2204891-0"


def test_given_a_garbled_label_when_readings_agree_then_the_number_after_it_counts() -> None:
    readings = ["€ - TUNNUS 2204891-0", "Y-TUNNUS 2204891-0", "Y-TUNNUS 2204891 -D"]
    assert agreed_business_id(readings) == AgreedId("2204891-0", printed=3)


def test_given_words_and_numbers_after_the_number_then_they_are_not_read_into_it() -> None:
    readings = [
        "Y-tunnus 1649162-5 Oy",
        "Y-tunnus 1649162-5 | ALV FI16491625",
        "Y-tunnus 1649162-5 Puh 0401234567",
    ]
    assert agreed_business_id(readings) == AgreedId("1649162-5", printed=3)


def test_given_a_valid_number_one_copy_printed_beside_a_garbled_majority_then_it_counts_one_print() -> None:
    # Four copies print 1699162-5 (check digit fails); one prints 8699162-5, valid: a fresh misread can
    # pass the check digit, so one print is never enough to book it.
    readings = ["Y-tunnus 1699162-5"] * 4 + ["Y-tunnus 8699162-5"]
    agreed = agreed_business_id(readings)
    assert agreed is not None
    assert agreed.printed < SURE_PRINTS


def test_given_no_reading_printed_a_valid_number_then_none_is_made_up() -> None:
    # 1218072-3 is the only valid number one look-alike digit away, but no reading printed it.
    assert agreed_business_id(["Ytunnus 1216072-3"] * 4) is None


def test_given_fewer_than_three_readings_then_nothing_is_agreed() -> None:
    assert agreed_business_id(["Y-tunnus 1649162-5"] * 2) is None


def test_given_a_valid_number_most_readings_do_not_support_then_nothing_is_agreed() -> None:
    readings = ["Y-tunnus 1649162-5", "Y-tunnus 9999999-9", "Y-tunnus 5555555-5", "Y-tunnus 7777777-7"]
    assert agreed_business_id(readings) is None


def test_given_two_valid_numbers_the_readings_support_alike_then_nothing_is_agreed() -> None:
    readings = ["Y-tunnus 2204891-0", "Y-tunnus 0604891-0", "Y-tunnus 0204891-0", "Y-tunnus 0204891-0"]
    assert agreed_business_id(readings) is None


def test_a_business_id_line_prints_the_label_at_a_word_start() -> None:
    assert is_business_id_line("Y-tunnus 1649162-5")
    assert is_business_id_line("ALV-rek. FI16491625 Ytunnus 1649162-5")
    assert not is_business_id_line("Arkistointitunnus 372451960645")
    assert not is_business_id_line("YHTEENSÄ 12,50")


@pytest.mark.parametrize(
    "text",
    ["Ytunnus 15B2?BB-?", "Ytunnus 15B2TBB-7", "YkLunnus 15B27BB-7"],  # dot print: 7 read ? or T, a stray k
)
def test_given_dot_print_sevens_misread_or_a_stray_letter_in_the_label_then_the_number_is_repaired(
    text: str,
) -> None:
    (found,) = find_business_ids(text)
    assert (found.value, found.labelled, found.repaired) == ("1582788-7", True, True)
