"""Dynamic SQL, one way: composed with :mod:`psycopg.sql`, never formatted with f-strings.

Constant text becomes ``sql.SQL``, column names ``sql.Identifier`` (checked against an allow-list
first), values named placeholders (``%(name)s``) bound by the driver:

    where = Conditions()
    where.add("tenant_id = %(tenant)s", tenant=tenant_id)
    where.add_if_given("status = %(status)s", status=status)
    conn.execute(statement("select {columns} from public.leads{where}", columns=COLUMNS, where=where.sql()),
                 where.params)

psycopg is imported on first use, so importing a handler loads no database driver.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, LiteralString

if TYPE_CHECKING:
    from psycopg import sql


def statement(template: LiteralString, /, **parts: LiteralString | sql.Composable) -> sql.Composed:
    """``template`` with its ``{name}`` fields filled by constant SQL text or composed parts."""
    from psycopg import sql

    filled = {name: sql.SQL(part) if isinstance(part, str) else part for name, part in parts.items()}
    return sql.SQL(template).format(**filled)


def checked_columns(names: Iterable[str], allowed: frozenset[str]) -> list[str]:
    """``names`` in order; a name outside ``allowed`` is a programming error (``ValueError``)."""
    columns = list(names)
    unknown = set(columns) - allowed
    if unknown:
        raise ValueError(f"not writable columns: {sorted(unknown)}")
    return columns


def column_list(names: Iterable[str]) -> sql.Composed:
    """``"a", "b"``: quoted identifiers, e.g. the target list of an ``insert``."""
    from psycopg import sql

    return sql.SQL(", ").join(sql.Identifier(name) for name in names)


def value_list(names: Iterable[str]) -> sql.Composed:
    """``%(a)s, %(b)s``: the named placeholders that go with :func:`column_list`."""
    from psycopg import sql

    return sql.SQL(", ").join(sql.Placeholder(name) for name in names)


def set_list(names: Iterable[str]) -> sql.Composed:
    """``"a" = %(a)s, "b" = %(b)s``: the assignments of an ``update``."""
    from psycopg import sql

    return sql.SQL(", ").join(
        sql.SQL("{} = {}").format(sql.Identifier(name), sql.Placeholder(name)) for name in names
    )


def contains_pattern(text: str) -> str:
    """A ``like`` pattern matching ``text`` anywhere, its ``%``, ``_`` and ``\\`` taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class Conditions:
    """The conditions of a ``where`` clause (all must hold) and the named parameters they use."""

    def __init__(self) -> None:
        self._clauses: list[sql.Composable] = []
        self.params: dict[str, Any] = {}

    def add(self, clause: LiteralString | sql.Composable, /, **params: Any) -> None:
        """One more condition, constant SQL text (or composed) with ``%(name)s`` placeholders."""
        from psycopg import sql

        self._bind(params)
        self._clauses.append(sql.SQL(clause) if isinstance(clause, str) else clause)

    def add_if_given(self, clause: LiteralString, /, **params: Any) -> None:
        """:meth:`add`, unless a parameter is ``None`` (a filter the request did not give)."""
        if all(value is not None for value in params.values()):
            self.add(clause, **params)

    def bind(self, **params: Any) -> None:
        """Parameters the statement uses outside the ``where`` clause (e.g. its ``limit``)."""
        self._bind(params)

    def _bind(self, params: Mapping[str, Any]) -> None:
        taken = params.keys() & self.params.keys()
        if taken:
            raise ValueError(f"parameters bound twice: {sorted(taken)}")
        self.params.update(params)

    def sql(self) -> sql.Composable:
        """`` where a and b``, or nothing when there are no conditions."""
        from psycopg import sql

        if not self._clauses:
            return sql.SQL("")
        return sql.SQL(" where ") + sql.SQL(" and ").join(self._clauses)
