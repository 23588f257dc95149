"""The process's database connections, created on first use and reused by a warm Lambda: the pool
of blocking connections every transaction uses, and the connections of the async path
(:func:`async_connection`), which reads on the event loop without a worker thread.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import TYPE_CHECKING, Any

from docflow.config import get_settings

if TYPE_CHECKING:
    from psycopg import AsyncConnection
    from psycopg_pool import ConnectionPool

_pool: ConnectionPool | None = None
_lock = threading.Lock()

#: A pooled connection idle for longer is checked (one empty query) before it is handed out; one
#: returned more recently is trusted. A warm Lambda frozen between invocations (minutes) or a pooler's
#: idle timeout is what the check is for; checking a connection used a moment ago only cost every
#: request a round trip. A connection that died anyway fails its first query and is discarded.
CHECK_AFTER_IDLE_SECONDS = 5.0

_returned_at: weakref.WeakKeyDictionary[Any, float] = weakref.WeakKeyDictionary()


def _note_return(conn: Any) -> None:
    """When the connection came back (noted by :func:`connection`, in the request's own thread: a
    pool ``reset`` callback would hand every returned connection to a pool worker thread)."""
    _returned_at[conn] = time.monotonic()


def check_if_idle(conn: Any) -> None:
    """The pool's ``check`` callback: ping only a connection idle for :data:`CHECK_AFTER_IDLE_SECONDS`."""
    from psycopg_pool import ConnectionPool

    returned = _returned_at.get(conn)
    if returned is None or time.monotonic() - returned > CHECK_AFTER_IDLE_SECONDS:
        ConnectionPool.check_connection(conn)


def connection_kwargs() -> dict[str, Any]:
    """Options for every connection: no server-side prepared statements (Supabase's transaction
    pooler does not keep them between transactions), dict rows, and autocommit: every transaction
    is opened explicitly by :mod:`docflow.db.transactions`, its ``BEGIN`` sent in one message with
    its claims (psycopg's implicit ``BEGIN`` would cost a round trip of its own)."""
    from psycopg.rows import dict_row

    return {"prepare_threshold": None, "row_factory": dict_row, "autocommit": True}


def get_pool() -> ConnectionPool:
    """The pool for ``DATABASE_URL``; opened lazily so importing a handler costs no connection."""
    global _pool  # noqa: PLW0603 - one pool per process is the point
    if _pool is None:
        with _lock:
            if _pool is None:
                from psycopg_pool import ConnectionPool

                settings = get_settings()
                _pool = ConnectionPool(
                    settings.database_url,
                    min_size=settings.db_pool_min_size,
                    max_size=settings.db_pool_max_size,
                    kwargs={
                        **connection_kwargs(),
                        "connect_timeout": int(settings.db_connect_timeout_seconds),
                    },
                    timeout=settings.db_connect_timeout_seconds,
                    check=check_if_idle,
                    name="docflow",
                    open=True,
                )
    return _pool


@contextmanager
def connection(timeout: float | None = None) -> Iterator[Any]:
    """A connection of the pool for one block, its return time noted for :func:`check_if_idle`."""
    with get_pool().connection(timeout=timeout) as conn:
        try:
            yield conn
        finally:
            _note_return(conn)


class AsyncConnections:
    """The idle connections of the async path, usable from any event loop of the process.

    psycopg_pool's ``AsyncConnectionPool`` belongs to the event loop it was opened on (its workers are
    tasks of that loop), while a process here may run several: Mangum's, one per test client, the
    local server's. An idle ``AsyncConnection`` belongs to none (it waits on whichever loop runs the
    task using it), so this keeps them in a list under a thread lock: the most recently returned is
    handed out first, one idle for :data:`CHECK_AFTER_IDLE_SECONDS` is checked first, at most
    ``max_size`` are open. When all are in use :meth:`acquire` answers None rather than wait: the
    caller takes the blocking pool in a worker thread instead (:func:`async_connection`'s users do).
    A connection comes back only idle (no transaction, no query running); any other is closed.
    """

    def __init__(self, conninfo: str, *, max_size: int, connect_timeout: float) -> None:
        self._conninfo = conninfo
        self._max_size = max_size
        self._connect_timeout = connect_timeout
        self._idle: list[tuple[AsyncConnection[Any], float]] = []
        self._open = 0
        self._closed = False
        self._lock = threading.Lock()

    @property
    def open_count(self) -> int:
        """Connections open now, idle or in use."""
        return self._open

    async def acquire(self) -> AsyncConnection[Any] | None:
        """An idle connection (checked when idle for long), a new one while fewer than ``max_size``
        are open, else None."""
        from psycopg import AsyncConnection, Error
        from psycopg_pool import AsyncConnectionPool

        while True:
            with self._lock:
                if self._idle:
                    conn, returned = self._idle.pop()
                elif self._open < self._max_size and not self._closed:
                    self._open += 1
                    break
                else:
                    return None
            if time.monotonic() - returned <= CHECK_AFTER_IDLE_SECONDS:
                return conn
            try:
                await AsyncConnectionPool.check_connection(conn)
            except Error:
                self._discard(conn)
                continue
            return conn
        try:
            return await AsyncConnection.connect(
                self._conninfo, **connection_kwargs(), connect_timeout=int(self._connect_timeout)
            )
        except BaseException:
            with self._lock:
                self._open -= 1
            raise

    def release(self, conn: AsyncConnection[Any]) -> None:
        """Take a connection back: kept when idle, closed otherwise (a query cut off by a
        cancellation, a transaction left open, a broken connection, a closed store)."""
        from psycopg.pq import TransactionStatus

        if conn.closed or conn.info.transaction_status is not TransactionStatus.IDLE:
            self._discard(conn)
            return
        with self._lock:
            if not self._closed:
                self._idle.append((conn, time.monotonic()))
                return
        self._discard(conn)

    def _discard(self, conn: AsyncConnection[Any]) -> None:
        conn.pgconn.finish()  # closes the socket without the event loop; psycopg then sees it closed
        with self._lock:
            self._open -= 1

    def close(self) -> None:
        """Close the idle connections; those in use are closed when they come back."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn, _ in idle:
            self._discard(conn)


_async: AsyncConnections | None = None


def get_async_connections() -> AsyncConnections:
    """The async path's connections for ``DATABASE_URL`` (``DB_POOL_MAX_SIZE`` of them at most, a
    budget of their own beside the blocking pool's); none is opened before the first use."""
    global _async  # noqa: PLW0603 - one store per process, like the pool
    if _async is None:
        with _lock:
            if _async is None:
                settings = get_settings()
                _async = AsyncConnections(
                    settings.database_url,
                    max_size=settings.db_pool_max_size,
                    connect_timeout=settings.db_connect_timeout_seconds,
                )
    return _async


@asynccontextmanager
async def async_connection() -> AsyncIterator[AsyncConnection[Any] | None]:
    """An async connection for one block, or None when all are in use (then use :func:`connection`
    in a worker thread). Autocommit, dict rows, no server-side prepared statements, as the pool's."""
    store = get_async_connections()
    conn = await store.acquire()
    try:
        yield conn
    finally:
        if conn is not None:
            store.release(conn)


def close_pool() -> None:
    """Close the pool and the async path's connections (tests, the local stack's shutdown, SnapStart,
    a configuration change)."""
    global _pool, _async
    with _lock:
        pool, _pool = _pool, None
        store, _async = _async, None
    if pool is not None:
        pool.close()
    if store is not None:
        store.close()
