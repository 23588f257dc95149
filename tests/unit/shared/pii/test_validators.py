"""Validators against REFERENCE test vectors and python-stdnum as the reference implementation."""

from __future__ import annotations

import random
import re
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import iban as stdnum_iban
from stdnum import luhn as stdnum_luhn
from stdnum.fi import hetu as stdnum_hetu

from docflow.pii.validators import (
    IBAN_LENGTHS,
    card_brand,
    is_valid_card,
    is_valid_hetu,
    is_valid_iban,
    luhn_ok,
)
from tests.support.pii_corpus import HETU_CHECK, iban_check_digits, make_card, make_hetu, make_iban

VALID_HETU = [
    "131052-308T",
    "010594Y9032",
    "020594X903P",
    "030594W903B",
    "040594V9030",
    "050594U903M",
    "010516B903X",
    "020516C903K",
    "030516D9037",
    "010501E9032",
    "020503F9037",
    "020504A902E",
]


@pytest.mark.parametrize("code", VALID_HETU)
def test_given_reference_hetu_when_validated_then_valid(code: str) -> None:
    assert is_valid_hetu(code)
    assert is_valid_hetu(code.lower())


@pytest.mark.parametrize(
    ("code", "why"),
    [
        ("131052-308U", "wrong check character"),
        ("290200+123A", "no 29 February in 1800"),
        ("131052-001H", "individual number below 002"),
        ("131052Z308T", "unknown century sign"),
        ("321052-308T", "day 32"),
        ("131352-308T", "month 13"),
        ("131052-30T", "too short"),
    ],
)
def test_given_malformed_hetu_when_validated_then_invalid(code: str, why: str) -> None:
    assert not is_valid_hetu(code), why


@settings(max_examples=150, deadline=None)
@given(
    day=st.integers(0, 39),
    month=st.integers(0, 19),
    year=st.integers(0, 99),
    sign=st.sampled_from("+-YXWVUABCDEF"),
    individual=st.integers(0, 999),
    check=st.sampled_from(HETU_CHECK),
)
def test_given_any_hetu_shape_when_validated_then_agrees_with_stdnum(
    *, day: int, month: int, year: int, sign: str, individual: int, check: str
) -> None:
    code = f"{day:02d}{month:02d}{year:02d}{sign}{individual:03d}{check}"
    assert is_valid_hetu(code) == stdnum_hetu.is_valid(code, allow_temporary=True)


def test_given_generated_hetus_when_validated_then_all_valid() -> None:
    rng = random.Random(11)
    codes = [make_hetu(rng) for _ in range(500)]
    assert [code for code in codes if not is_valid_hetu(code)] == []


@pytest.mark.parametrize(
    "number",
    ["FI2112345600000785", "FI21 1234 5600 0007 85", "DE89370400440532013000", "SE4550000000058398257466"],
)
def test_given_reference_iban_when_validated_then_valid(number: str) -> None:
    assert is_valid_iban(number)


@pytest.mark.parametrize(
    "number",
    ["FI2112345600000786", "FI12345678", "FI211234560000078", "XX2112345600000785", "FI21123456000007ä5"],
)
def test_given_bad_iban_when_validated_then_invalid(number: str) -> None:
    assert not is_valid_iban(number)


def test_given_stdnum_registry_when_compared_then_every_country_length_matches() -> None:
    registry = resources.files("stdnum").joinpath("iban.dat").read_text()
    lengths = {}
    for line in registry.splitlines():
        match = re.match(r'^([A-Z]{2}) .*bban="([^"]+)"', line)
        if match:
            lengths[match.group(1)] = 4 + sum(int(n) for n in re.findall(r"(\d+)!", match.group(2)))
    assert lengths
    assert {country: IBAN_LENGTHS.get(country) for country in lengths} == lengths


@settings(max_examples=150, deadline=None)
@given(
    country=st.sampled_from(["FI", "DE", "SE", "NO", "DK", "EE", "AT", "CZ"]),
    digits=st.text("0123456789", min_size=30, max_size=30),
    other_check=st.one_of(st.none(), st.integers(0, 99)),
)
def test_given_numeric_iban_when_validated_then_agrees_with_stdnum(
    country: str, digits: str, other_check: int | None
) -> None:
    bban = digits[: IBAN_LENGTHS[country] - 4]
    check = iban_check_digits(country, bban) if other_check is None else f"{other_check:02d}"
    number = country + check + bban
    assert is_valid_iban(number) == stdnum_iban.is_valid(number, check_country=False)


def test_given_generated_ibans_when_validated_then_valid_and_stdnum_agrees() -> None:
    rng = random.Random(12)
    numbers = [make_iban(rng) for _ in range(500)]
    assert [
        n for n in numbers if not (is_valid_iban(n) and stdnum_iban.is_valid(n, check_country=False))
    ] == []


@pytest.mark.parametrize(
    ("number", "brand"),
    [
        ("4111111111111111", "visa"),
        ("5555555555554444", "mastercard"),
        ("2223003122003222", "mastercard"),
        ("378282246310005", "amex"),
        ("6011111111111117", "discover"),
        ("3530111333300000", "jcb"),
        ("36227206271667", "diners"),
    ],
)
def test_given_reference_card_when_validated_then_valid_with_brand(number: str, brand: str) -> None:
    assert is_valid_card(number)
    assert card_brand(number) == brand


@pytest.mark.parametrize(
    ("number", "why"),
    [
        ("4111111111111112", "Luhn fails"),
        ("4222222222222", "13-digit Visa is not issued"),
        ("6411401015090", "EAN-13, wrong length for any scheme"),
        ("1234567812345670", "Luhn-valid but no scheme starts with 1"),
        ("7234567812345670", "no scheme starts with 7"),
        ("5 53394 43885 83563", "grouped in fives like a reference number"),
        ("411111111111111a", "not all digits"),
    ],
)
def test_given_non_card_when_validated_then_invalid(number: str, why: str) -> None:
    assert not is_valid_card(number), why


@pytest.mark.parametrize(
    "number", ["4111 1111 1111 1111", "4111-1111-1111-1111", "4111.1111.1111.1111", "3782 822463 10005"]
)
def test_given_separated_card_when_validated_then_valid(number: str) -> None:
    assert is_valid_card(number)


@settings(max_examples=150, deadline=None)
@given(st.text("0123456789", min_size=1, max_size=25))
def test_given_digits_when_luhn_checked_then_agrees_with_stdnum(digits: str) -> None:
    assert luhn_ok(digits) == stdnum_luhn.is_valid(digits)


def test_given_generated_cards_when_validated_then_all_valid() -> None:
    rng = random.Random(13)
    numbers = [make_card(rng) for _ in range(500)]
    assert [number for number in numbers if not is_valid_card(number)] == []


# --- the edges of each check (each pins one comparison the validators make) -----------------------


def _hetu(body: str, sign: str, individual: str) -> str:
    return f"{body}{sign}{individual}{HETU_CHECK[int(body + individual) % 31]}"


def _luhn_complete(partial: str) -> str:
    return next(partial + d for d in "0123456789" if stdnum_luhn.is_valid(partial + d))


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("131052-308T", True),
        ("131052-308T0", False),  # twelve characters, the first eleven valid
        ("131052-3A8T", False),  # a letter in the individual number
        ("131052-X08T", False),
        (_hetu("131052", "-", "002"), True),  # 002 is the first individual number issued
        (_hetu("131052", "-", "001"), False),
        (_hetu("290212", "-", "123"), True),  # 1912 was a leap year (the year is both digits)
        (_hetu("290202", "-", "123"), False),  # 1902 was not
    ],
)
def test_given_hetu_edges_when_validated_then_each_check_holds(code: str, valid: bool) -> None:
    assert is_valid_hetu(code) is valid
    assert bool(stdnum_hetu.is_valid(code)) is valid or len(code) != 11


def _spaced_iban(length: int) -> str:
    """A valid Finnish IBAN in groups of four, padded with spaces to ``length`` characters."""
    grouped = " ".join(re.findall(".{1,4}", "FI2112345600000785"))
    return grouped + " " * (length - len(grouped))


def test_given_a_spaced_iban_when_it_is_42_characters_then_valid_and_longer_invalid() -> None:
    assert is_valid_iban(_spaced_iban(42))
    assert not is_valid_iban(_spaced_iban(43))


def test_given_a_letter_among_the_check_digits_when_validated_then_invalid() -> None:
    """GIVEN ``FI`` + letter + digit whose mod 97 still comes out right THEN the letter refuses it."""
    bban = "12345600000785"
    forged = next(
        f"FI{letter}{digit}{bban}"
        for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        for digit in "0123456789"
        if int("".join(str(int(c, 36)) for c in f"{bban}FI{letter}{digit}")) % 97 == 1
    )
    assert not is_valid_iban(forged)


UNIONPAY_17 = _luhn_complete("6200000000000000")


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("411 1111 1111 1111 1", False),  # first group of three
        ("4111 111 1111 1111 1", False),  # second group of three
        ("4111 1111 1111 111 1", False),  # the group before the last of three
        ("4111 111111111111", False),  # a last group longer than four
        (" ".join(re.findall(".{1,4}", UNIONPAY_17)), True),  # 4-4-4-4-1
        (f"{UNIONPAY_17[:4]} {UNIONPAY_17[4:8]} {UNIONPAY_17[8:12]} {UNIONPAY_17[12:]}", False),  # 4-4-4-5
    ],
)
def test_given_card_groupings_when_validated_then_fours_with_a_short_last_group_only(
    number: str, valid: bool
) -> None:
    assert is_valid_card(number) is valid
