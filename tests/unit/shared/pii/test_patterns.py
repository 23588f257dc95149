"""The candidate patterns match alike on every supported Python, 3.11.2 (Debian 12) included.

Python 3.11.2 matches possessive repeats of a group wrongly: the group's last, failed attempt keeps
the separator it had consumed (``040 123 4567 `` with its trailing space). The patterns therefore use
no possessive quantifiers or atomic groups; these cases failed on 3.11.2 when they did.
"""

from __future__ import annotations

import re

import pytest

from docflow.pii import patterns, scrub_text

#: Compiled patterns of the module, by name.
COMPILED = {name: value for name, value in vars(patterns).items() if isinstance(value, re.Pattern)}


def _repeats_that_never_backtrack(pattern: re.Pattern[str]) -> list[str]:
    """The possessive repeats and atomic groups in ``pattern``'s parsed form."""
    parser, constants = re._parser, re._constants
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, parser.SubPattern):
            for op, argument in node:
                if op in (constants.POSSESSIVE_REPEAT, constants.ATOMIC_GROUP):
                    found.append(str(op))
                walk(argument)
        elif isinstance(node, list | tuple):
            for part in node:
                walk(part)

    walk(parser.parse(pattern.pattern, pattern.flags))
    return found


@pytest.mark.parametrize("name", sorted(COMPILED))
def test_given_a_pattern_when_parsed_then_it_has_no_possessive_repeat_or_atomic_group(name: str) -> None:
    assert _repeats_that_never_backtrack(COMPILED[name]) == []


def test_given_a_possessive_pattern_when_parsed_then_the_check_finds_it() -> None:
    assert _repeats_that_never_backtrack(re.compile(r"a(?:[ -][0-9]++)*+(?>b|c)")) != []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("puh. 09 123 4567 (ark. 8-16)", "puh. [PHONE] (ark. 8-16)"),
        ("Soita 040 123 4567 tai 050 765 4321.", "Soita [PHONE] tai [PHONE]."),
        ("Puh: 040-1234567 / 050 123 4567", "Puh: [PHONE] / [PHONE]"),
        ("tel. +358 (0)9 123 4567 (vaihde)", "tel. [PHONE] (vaihde)"),
        ("Soita +358 40 123 4567 tai 0401234567 klo 8-16", "Soita [PHONE] tai [PHONE] klo 8-16"),
        ("kortti 4111 1111 1111 1111 (visa)", "kortti [CARD] (visa)"),
        ("kortti 4111-1111-1111-1111 - hyväksytty", "kortti [CARD] - hyväksytty"),
    ],
)
def test_given_a_number_before_a_separator_when_scrubbed_then_the_separator_stays(
    text: str, expected: str
) -> None:
    assert scrub_text(text) == expected


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("PHONE_NATIONAL", "09 123 4567 (ark)", ["09 123 4567"]),
        ("PHONE_NATIONAL", "040 123 4567x", []),  # the whole run or nothing, never a shorter prefix
        ("PHONE_NATIONAL", "040 123 4567-8", []),
        ("PHONE_INTERNATIONAL", "+358 40 123 4567 (ark)", ["+358 40 123 4567"]),
        ("PHONE_INTERNATIONAL", "+358 40 12,50", ["+358 40"]),  # a decimal number ends the run
        ("CARD", "4111 1111 1111 1111 x", ["4111 1111 1111 1111"]),
        ("CARD", "4111 1111 1111 11,50", ["4111 1111 1111"]),
    ],
)
def test_given_digit_groups_when_matched_then_groups_are_whole_runs(
    name: str, text: str, expected: list[str]
) -> None:
    assert COMPILED[name].findall(text) == expected
