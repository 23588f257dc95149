"""Transactions that carry who is acting, the way PostgREST runs Supabase requests.

Each transaction sets ``request.jwt.claims`` and the role transaction-locally, in one statement;
both end with the transaction, so a pooled connection never carries one request's identity into the
next. Autocommit is refused: there the settings would end with that one statement.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, cast

from docflow.config import get_settings
from docflow.db.pool import get_pool

if TYPE_CHECKING:
    import psycopg

    from docflow.auth import Principal

    Connection = psycopg.Connection[dict[str, Any]]
else:
    Connection = Any

_JOB_NAME = re.compile(r"^[a-z][a-z0-9_.:-]{2,62}$")


#: Claims, statement timeout and role in one round trip. ``set_config('role', ..., true)`` is what
#: ``SET LOCAL ROLE`` does (PostgREST switches role this way): membership of the role is checked and
#: the setting ends with the transaction.
_BIND_CLAIMS = (
    "select set_config('request.jwt.claims', %s, true), set_config('statement_timeout', %s, true),"
    " set_config('role', %s, true)"
)


def set_request_claims(conn: Connection, claims: Mapping[str, Any], *, role: str) -> None:
    """Bind claims and role to the current transaction, in one statement (``set_config(..., true)``)."""
    if conn.autocommit:
        raise RuntimeError("request claims need a transaction; autocommit would leak them or ignore the role")
    if role not in {"authenticated", "service_role"}:
        raise ValueError(f"unexpected database role {role!r}")
    conn.execute(
        _BIND_CLAIMS,
        (json.dumps(dict(claims), default=str), str(get_settings().db_statement_timeout_ms), role),
    )


@contextmanager
def user_transaction(principal: Principal, *, tenant_id: str | None = None) -> Iterator[Connection]:
    """A transaction acting as ``principal`` (role ``authenticated``), optionally for one tenant.

    Row level security sees the claims, so every query is limited to what the user may see.
    """
    claims = {**principal.claims, "role": "authenticated", "sub": str(principal.user_id)}
    if tenant_id is not None:
        claims["tenant_id"] = tenant_id
    with get_pool().connection() as raw, raw.transaction():
        conn = cast("Connection", raw)  # the pool's connections use dict rows (pool.connection_kwargs)
        set_request_claims(conn, claims, role="authenticated")
        yield conn


@contextmanager
def system_transaction(job: str, **context: str) -> Iterator[Connection]:
    """A transaction for a named background job (S3 processing, schedules, webhooks).

    It runs as ``service_role``, which bypasses row level security exactly as on Supabase, so the
    job must scope its queries itself; the job name is recorded in the claims for auditing.
    """
    if not _JOB_NAME.match(job):
        raise ValueError("job names are short lowercase identifiers, e.g. 'receipts.process'")
    claims = {"role": "service_role", "docflow_job": job, **context}
    with get_pool().connection() as raw, raw.transaction():
        conn = cast("Connection", raw)
        set_request_claims(conn, claims, role="service_role")
        yield conn
