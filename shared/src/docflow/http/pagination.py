"""Keyset pagination, one way for every list: ``Page[T]``, ``PageParams``, one opaque cursor, and the
"fetch one row more than the limit" step.

A list is ordered by a :class:`Keyset`, columns that together are unique (``created_at, id``). The
query asks for ``limit + 1`` rows: a row beyond the limit means another page follows, and the cursor
of that page holds the sort key of this page's last row.

The cursor is URL-safe base64 (unpadded) of the JSON ``{"v": 1, "l": <list>, "k": [<sort key>]}``.
It is validated, not signed: it grants nothing (row level security and each query's tenant filter
decide which rows exist), so a MAC would add a deployment secret and protect nothing. Anything that
does not decode to this version, this list and sort key values of the expected types is a 422
problem, never a 500; so are values the database would refuse (a NUL character, an integer beyond
``bigint``, a timestamp without a time zone).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from docflow.errors import Unprocessable
from docflow.http.types import Text

if TYPE_CHECKING:
    from psycopg import sql

    from docflow.db import Connection
    from docflow.db.compose import Conditions

#: Largest page a client may ask for, in every list.
MAX_PAGE_LIMIT = 100
#: Page size when the client names none.
DEFAULT_PAGE_LIMIT = 50
#: Longest cursor accepted (a sort key of a 200-character name fits with room to spare).
MAX_CURSOR_LENGTH = 2048
CURSOR_VERSION = 1
INVALID_CURSOR = "The cursor is not valid; start again without one"

_BIGINT = 2**63
_MAX_TEXT_KEY = 1000

T = TypeVar("T")
Row = Mapping[str, Any]


#: A cursor as it travels: URL-safe base64 (what it decodes to is checked by :meth:`Keyset.decode`).
Cursor = Annotated[str, Text(max_length=MAX_CURSOR_LENGTH, strip=False, pattern=r"^[A-Za-z0-9_=-]*$")]


class Page(BaseModel, Generic[T]):
    """One page of a list; pass ``next_cursor`` back as ``cursor`` for the next page (null on the last)."""

    items: list[T]
    next_cursor: str | None


class PageParams(BaseModel):
    """The page a list request asks for. List query models extend it; a list without filters takes
    :data:`PageQuery`."""

    model_config = ConfigDict(frozen=True)

    limit: int = Field(
        default=DEFAULT_PAGE_LIMIT,
        ge=1,
        le=MAX_PAGE_LIMIT,
        description=f"Page size (at most {MAX_PAGE_LIMIT})",
    )
    cursor: (
        Annotated[str, Text(max_length=MAX_CURSOR_LENGTH, strip=False, pattern=r"^[A-Za-z0-9_=-]*$")] | None
    ) = Field(default=None, description="`next_cursor` of the previous page")


#: The ``limit`` and ``cursor`` query parameters of a list without filters.
PageQuery = Annotated[PageParams, Query()]


@cache
def _adapter(types: tuple[type[Any], ...]) -> TypeAdapter[tuple[Any, ...]]:
    return TypeAdapter(tuple.__class_getitem__(types))


def _storable(value: Any) -> bool:
    """Whether the database takes a decoded sort key value as it is."""
    if isinstance(value, str):
        return "\x00" not in value and len(value) <= _MAX_TEXT_KEY
    if isinstance(value, int):
        return -_BIGINT <= value < _BIGINT
    if isinstance(value, datetime):
        return value.tzinfo is not None
    return True


@dataclass(frozen=True, slots=True)
class Keyset:
    """A list's unique sort order and its cursors.

    ``name`` ties a cursor to its list (another list's cursor is refused); ``columns`` are SQL column
    names (``t.created_at`` for a qualified one), ``types`` the Python types of their values, and
    ``fields`` the row keys holding them (by default each column's last part).
    """

    name: str
    columns: tuple[str, ...]
    types: tuple[type[Any], ...]
    descending: bool = False
    fields: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if not self.fields:
            object.__setattr__(self, "fields", tuple(column.rsplit(".", 1)[-1] for column in self.columns))
        if not len(self.columns) == len(self.types) == len(self.fields):
            raise ValueError("a keyset needs one type and one field per column")

    def encode(self, row: Row) -> str:
        """The cursor of the page after ``row``."""
        key = _adapter(self.types).dump_python(tuple(row[name] for name in self.fields), mode="json")
        raw = json.dumps(
            {"v": CURSOR_VERSION, "l": self.name, "k": key}, separators=(",", ":"), ensure_ascii=False
        )
        return base64.urlsafe_b64encode(raw.encode()).rstrip(b"=").decode("ascii")

    def decode(self, cursor: str) -> tuple[Any, ...]:
        """The sort key a cursor of this list holds; anything else is a 422."""
        try:
            raw = base64.b64decode(
                cursor.encode("ascii") + b"=" * (-len(cursor) % 4), altchars=b"-_", validate=True
            )
            envelope = json.loads(raw)
            if not isinstance(envelope, dict) or envelope.keys() != {"v", "l", "k"}:
                raise ValueError("not a cursor")
            if envelope["v"] != CURSOR_VERSION or envelope["l"] != self.name:
                raise ValueError("another version or list")
            key = envelope["k"]
            if not isinstance(key, list) or len(key) != len(self.types):
                raise ValueError("not this list's sort key")
            values = _adapter(self.types).validate_json(json.dumps(key), strict=True)
        except (ValueError, RecursionError):
            raise Unprocessable(INVALID_CURSOR) from None
        if not all(_storable(value) for value in values):
            raise Unprocessable(INVALID_CURSOR)
        return values

    def page(self, rows: Sequence[Row], limit: int, item: Callable[[Row], T]) -> Page[T]:
        """The page of ``rows`` (fetched ``limit + 1``): at most ``limit`` items, and the next cursor
        when a row beyond the limit shows that another page follows."""
        shown = rows[:limit]
        next_cursor = self.encode(shown[-1]) if len(rows) > limit and shown else None
        return Page(items=[item(row) for row in shown], next_cursor=next_cursor)

    def after(self, values: tuple[Any, ...]) -> tuple[sql.Composable, dict[str, Any]]:
        """The condition "after this sort key" in this order, and its parameters."""
        from psycopg import sql

        names = [f"cursor_{index}" for index in range(len(values))]
        clause = sql.SQL("({}) {} ({})").format(
            sql.SQL(", ").join(sql.Identifier(*column.split(".")) for column in self.columns),
            sql.SQL("<" if self.descending else ">"),
            sql.SQL(", ").join(sql.Placeholder(name) for name in names),
        )
        return clause, dict(zip(names, values, strict=True))

    def order_by(self) -> sql.Composable:
        """`` order by`` these columns in this direction."""
        from psycopg import sql

        direction = sql.SQL(" desc" if self.descending else "")
        return sql.SQL(" order by ") + sql.SQL(", ").join(
            sql.Identifier(*column.split(".")) + direction for column in self.columns
        )


def fetch_page(
    conn: Connection,
    select: sql.Composable,
    where: Conditions,
    *,
    order: Keyset,
    page: PageParams,
    item: Callable[[Row], T],
) -> Page[T]:
    """Run ``select`` with the ``where`` conditions, continuing after ``page.cursor`` in ``order``, and
    make the page of its first ``page.limit`` rows."""
    from psycopg import sql

    if page.cursor is not None:
        clause, params = order.after(order.decode(page.cursor))
        where.add(clause, **params)
    where.bind(page_limit=page.limit + 1)
    statement = select + where.sql() + order.order_by() + sql.SQL(" limit %(page_limit)s")
    rows = conn.execute(statement, where.params).fetchall()
    return order.page(rows, page.limit, item)
