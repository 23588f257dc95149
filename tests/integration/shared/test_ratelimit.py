"""``app_private.hit_rate_limit`` on the real database: exact counts across connections and under
concurrency, window expiry, hashed storage, and who may call it."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import psycopg
import pytest

from docflow.config import get_settings
from docflow.db import set_request_claims
from docflow.errors import RateLimited
from docflow.ratelimit import check_rate_limit, hash_bucket, hit_rate_limit

pytestmark = pytest.mark.db


@contextmanager
def job_connection() -> Iterator[psycopg.Connection[Any]]:
    """A fresh runtime-role connection in a committed system-job transaction, as a Lambda opens one."""
    with psycopg.connect(get_settings().database_url) as conn:
        set_request_claims(
            conn, {"role": "service_role", "docflow_job": "tests.ratelimit"}, role="service_role"
        )
        yield conn


def _bucket() -> str:
    return f"tests.limit:{uuid.uuid4()}"


def test_the_n_plus_first_hit_is_refused_across_two_connections(postgres: object) -> None:
    bucket = _bucket()
    with job_connection() as first:
        for _ in range(3):
            check_rate_limit(first, bucket, limit=5, window_seconds=60)
    with job_connection() as second:
        for _ in range(2):
            check_rate_limit(second, bucket, limit=5, window_seconds=60)
        with pytest.raises(RateLimited) as caught:
            check_rate_limit(second, bucket, limit=5, window_seconds=60)
    assert 1 <= caught.value.retry_after_seconds <= 60


def test_concurrent_hits_allow_exactly_the_limit(postgres: object) -> None:
    bucket = _bucket()

    def hit(_: int) -> bool:
        with job_connection() as conn:
            return hit_rate_limit(conn, bucket, limit=10, window_seconds=60)[0]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(hit, range(40)))
    assert results.count(True) == 10


def test_a_new_window_opens_when_the_old_one_expires(postgres: object) -> None:
    bucket = _bucket()
    with job_connection() as conn:
        assert hit_rate_limit(conn, bucket, limit=1, window_seconds=1) == (True, 0)
        allowed, retry_after = hit_rate_limit(conn, bucket, limit=1, window_seconds=1)
        assert (allowed, retry_after) == (False, 1)
    time.sleep(1.1)
    with job_connection() as conn:
        assert hit_rate_limit(conn, bucket, limit=1, window_seconds=1) == (True, 0)


def test_buckets_are_independent(postgres: object) -> None:
    one, two = _bucket(), _bucket()
    with job_connection() as conn:
        assert hit_rate_limit(conn, one, limit=1, window_seconds=60)[0]
        assert not hit_rate_limit(conn, one, limit=1, window_seconds=60)[0]
        assert hit_rate_limit(conn, two, limit=1, window_seconds=60)[0]


def test_only_digests_are_stored_and_denied_hits_are_capped(superuser_url: str) -> None:
    bucket = f"tests.limit:someone-{uuid.uuid4()}@example.fi"
    with job_connection() as conn:
        for _ in range(10):
            hit_rate_limit(conn, bucket, limit=2, window_seconds=60)
    with psycopg.connect(superuser_url) as conn:
        rows = conn.execute("select bucket, hits from app_private.rate_limits").fetchall()
    assert (hash_bucket(bucket), 3) in rows
    assert all("@" not in row[0] and "someone" not in row[0] for row in rows)


def test_expired_windows_are_cleaned_up_opportunistically(superuser_url: str) -> None:
    with psycopg.connect(superuser_url) as conn:
        conn.execute(
            "insert into app_private.rate_limits (bucket, window_started_at, expires_at, hits)"
            " select encode(sha256(g::text::bytea), 'hex'), now() - interval '2 hours',"
            " now() - interval '1 hour', 1"
            " from generate_series(1, 50) g on conflict do nothing"
        )
    with job_connection() as conn:
        for _ in range(400):  # about 2 % of hits clean up
            hit_rate_limit(conn, _bucket(), limit=1, window_seconds=60)
    with psycopg.connect(superuser_url) as conn:
        left = conn.execute(
            "select count(*) from app_private.rate_limits where expires_at < now()"
        ).fetchone()
    assert left == (0,)


def test_requests_may_call_it_but_not_touch_the_table(postgres: object) -> None:
    with psycopg.connect(get_settings().database_url) as conn:
        set_request_claims(conn, {"role": "authenticated", "sub": str(uuid.uuid4())}, role="authenticated")
        assert hit_rate_limit(conn, _bucket(), limit=1, window_seconds=60)[0]
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("select * from app_private.rate_limits")
    with job_connection() as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("delete from app_private.rate_limits")


def test_anon_cannot_reach_the_private_schema(postgres: object) -> None:
    with psycopg.connect(get_settings().database_url) as conn:
        conn.execute("set local role anon")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("select * from app_private.hit_rate_limit('x', 60, 1)")


@pytest.mark.parametrize(("window", "limit"), [(0, 1), (60, 0), (-5, 1)])
def test_the_function_refuses_nonsense_arguments(postgres: object, window: int, limit: int) -> None:
    with job_connection() as conn, pytest.raises(psycopg.errors.InvalidParameterValue):
        conn.execute(
            "select * from app_private.hit_rate_limit(%s, %s, %s)", (hash_bucket("x"), window, limit)
        )
