"""Database health: timed round trips, server figures and the process's pool."""

from __future__ import annotations

import statistics
import time
from typing import TYPE_CHECKING

from docflow_supabase_utils.schemas import DatabaseHealth, Latency, PoolStats

if TYPE_CHECKING:
    from docflow.db import Connection

ROUND_TRIPS = 5


def measure_latency(conn: Connection, samples: int = ROUND_TRIPS) -> Latency:
    """``samples`` timed ``select 1`` round trips."""
    timings: list[float] = []
    for _ in range(samples):
        started = time.perf_counter()
        conn.execute("select 1").fetchone()
        timings.append((time.perf_counter() - started) * 1000)
    return Latency(
        samples=samples,
        min_ms=round(min(timings), 3),
        median_ms=round(statistics.median(timings), 3),
        max_ms=round(max(timings), 3),
    )


def pool_stats() -> PoolStats:
    """Figures of the process's pool (psycopg_pool ``get_stats``)."""
    from docflow.db import get_pool

    pool = get_pool()
    stats = pool.get_stats()
    return PoolStats(
        min_size=pool.min_size,
        max_size=pool.max_size,
        size=int(stats.get("pool_size", 0)),
        available=int(stats.get("pool_available", 0)),
        waiting=int(stats.get("requests_waiting", 0)),
    )


def database_health(conn: Connection) -> DatabaseHealth:
    """Latency first (a cold connection shows), then what the server says about itself."""
    latency = measure_latency(conn)
    row = conn.execute(
        """
        select current_setting('server_version') as server_version,
               pg_is_in_recovery() as in_recovery,
               pg_database_size(current_database()) as database_size_bytes,
               (select count(*) from pg_stat_activity where datname = current_database()) as connections,
               current_setting('max_connections')::int as max_connections
        """
    ).fetchone()
    assert row is not None
    return DatabaseHealth(status="ok", latency=latency, pool=pool_stats(), **row)
