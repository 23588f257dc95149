"""Client identifiers and CSV helpers, without a database."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.fi import ytunnus

from docflow.clients import identifiers
from docflow_clients import csv_io


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0737546-2", "0737546-2"),
        ("07375462", "0737546-2"),
        (" 0737546 - 2 ", "0737546-2"),
        ("737546-2", "0737546-2"),
    ],
)
def test_ytunnus_spellings_normalise(raw: str, expected: str) -> None:
    assert identifiers.normalize_ytunnus(raw) == expected


@pytest.mark.parametrize("raw", ["0737546-3", "9876543-2", "12-45", "FI07375462", "0737546-2x"])
def test_invalid_ytunnus_is_refused_without_repeating_it(raw: str) -> None:
    with pytest.raises(ValueError, match="Y-tunnus") as raised:
        identifiers.normalize_ytunnus(raw)
    assert raw not in str(raised.value)


@given(st.from_regex(r"\d{7}-\d", fullmatch=True))
def test_ytunnus_check_agrees_with_python_stdnum(value: str) -> None:
    try:
        accepted = identifiers.normalize_ytunnus(value) == value
    except ValueError:
        accepted = False
    assert accepted == bool(ytunnus.is_valid(value))


def test_vat_numbers() -> None:
    assert identifiers.normalize_vat_number("fi 0737 5462") == "FI07375462"
    assert identifiers.normalize_vat_number("SE556036079301") == "SE556036079301"
    for bad in ("FI07375463", "DE123", "XX123456789"):
        with pytest.raises(ValueError, match="VAT number"):
            identifiers.normalize_vat_number(bad)
    identifiers.check_vat_matches_ytunnus("0737546-2", "FI07375462")
    with pytest.raises(ValueError, match="does not match"):
        identifiers.check_vat_matches_ytunnus("1234567-1", "FI07375462")


def test_tags_are_normalised_and_bounded() -> None:
    assert identifiers.normalize_tags([" VIP ", "vip", "Rakennus  ala", ""]) == ["vip", "rakennus ala"]
    with pytest.raises(ValueError, match="letters"):
        identifiers.normalize_tags(["=HYPERLINK()"])
    with pytest.raises(ValueError, match="at most"):
        identifiers.normalize_tags([f"t{i}" for i in range(21)])


def test_every_export_cell_is_neutralised_lists_included() -> None:
    row = {
        "id": "6f1c",
        "name": "Oy Ab",
        "business_id": "@SUM(1)",
        "tags": ['=HYPERLINK("http://evil.example")', "vip"],
        "notes": "-2+3+cmd|' /C calc'!A0",
        "phone": "+358 40 123 4567",
    }
    for fmt, delimiter in (("csv", ","), ("csv-fi", ";")):
        text = csv_io.write_export([row], fmt).decode("utf-8-sig")
        (exported,) = list(csv.DictReader(io.StringIO(text), delimiter=delimiter))
        cells = list(exported.values())
        assert "'@SUM(1)" in cells
        assert '\'=HYPERLINK("http://evil.example")|vip' in cells
        assert "'-2+3+cmd|' /C calc'!A0" in cells
        assert "+358 40 123 4567" in cells


def test_delimiter_bom_and_aliases_are_detected() -> None:
    parsed = csv_io.parse_import("\ufeffNimi;Y-tunnus;Muu\r\nA Oy;0737546-2;x\r\n".encode(), max_rows=10)
    assert parsed.delimiter == ";"
    assert parsed.rows == [(2, {"name": "A Oy", "business_id": "0737546-2"})]
    assert parsed.ignored_columns == ["Muu"]
    parsed = csv_io.parse_import(b'name,notes\n"B, Oy","line one\nline two"\nC Oy,\n', max_rows=10)
    assert parsed.delimiter == ","
    assert parsed.rows == [(3, {"name": "B, Oy", "notes": "line one\nline two"}), (4, {"name": "C Oy"})]


def test_kind_and_tag_cells_are_translated() -> None:
    assert csv_io.row_to_client({"name": "X", "kind": "Henkilö", "tags": "a|b, c"}) == {
        "name": "X",
        "kind": "person",
        "tags": ["a", "b", " c"],
    }
