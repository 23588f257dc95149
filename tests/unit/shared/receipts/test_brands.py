"""Chain names, trade words and places in a merchant's name put right when one character is misread."""

from __future__ import annotations

import pytest

from docflow.receipts.brands import names_a_chain, repair_name


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("Caf6 Kanerva", "Café Kanerva"),  # a trade word
        ("Teboil Lahtl", "Teboil Lahti"),  # a town
        ("Weste Tuusula", "Neste Tuusula"),  # any one character in a word of five or more
        ("BÄCKEREL SCHULZ", "BÄCKEREI SCHULZ"),  # the printed case kept
        ("Sti Kivikko", "St1 Kivikko"),  # a short word across look-alikes
    ],
)
def test_given_a_known_word_misread_in_one_character_then_it_is_put_right(
    printed: str, expected: str
) -> None:
    assert repair_name(printed) == expected


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("Cafe Kanerva", "Café Kanerva"),
        ("Lidl Itakeskus", "Lidl Itäkeskus"),
        ("K-Citymarket JYVASKYLA", "K-Citymarket JYVÄSKYLÄ"),
    ],
)
def test_given_a_known_word_whose_accents_the_ocr_dropped_then_they_are_put_back(
    printed: str, expected: str
) -> None:
    assert repair_name(printed) == expected


@pytest.mark.parametrize(
    "name",
    [
        "Lidl Itäkeskus",  # already right
        "Liot Ttökeskus",  # two characters away from Lidl and Itäkeskus
        "Sole Oy",  # a short word one letter from Sale, but not a look-alike
        "Ravintola Kultainen Kala",  # words the list does not know stay as printed
        "S-market Hervanta 4",
    ],
)
def test_given_a_name_without_one_misread_known_word_then_it_is_kept(name: str) -> None:
    assert repair_name(name) == name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Marktkauf Lehr", True),
        ("K-Market Kuusi", True),
        ("Kuusen Kauppa Oyj", False),
        ("SUMMER SALE", False),  # a chain whose name is also a common word says nothing
        ("Netto Brutto", False),
    ],
)
def test_given_a_line_when_checked_then_a_known_chain_name_is_told(text: str, expected: bool) -> None:
    assert names_a_chain(text) is expected
