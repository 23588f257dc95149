"""State and country names after the postcode, one misread letter put right."""

from __future__ import annotations

import pytest

from docflow.receipts.places import repair_place_names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("41050 KLANG SELANGOR D.E, MALAYSTA", "41050 KLANG SELANGOR D.E, MALAYSIA"),
        ("No. 1, Jalan Dutamas 1, 50480 Kuala Lurpur.", "No. 1, Jalan Dutamas 1, 50480 Kuala Lumpur."),
        ("43000 KAJANG, SELANQOR", "43000 KAJANG, SELANGOR"),
    ],
)
def test_given_a_place_name_one_letter_off_after_the_postcode_when_repaired_then_it_is_the_name(
    text: str, expected: str
) -> None:
    assert repair_place_names(text) == expected


def test_given_a_street_name_one_letter_from_a_state_when_repaired_then_it_is_kept() -> None:
    text = "5A, JALAN SENANG 3/2, 43300 SERI KEMBANGAN"
    assert repair_place_names(text) == text


def test_given_no_postcode_when_repaired_then_the_text_is_unchanged() -> None:
    assert repair_place_names("TAMAN MALAYSTA") == "TAMAN MALAYSTA"


def test_given_short_or_distant_words_when_repaired_then_they_are_kept() -> None:
    # JOHOR is too short to compare; KUALA is two letters from every name; MALAYSIA is already right.
    text = "81200 JOHAR BAHRU, KUALA MALAYSIA"
    assert repair_place_names(text) == text
