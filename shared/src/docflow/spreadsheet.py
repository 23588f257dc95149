"""Cells of every CSV export, safe to open in a spreadsheet (CSV or formula injection).

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or their full-width forms,
or any of them after leading whitespace, tab or line break) as a formula: ``=HYPERLINK(...)`` turns
live, ``-2+3+cmd|...`` reaches DDE. :func:`cell` writes any value as text and prefixes such a cell
with an apostrophe, which the spreadsheet shows as text. A signed number (``-12,50``, ``+358 40 123
4567``) has no function to call and stays as it is, so amounts and phone numbers keep their form.
Lists are joined first and the joined text is neutralised as one cell.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from psycopg import sql

#: Characters that make a spreadsheet read a cell as a formula (ASCII and full-width).
FORMULA_START = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")
#: Leading characters some spreadsheets skip before reading a formula.
LEADING_BREAKS = frozenset("\t\r\n")
#: Separator of a list written into one cell.
LIST_SEPARATOR = "|"

_SIGNED_NUMBER_PATTERN = r"^[+-][0-9 .,()-]*$"
_SIGNED_NUMBER = re.compile(_SIGNED_NUMBER_PATTERN)


def neutralize(text: str) -> str:
    """``text``, with an apostrophe in front when a spreadsheet would evaluate it."""
    if text[:1] in LEADING_BREAKS:
        return "'" + text
    start = text.lstrip()
    if start[:1] in FORMULA_START and not _SIGNED_NUMBER.match(text):
        return "'" + text
    return text


def neutralize_sql(expression: sql.Composable) -> sql.Composed:
    """:func:`neutralize` as a PostgreSQL expression, for exports that the database writes itself."""
    from psycopg import sql

    def characters(chars: frozenset[str]) -> sql.Composed:
        return sql.SQL(", ").join(sql.Literal(character) for character in sorted(chars))

    return sql.SQL(
        "(case when left({e}, 1) in ({breaks}) then '''' || {e}"
        " when substring({e} from '^\\s*(.)') in ({starts}) and {e} !~ {signed} then '''' || {e}"
        " else {e} end)"
    ).format(
        e=expression,
        breaks=characters(LEADING_BREAKS),
        starts=characters(FORMULA_START),
        signed=sql.Literal(_SIGNED_NUMBER_PATTERN),
    )


def cell(value: object) -> str:
    """Any exported value as a safe text cell: ``None`` empty, dates in ISO 8601, decimals without
    exponent, lists joined with ``|``."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return neutralize(LIST_SEPARATOR.join(_text(item) for item in value if item is not None))
    return neutralize(_text(value))


def row(values: Iterable[object]) -> list[str]:
    """A whole row of safe cells."""
    return [cell(value) for value in values]


def _text(value: object) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


__all__ = ["FORMULA_START", "LIST_SEPARATOR", "cell", "neutralize", "neutralize_sql", "row"]
