"""Canary rows in every tenant table, generated from the catalog.

A tenant table is a table in ``public`` with a ``tenant_id`` column. For each one a row is inserted
(as the database owner, behind the API's back) with a canary in every text, text array and JSON
column, valid references to tenant A's other rows, users and the tenant itself, and whatever the
check constraints demand. Tables added by later migrations are seeded the same way, unread.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

_ALLOWED_VALUES = re.compile(r"'((?:[^']|'')*)'::")
_REGEX_CHECK = re.compile(r"~\*? '((?:[^']|'')*)'::")
_USER_COLUMNS = re.compile(r"(^|_)(user_id|owner_id|by|assignee_id|assigned_to)$")


@dataclass
class Column:
    """What the catalog says about one column."""

    name: str
    type: str
    category: str
    not_null: bool
    has_default: bool


@dataclass
class Seeded:
    """What was planted: the rows' ids, and tables the generator could not fill (with the reason)."""

    run: str
    tenant_id: uuid.UUID
    user_id: uuid.UUID
    ids: dict[str, list[str]] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)

    @property
    def secrets(self) -> set[str]:
        """Strings no other tenant may ever see: the run token and every planted UUID."""
        planted = {value for values in self.ids.values() for value in values if len(value) >= 16}
        return {self.run, str(self.tenant_id), str(self.user_id), *planted}


def tenant_tables(conn: psycopg.Connection[Any]) -> list[str]:
    """Tables of ``public`` with a ``tenant_id`` column."""
    rows = conn.execute(
        """
        select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = 'public' and c.relkind in ('r', 'p')
           and exists (select from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id'
                        and not a.attisdropped)
         order by c.relname
        """
    ).fetchall()
    return [row["relname"] for row in rows]


def _columns(conn: psycopg.Connection[Any], table: str) -> list[Column]:
    rows = conn.execute(
        """
        select a.attname as name, format_type(a.atttypid, a.atttypmod) as type, t.typcategory as category,
               a.attnotnull as not_null, a.atthasdef or a.attidentity <> '' or a.attgenerated <> ''
                 as has_default
          from pg_attribute a join pg_type t on t.oid = a.atttypid
         where a.attrelid = %s::regclass and a.attnum > 0 and not a.attisdropped
         order by a.attnum
        """,
        (f"public.{table}",),
    ).fetchall()
    return [Column(**row) for row in rows]


def _foreign_keys(conn: psycopg.Connection[Any], table: str) -> dict[str, tuple[str, str]]:
    """Column -> (referenced table, referenced column) of each foreign key part."""
    rows = conn.execute(
        """
        select a.attname as col, c.confrelid::regclass::text as ref_table, ra.attname as ref_col
          from pg_constraint c
          cross join lateral unnest(c.conkey, c.confkey) as k(col, ref)
          join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.col
          join pg_attribute ra on ra.attrelid = c.confrelid and ra.attnum = k.ref
         where c.conrelid = %s::regclass and c.contype = 'f'
        """,
        (f"public.{table}",),
    ).fetchall()
    return {row["col"]: (row["ref_table"].removeprefix("public."), row["ref_col"]) for row in rows}


def _constraint(conn: psycopg.Connection[Any], table: str, name: str) -> tuple[list[str], str]:
    row = conn.execute(
        """
        select array(select attname from pg_attribute where attrelid = conrelid and attnum = any(conkey))
                 as cols, pg_get_constraintdef(oid) as definition
          from pg_constraint where conrelid = %s::regclass and conname = %s
        """,
        (f"public.{table}", name),
    ).fetchone()
    return (list(row["cols"]), row["definition"]) if row else ([], "")


class _Planter:
    def __init__(self, conn: psycopg.Connection[Any], seeded: Seeded) -> None:
        self.conn = conn
        self.seeded = seeded
        self.rows: dict[str, dict[str, Any]] = {}
        self.counter = 0

    def canary(self, column: Column) -> str:
        self.counter += 1
        text = f"zq{self.seeded.run}c{self.counter}"
        return f"{text}@canary.test" if "email" in column.name else text

    def first_value(self, column: Column, refs: dict[str, tuple[str, str]]) -> Any:
        """The value to try first, or ``...`` to leave the column to its default or null."""
        if column.name == "tenant_id":
            return self.seeded.tenant_id
        if column.name in refs:
            return self._reference(*refs[column.name])
        content = self._content(column)
        if content is not ...:
            return content
        if column.has_default or not column.not_null:
            return ...
        return _PLAIN_VALUES.get(column.type, _PLAIN_VALUES.get(column.category, ...))

    def _matching_text(self, patterns: list[str]) -> str | None:
        """A value matching every regular expression of a check (canary-bearing where possible)."""
        if not patterns:
            return None
        token = f"zq{self.seeded.run}"
        candidates = [
            token,
            f"{token}@canary.test",
            hashlib.sha256(token.encode()).hexdigest(),
            "0737546-2",
            "FI07375462",
            "+358401234567",
            "EUR",
            "4000",
        ]
        for candidate in candidates:
            if all(re.search(pattern, candidate) for pattern in patterns):
                return candidate
        return None

    def _reference(self, ref_table: str, ref_col: str) -> Any:
        if ref_table == "tenants":
            return self.seeded.tenant_id
        if ref_table == "auth.users":
            return self.seeded.user_id
        row = self.rows.get(ref_table)
        return row[ref_col] if row is not None and ref_col in row else ...

    def _content(self, column: Column) -> Any:
        if column.category == "S":
            return self.canary(column)
        if column.type in {"text[]", "character varying[]", "citext[]"}:
            return [self.canary(column)]
        if column.type in {"jsonb", "json"}:
            return Jsonb({"canary": self.canary(column)})
        if column.type == "uuid" and _USER_COLUMNS.search(column.name):
            return self.seeded.user_id
        return ...

    def plant(self, table: str, waiting_on: set[str]) -> str | None:
        """Insert the canary row of ``table``; None on success, else why it could not
        (``"waiting"`` while a table it references is still to be planted)."""
        columns = {c.name: c for c in _columns(self.conn, table)}
        refs = _foreign_keys(self.conn, table)
        if any(ref_table in waiting_on - {table} for ref_table, _ in refs.values()):
            return "waiting"
        values = {name: self.first_value(c, refs) for name, c in columns.items()}
        values = {name: value for name, value in values.items() if value is not ...}
        for _ in range(2 * len(columns) + 2):
            statement = sql.SQL("insert into {} ({}) values ({}) returning *").format(
                sql.Identifier("public", table),
                sql.SQL(", ").join(map(sql.Identifier, values)),
                sql.SQL(", ").join(sql.Placeholder() * len(values)),
            )
            try:
                with self.conn.transaction():
                    row = self.conn.execute(statement, list(values.values())).fetchone()
            except (psycopg.errors.CheckViolation, psycopg.errors.ForeignKeyViolation) as exc:
                if not self._relax(table, columns, values, exc.diag.constraint_name or ""):
                    return f"{type(exc).__name__}: {exc.diag.constraint_name}"
                continue
            except psycopg.Error as exc:
                return f"{type(exc).__name__}: {exc.diag.message_primary}"
            assert row is not None
            self.rows[table] = row
            self.seeded.ids[table] = [str(row[k]) for k in ("id",) if k in row and row[k] is not None]
            return None
        return "no valid row found"

    def _relax(self, table: str, columns: dict[str, Column], values: dict[str, Any], constraint: str) -> bool:
        names, definition = _constraint(self.conn, table, constraint)
        allowed = _ALLOWED_VALUES.findall(definition) if ("ANY (ARRAY" in definition) else []
        patterns = [p.replace("''", "'") for p in _REGEX_CHECK.findall(definition)]
        changed = False
        for name in names:
            column = columns.get(name)
            if column is None or name == "tenant_id":
                continue
            matching = self._matching_text(patterns) if column.category == "S" else None
            sized = _bytes_for(definition) if column.type == "bytea" else None
            if sized is not None and values.get(name) != sized:
                values[name] = sized
            elif allowed and values.get(name) != allowed[0]:
                values[name] = allowed[0]
            elif matching is not None and values.get(name) != matching:
                values[name] = matching
            elif name in values and (column.has_default or not column.not_null):
                del values[name]
            else:
                continue
            changed = True
        return changed


def _bytes_for(definition: str) -> bytes | None:
    """Bytes of the length a check on ``octet_length`` asks for (``= n`` or ``between n and m``)."""
    found = re.search(r"octet_length\(\w+\) (?:= (\d+)|>= (\d+))", definition)
    if found is None:
        return None
    return b"\x00" * int(found.group(1) or found.group(2))


#: Values for required columns of other types, by type name or type category.
_PLAIN_VALUES: dict[str, Any] = {
    "bytea": b"\x00",
    "uuid": "00000000-0000-4000-8000-000000000001",
    "N": 1,
    "B": False,
    "date": "2026-01-15",
    "D": "2026-01-15T12:00:00Z",
    "inet": "192.0.2.10",
}


def plant_canaries(superuser_url: str, tenant_id: uuid.UUID, run: str) -> Seeded:
    """A canary row in every tenant table for ``tenant_id``, references satisfied in FK order."""
    with psycopg.connect(superuser_url, row_factory=dict_row) as conn:
        user_id = conn.execute(
            "insert into auth.users (id, email) values (gen_random_uuid(), %s) returning id",
            (f"zq{run}u@canary.test",),
        ).fetchone()["id"]  # type: ignore[index]
        seeded = Seeded(run=run, tenant_id=tenant_id, user_id=user_id)
        planter = _Planter(conn, seeded)
        remaining = tenant_tables(conn)
        while remaining:
            results = {table: planter.plant(table, set(remaining)) for table in remaining}
            progress = [t for t, why in results.items() if why != "waiting"]
            for table in progress:
                if results[table] is not None:
                    seeded.failed[table] = str(results[table])
            remaining = [t for t, why in results.items() if why == "waiting"]
            if not progress:
                seeded.failed.update(dict.fromkeys(remaining, "circular references"))
                break
    return seeded
