"""The async path: ``read_as_user_async`` on the async connections of ``docflow.db.pool``.

The same read as ``read_as_user`` (claims and query in one message, one implicit transaction), awaited
on the event loop; its connections serve any event loop, come back only when idle, and when all are
in use the read waits for the blocking pool in a worker thread.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from docflow.auth import Principal
from docflow.config import reset_settings
from docflow.db import close_pool, read_as_user_async
from docflow.db import pool as pool_module
from docflow.db.pool import async_connection, get_async_connections

pytestmark = pytest.mark.db

CLAIMS_AND_ROLE = "select current_user::text as role, current_setting('request.jwt.claims', true) as claims"


def _principal() -> Principal:
    expires = int(dt.datetime.now(dt.UTC).timestamp()) + 60
    return Principal.from_claims({"sub": str(uuid.uuid4()), "role": "authenticated", "exp": expires})


@pytest.fixture
def fresh(postgres: object) -> Iterator[None]:
    close_pool()
    yield
    close_pool()


@pytest.fixture
def one_connection(postgres: object, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("DB_POOL_MAX_SIZE", "1")
    reset_settings()
    close_pool()
    yield
    close_pool()
    monkeypatch.undo()
    reset_settings()


async def _state_of_an_idle_connection() -> dict[str, Any]:
    async with async_connection() as conn:
        assert conn is not None
        cursor = await conn.execute(CLAIMS_AND_ROLE)
        row = await cursor.fetchone()
    assert row is not None
    return dict(row)


def test_the_read_runs_as_the_user_and_leaves_nothing_on_the_connection(fresh: None) -> None:
    principal = _principal()

    async def scenario() -> tuple[list[dict[str, Any]], dict[str, Any]]:
        rows = await read_as_user_async(principal, CLAIMS_AND_ROLE, tenant_id="t-9")
        return rows, await _state_of_an_idle_connection()

    rows, after = asyncio.run(scenario())
    assert [row["role"] for row in rows] == ["authenticated"]
    claims = json.loads(rows[0]["claims"])
    assert (claims["sub"], claims["tenant_id"], claims["role"]) == (
        str(principal.user_id),
        "t-9",
        "authenticated",
    )
    # the same connection (the only one opened), its claims and role gone with the implicit transaction
    assert get_async_connections().open_count == 1
    assert after["role"] == "docflow_app"
    assert after["claims"] in ("", None)


def test_claims_travel_as_quoted_literals(fresh: None) -> None:
    hostile = "x'), set_config('role', 'service_role', true); select ('\\"
    principal = Principal.from_claims({**_principal().claims, "user_metadata": {"name": hostile}})
    rows = asyncio.run(
        read_as_user_async(
            principal,
            "select current_user::text as role, current_setting('request.jwt.claims')::jsonb as claims",
        )
    )
    assert rows[0]["claims"]["user_metadata"] == {"name": hostile}
    assert rows[0]["role"] == "authenticated"


def test_row_level_security_applies_to_the_read(fresh: None) -> None:
    # a user who belongs to no tenant sees no membership and no tenant, whatever tenant is claimed
    rows = asyncio.run(
        read_as_user_async(
            _principal(),
            "select (select count(*) from public.tenant_members) as members,"
            " (select count(*) from public.tenants) as tenants",
            tenant_id=str(uuid.uuid4()),
        )
    )
    assert rows == [{"members": 0, "tenants": 0}]


def test_one_connection_serves_every_event_loop_in_turn(fresh: None) -> None:
    principal = _principal()
    first = asyncio.run(read_as_user_async(principal, "select pg_backend_pid() as pid"))
    results: list[list[dict[str, Any]]] = []
    thread = threading.Thread(
        target=lambda: results.append(
            asyncio.run(read_as_user_async(principal, "select pg_backend_pid() as pid"))
        )
    )
    thread.start()
    thread.join()
    assert results == [first]  # another loop, another thread: the same server session
    assert get_async_connections().open_count == 1


def test_when_every_async_connection_is_busy_the_read_takes_the_blocking_pool(one_connection: None) -> None:
    principal = _principal()

    async def scenario() -> tuple[int, list[dict[str, Any]]]:
        async with async_connection() as held:  # the only async connection, in use
            assert held is not None
            cursor = await held.execute("select pg_backend_pid() as pid")
            row = await cursor.fetchone()
            assert row is not None
            rows = await read_as_user_async(
                principal, "select pg_backend_pid() as pid, current_user::text as role"
            )
            return row["pid"], rows

    held_pid, rows = asyncio.run(scenario())
    assert rows[0]["role"] == "authenticated"
    assert rows[0]["pid"] != held_pid
    assert get_async_connections().open_count == 1


def test_a_read_cut_off_by_a_cancellation_stops_on_the_server_and_frees_its_connection(
    one_connection: None, superuser_url: str
) -> None:
    async def scenario() -> list[dict[str, Any]]:
        slow = asyncio.ensure_future(read_as_user_async(_principal(), "select pg_sleep(30) as slept"))
        await asyncio.sleep(0.3)
        slow.cancel()
        with pytest.raises(asyncio.CancelledError):
            await slow
        # the one async connection is free again: the next read does not fall back to the pool
        return await read_as_user_async(_principal(), "select pg_backend_pid() as pid")

    started = time.monotonic()
    rows = asyncio.run(scenario())
    assert time.monotonic() - started < 10
    with psycopg.connect(superuser_url, autocommit=True) as admin:
        sleeping = admin.execute(
            "select count(*) from pg_stat_activity where query like '%pg_sleep(30)%'"
            " and pid <> pg_backend_pid()"
        ).fetchone()
    assert sleeping == (0,)
    assert get_async_connections().open_count == 1
    assert rows[0]["pid"] in _async_backend_pids()


def _async_backend_pids() -> set[int]:
    async def pid() -> int:
        async with async_connection() as conn:
            assert conn is not None
            cursor = await conn.execute("select pg_backend_pid() as pid")
            row = await cursor.fetchone()
        assert row is not None
        return int(row["pid"])

    return {asyncio.run(pid())}


def test_a_failing_read_returns_its_connection_idle_and_usable(one_connection: None) -> None:
    async def scenario() -> list[dict[str, Any]]:
        with pytest.raises(psycopg.errors.UndefinedTable):
            await read_as_user_async(_principal(), "select * from no_such_table")
        return await read_as_user_async(_principal(), "select current_user::text as role")

    assert asyncio.run(scenario()) == [{"role": "authenticated"}]
    assert get_async_connections().open_count == 1


def test_a_connection_idle_for_long_is_checked_and_replaced_when_dead(
    one_connection: None, superuser_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    principal = _principal()
    first = asyncio.run(read_as_user_async(principal, "select pg_backend_pid() as pid"))[0]["pid"]
    with psycopg.connect(superuser_url, autocommit=True) as admin:
        admin.execute("select pg_terminate_backend(%s)", (first,))
    clock = pool_module.time.monotonic() + pool_module.CHECK_AFTER_IDLE_SECONDS + 1
    monkeypatch.setattr(pool_module.time, "monotonic", lambda: clock)
    second = asyncio.run(read_as_user_async(principal, "select pg_backend_pid() as pid"))[0]["pid"]
    assert second != first
    assert get_async_connections().open_count == 1


def test_closing_the_pool_closes_the_async_connections(fresh: None) -> None:
    async def open_one() -> psycopg.AsyncConnection[Any]:
        async with async_connection() as conn:
            assert conn is not None
            return conn

    conn = asyncio.run(open_one())
    assert not conn.closed
    close_pool()
    assert conn.closed


def test_a_connection_in_use_when_the_pool_closes_is_closed_on_its_return(fresh: None) -> None:
    async def scenario() -> psycopg.AsyncConnection[Any]:
        async with async_connection() as conn:
            assert conn is not None
            close_pool()
            assert not conn.closed
        return conn

    assert asyncio.run(scenario()).closed
