"""``Text``: the one constrained string type of every text input (body fields, query and path
parameters, CSV import cells).

PostgreSQL refuses a NUL character in ``text``, and UTF-8 has no lone surrogates, so both would fail
deep in a query; control characters and invisible direction marks have no business in a name, an
address or a search either. ``Text`` refuses them at the schema, as a 422:

- always: C0 controls and DEL, except tab, line feed and carriage return where ``multiline=True``
  (notes, messages), and lone surrogates;
- with ``plain=True`` (names, postal and e-mail addresses, file names): also bidi overrides,
  isolates and marks, and zero-width characters, which make a text read differently from what it
  holds (``U+202E`` turns ``gpj.exe`` around).

The check runs on the text as sent, before surrounding space is trimmed, then the lengths apply.
The rules are in the OpenAPI document too, as ``pattern`` (or the field's own ``pattern``, which the
value must match as well and which must itself exclude what ``Text`` refuses), so generated clients
and the fuzzing suite see them::

    Name = Annotated[str, Text(min_length=1, max_length=200, plain=True)]
    Notes = Annotated[str, Text(max_length=5000, multiline=True, strip=False)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

#: C0 controls and DEL (regular expression class body, ECMA-262 and Python alike).
CONTROLS = r"\x00-\x1f\x7f"
#: The same without tab, line feed and carriage return.
CONTROLS_BUT_LINE_BREAKS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
#: Lone UTF-16 surrogates (JSON ``"\ud800"``), which no UTF-8 text can hold.
SURROGATES = r"\ud800-\udfff"
#: Bidi marks, embeddings, overrides and isolates; zero-width space, joiners and word joiner; BOM.
INVISIBLE = r"\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"

CONTROL_MESSAGE = "must not contain control characters"
INVISIBLE_MESSAGE = "must not contain invisible or text-direction characters"
PATTERN_MESSAGE = "does not have the expected form"


@dataclass(frozen=True, slots=True)
class Text:
    """Constraints of one text input (use as ``Annotated[str, Text(...)]``).

    ``strip`` trims surrounding whitespace before the lengths are checked; ``min_length >= 1`` with
    ``strip`` then also refuses a text of spaces only.
    """

    max_length: int
    min_length: int = 0
    multiline: bool = False
    plain: bool = False
    strip: bool = True
    pattern: str | None = None

    def json_pattern(self) -> str:
        """The ``pattern`` of the OpenAPI document (lone surrogates aside: a JSON document cannot
        carry them, and ECMA-262 validators with Unicode semantics refuse them in a class)."""
        if self.pattern is not None:
            return self.pattern
        controls = CONTROLS_BUT_LINE_BREAKS if self.multiline else CONTROLS
        refused = controls + (INVISIBLE if self.plain else "")
        if self.strip and self.min_length >= 1:
            return rf"^[^{refused}]*[^\s{refused}][^{refused}]*$"
        return rf"^[^{refused}]*$"

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        checked = core_schema.no_info_after_validator_function(self.check, core_schema.str_schema())
        bounded = core_schema.str_schema(
            min_length=self.min_length, max_length=self.max_length, strip_whitespace=self.strip
        )
        return core_schema.chain_schema([checked, bounded])

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        result: JsonSchemaValue = {
            "type": "string",
            "maxLength": self.max_length,
            "pattern": self.json_pattern(),
        }
        if self.min_length:
            result["minLength"] = self.min_length
        return result

    def check(self, value: str) -> str:
        """``value`` unchanged, or ``ValueError`` naming the rule it breaks (never the value)."""
        controls = CONTROLS_BUT_LINE_BREAKS if self.multiline else CONTROLS
        if _compiled(f"[{controls}{SURROGATES}]").search(value):
            raise ValueError(CONTROL_MESSAGE)
        if self.plain and _compiled(f"[{INVISIBLE}]").search(value):
            raise ValueError(INVISIBLE_MESSAGE)
        if self.pattern is not None and not _compiled(self.pattern).search(value):
            raise ValueError(PATTERN_MESSAGE)
        return value


@lru_cache(maxsize=64)
def _compiled(source: str) -> re.Pattern[str]:
    return re.compile(source)


__all__ = ["CONTROLS", "CONTROLS_BUT_LINE_BREAKS", "INVISIBLE", "SURROGATES", "Text"]
