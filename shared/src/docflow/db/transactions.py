"""Transactions that carry who is acting, the way PostgREST runs Supabase requests.

Each transaction sets ``request.jwt.claims``, the statement timeout and the role transaction-locally;
they end with the transaction, so a pooled connection never carries one request's identity into the
next. The pool's connections are in autocommit mode and every transaction is opened here: ``BEGIN``,
the claims and, when the caller has one, its first query travel in one simple-protocol message, so
opening a transaction and reading through it costs one network round trip instead of three. The
statements run one after the other, each parsed and checked after the one before it has run, so the
first query already runs as ``authenticated`` under row level security. Claims are bound as literals
quoted by libpq, never as text pasted into SQL.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any, LiteralString, cast

from docflow.config import get_settings
from docflow.db.pool import connection

if TYPE_CHECKING:
    import psycopg

    from docflow.auth import Principal

    Connection = psycopg.Connection[dict[str, Any]]
else:
    Connection = Any

Row = dict[str, Any]

_JOB_NAME = re.compile(r"^[a-z][a-z0-9_.:-]{2,62}$")
_ROLES = frozenset({"authenticated", "service_role"})

#: Claims, statement timeout and role in one statement. ``set_config('role', ..., true)`` is what
#: ``SET LOCAL ROLE`` does (PostgREST switches role this way): membership of the role is checked and
#: the setting ends with the transaction. The values are quoted by libpq (``PQescapeLiteral``).
_BIND_CLAIMS = (
    b"select set_config('request.jwt.claims', %b, true), set_config('statement_timeout', %b, true),"
    b" set_config('role', %b, true)"
)


def _checked_role(role: str) -> str:
    if role not in _ROLES:
        raise ValueError(f"unexpected database role {role!r}")
    return role


def bind_claims_statement(conn: Connection, claims: Mapping[str, Any], *, role: str) -> bytes:
    """The statement binding ``claims``, the statement timeout and ``role`` to the transaction, its
    values quoted as literals for ``conn`` (so it can share a message with other statements)."""
    from psycopg.pq import Escaping

    quote = Escaping(conn.pgconn).escape_literal
    timeout = str(get_settings().db_statement_timeout_ms)
    values = (json.dumps(dict(claims), default=str), timeout, _checked_role(role))
    return _BIND_CLAIMS % tuple(quote(value.encode()) for value in values)


def set_request_claims(conn: Connection, claims: Mapping[str, Any], *, role: str) -> None:
    """Bind claims and role to the current transaction, in one statement (``set_config(..., true)``).

    Refused on an autocommit connection outside a transaction block: the settings would end with
    this one statement, and the next would run without them.
    """
    from psycopg.pq import TransactionStatus

    statement = bind_claims_statement(conn, claims, role=role)
    if conn.autocommit and conn.info.transaction_status is not TransactionStatus.INTRANS:
        raise RuntimeError("request claims need a transaction; autocommit would leak them or ignore the role")
    conn.execute(statement)


def _last_result(cursor: psycopg.Cursor[Row]) -> list[Row]:
    """The rows of the last statement of a multi-statement message."""
    while cursor.nextset():
        pass
    return cursor.fetchall()


def _rollback_quietly(conn: Connection) -> None:
    """End a failed transaction; a connection too broken to roll back is discarded by the pool."""
    from psycopg import Error
    from psycopg.pq import TransactionStatus

    if conn.closed or conn.info.transaction_status is TransactionStatus.IDLE:
        return
    with suppress(Error):
        conn.rollback()


@contextmanager
def _transaction(
    claims: Mapping[str, Any], role: str, first: LiteralString | None = None
) -> Iterator[tuple[Connection, list[Row]]]:
    """A transaction bound to ``claims`` and ``role`` on a pooled connection, committed when the block
    ends and rolled back when it raises; with ``first``, that query's rows, read in the same round
    trip as ``BEGIN`` and the claims."""
    with connection() as raw:
        conn = cast("Connection", raw)  # the pool's connections use dict rows (pool.connection_kwargs)
        statements = [b"begin", bind_claims_statement(conn, claims, role=role)]
        if first is not None:
            statements.append(first.encode())
        try:
            cursor = conn.execute(b"; ".join(statements))
            rows = _last_result(cursor) if first is not None else []
            yield conn, rows
        except BaseException:
            _rollback_quietly(conn)
            raise
        conn.commit()


def user_claims(principal: Principal, tenant_id: str | None = None) -> dict[str, Any]:
    """The claims a request of ``principal`` binds: the token's, with role ``authenticated``, the
    user's id as ``sub`` and, when given, the tenant it acts for."""
    claims = {**principal.claims, "role": "authenticated", "sub": str(principal.user_id)}
    if tenant_id is not None:
        claims["tenant_id"] = tenant_id
    return claims


@contextmanager
def user_transaction(principal: Principal, *, tenant_id: str | None = None) -> Iterator[Connection]:
    """A transaction acting as ``principal`` (role ``authenticated``), optionally for one tenant.

    Row level security sees the claims, so every query is limited to what the user may see.
    """
    with _transaction(user_claims(principal, tenant_id), "authenticated") as (conn, _):
        yield conn


@contextmanager
def user_transaction_reading(
    principal: Principal, first: LiteralString, *, tenant_id: str | None = None
) -> Iterator[tuple[Connection, list[Row]]]:
    """:func:`user_transaction` with the rows of its first query (a constant statement without
    parameters), read in the round trip that opens the transaction."""
    with _transaction(user_claims(principal, tenant_id), "authenticated", first) as opened:
        yield opened


def read_as_user(principal: Principal, query: LiteralString, *, tenant_id: str | None = None) -> list[Row]:
    """The rows of one constant query read as ``principal``, in a transaction of its own: the claims
    and the query go in one message without ``BEGIN``, which PostgreSQL runs as one implicit
    transaction (the claims end with it), so the whole exchange is one round trip."""
    claims = user_claims(principal, tenant_id)
    with connection() as raw:
        conn = cast("Connection", raw)
        message = b"; ".join([bind_claims_statement(conn, claims, role="authenticated"), query.encode()])
        return _last_result(conn.execute(message))


@contextmanager
def system_transaction(job: str, **context: str) -> Iterator[Connection]:
    """A transaction for a named background job (S3 processing, schedules, webhooks).

    It runs as ``service_role``, which bypasses row level security exactly as on Supabase, so the
    job must scope its queries itself; the job name is recorded in the claims for auditing.
    """
    if not _JOB_NAME.match(job):
        raise ValueError("job names are short lowercase identifiers, e.g. 'receipts.process'")
    claims = {"role": "service_role", "docflow_job": job, **context}
    with _transaction(claims, "service_role") as (conn, _):
        yield conn
