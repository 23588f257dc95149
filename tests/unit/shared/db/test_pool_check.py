"""The pool pings a connection before handing it out only when it has been idle for a while."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from psycopg_pool import ConnectionPool

from docflow.db import pool


class FakeConnection:
    """A stand-in the pool's callbacks can key on."""


@pytest.fixture
def pings(monkeypatch: pytest.MonkeyPatch) -> list[FakeConnection]:
    seen: list[FakeConnection] = []
    monkeypatch.setattr(ConnectionPool, "check_connection", staticmethod(seen.append))
    return seen


@pytest.fixture
def now(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    clock = [1000.0]
    monkeypatch.setattr(pool.time, "monotonic", lambda: clock[0])
    return clock


def test_a_new_connection_is_checked(pings: list[FakeConnection], now: list[float]) -> None:
    conn = FakeConnection()
    pool.check_if_idle(conn)
    assert pings == [conn]


def test_a_connection_returned_moments_ago_is_trusted(pings: list[FakeConnection], now: list[float]) -> None:
    conn = FakeConnection()
    pool._note_return(conn)
    now[0] += pool.CHECK_AFTER_IDLE_SECONDS
    pool.check_if_idle(conn)
    assert pings == []


def test_a_connection_idle_past_the_limit_is_checked(pings: list[FakeConnection], now: list[float]) -> None:
    conn = FakeConnection()
    pool._note_return(conn)
    now[0] += pool.CHECK_AFTER_IDLE_SECONDS + 0.001
    pool.check_if_idle(conn)
    assert pings == [conn]


def test_a_failed_check_reaches_the_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(conn: object) -> None:
        raise OSError("server closed the connection")

    monkeypatch.setattr(ConnectionPool, "check_connection", staticmethod(broken))
    with pytest.raises(OSError, match="closed"):
        pool.check_if_idle(FakeConnection())


def test_the_limit_is_seconds_not_minutes() -> None:
    # Lambda freezes a warm environment for minutes between invocations: those must be checked.
    assert 0 < pool.CHECK_AFTER_IDLE_SECONDS <= 10


class FakePool:
    """Hands out one connection, like a pool of one."""

    def __init__(self) -> None:
        self.conn = FakeConnection()

    @contextmanager
    def connection(self, timeout: float | None = None) -> Iterator[FakeConnection]:
        yield self.conn


def test_a_connection_used_through_the_helper_is_trusted_right_after(
    pings: list[FakeConnection], now: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakePool()
    monkeypatch.setattr(pool, "get_pool", lambda: fake)
    with pool.connection() as conn:
        assert conn is fake.conn
    pool.check_if_idle(fake.conn)
    assert pings == []


def test_the_pool_has_no_reset_callback_that_would_hop_to_a_worker_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    created: dict[str, object] = {}

    class RecordingPool:
        def __init__(self, *args: object, **kwargs: object) -> None:
            created.update(kwargs)

    monkeypatch.setattr("psycopg_pool.ConnectionPool", RecordingPool)
    monkeypatch.setattr(pool, "_pool", None)
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@127.0.0.1:1/db")
    pool.get_pool()
    assert created["check"] is pool.check_if_idle
    assert created.get("reset") is None
    assert created["kwargs"]["autocommit"] is True  # type: ignore[index]
