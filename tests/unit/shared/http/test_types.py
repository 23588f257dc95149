"""``docflow.http.types.Text``: the one string type of every text input."""

from __future__ import annotations

import re
from typing import Annotated

import pytest
from pydantic import BaseModel, ValidationError

from docflow.http.types import Text

Line = Annotated[str, Text(min_length=1, max_length=10)]
Lines = Annotated[str, Text(max_length=20, multiline=True, strip=False)]
PlainName = Annotated[str, Text(min_length=1, max_length=10, plain=True)]
Code = Annotated[str, Text(max_length=10, strip=False, pattern=r"^[a-z]+$")]


class Inputs(BaseModel):
    line: Line = "x"
    lines: Lines = ""
    name: PlainName = "x"
    code: Code = "x"


def _refused(**values: str) -> str:
    with pytest.raises(ValidationError) as caught:
        Inputs(**values)
    return str(caught.value.errors()[0]["msg"])


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x1b", "\x1f", "\x7f", "\t", "\n", "\r", "\ud800"])
def test_single_line_text_refuses_every_control_character(char: str) -> None:
    assert "control characters" in _refused(line=f"a{char}b")
    assert "control characters" in _refused(line=f"{char}ab")  # before trimming, not after


def test_multiline_text_keeps_tab_and_line_breaks_only() -> None:
    assert Inputs(lines="a\tb\r\nc\n").lines == "a\tb\r\nc\n"
    for char in ("\x00", "\x0b", "\x0c", "\x1b", "\x7f"):
        assert "control characters" in _refused(lines=f"a{char}b")


@pytest.mark.parametrize(
    "char", ["\u202e", "\u2066", "\u200f", "\u200b", "\u200d", "\u2060", "\ufeff", "\u061c"]
)
def test_names_refuse_direction_and_zero_width_characters(char: str) -> None:
    assert "invisible" in _refused(name=f"a{char}b")
    assert Inputs(line=f"a{char}b").line == f"a{char}b"  # other text keeps them


def test_trimming_lengths_and_own_pattern() -> None:
    assert Inputs(line="  Oy Ab  ", name=" Äijä ").model_dump()["line"] == "Oy Ab"
    assert "at least 1" in _refused(line="   ")
    assert "at most 10" in _refused(name="x" * 11)
    assert "expected form" in _refused(code="ABC")
    assert "control characters" in _refused(code="ab\x00")


def test_the_documented_pattern_says_the_same() -> None:
    properties = Inputs.model_json_schema()["properties"]
    for field, refused, admitted in [
        ("line", ["a\x00", "a\tb", " "], ["Oy Ab", "a\u202eb"]),
        ("lines", ["a\x00", "a\x1b"], ["a\tb\nc", ""]),
        ("name", ["a\u202eb", "a\u200bb", "a\x00"], ["Äijä"]),
        ("code", ["ABC"], ["abc"]),
    ]:
        pattern = properties[field]["pattern"]
        assert properties[field]["maxLength"] in (10, 20)
        assert not any(re.search(pattern, value) for value in refused), field
        assert all(re.search(pattern, value) for value in admitted), field
