"""The process-wide connection pool, created on first use and reused by a warm Lambda."""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from docflow.config import get_settings

if TYPE_CHECKING:
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


def close_pool() -> None:
    """Close the pool (tests, the local stack's shutdown, a configuration change)."""
    global _pool  # noqa: PLW0603
    with _lock:
        if _pool is not None:
            _pool.close()
            _pool = None
