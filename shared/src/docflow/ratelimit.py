"""Rate limits that hold across Lambda instances, counted in PostgreSQL.

A bucket names what is limited, e.g. ``leads.ip:198.51.100.7`` or ``ocr.tenant:<uuid>``. It is
hashed with HMAC-SHA256 under ``RATE_LIMIT_KEY`` before it reaches the database, so e-mails and IP
addresses are never stored, and the digests cannot be reversed by hashing every IPv4 address
without the key. The window is fixed: the first hit opens it, ``limit`` hits are allowed in it,
later ones are refused with the seconds left until it closes (sent as ``Retry-After``).

The counting happens in ``app_private.hit_rate_limit`` (migration 0010), one atomic upsert per hit;
call :func:`check_rate_limit` on any transaction whose role may execute it (``service_role`` in
system jobs, ``authenticated`` in requests), or :func:`enforce_rate_limits` to count in a system
transaction of its own.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from docflow.config import get_settings
from docflow.errors import RateLimited

if TYPE_CHECKING:
    import psycopg

#: Longest window the database function accepts (31 days).
MAX_WINDOW_SECONDS = 86_400 * 31
#: The key used in the ``local`` and ``test`` environments when ``RATE_LIMIT_KEY`` is not set.
LOCAL_KEY = b"docflow-local-rate-limit-key"


@dataclass(frozen=True, slots=True)
class Limit:
    """At most ``limit`` hits on ``bucket`` per ``window_seconds``."""

    bucket: str
    limit: int
    window_seconds: int


def bucket_key(scope: str, value: str) -> str:
    """A bucket name for ``value`` under ``scope``; the value is normalised (trimmed, lower case)."""
    return f"{scope}:{value.strip().lower()}"


def _key() -> bytes:
    settings = get_settings()
    if settings.rate_limit_key is None and settings.is_relaxed:
        return LOCAL_KEY
    return settings.require("rate_limit_key").encode("utf-8")


def hash_bucket(bucket: str, key: bytes | None = None) -> str:
    """The stored form of a bucket: hex HMAC-SHA256 of its UTF-8 text under ``key`` (default: the
    ``RATE_LIMIT_KEY`` setting; a fixed local key in ``local``/``test`` when it is not set)."""
    return hmac.new(key or _key(), bucket.encode("utf-8"), hashlib.sha256).hexdigest()


def hit_rate_limit(
    conn: psycopg.Connection[Any], bucket: str, *, limit: int, window_seconds: int
) -> tuple[bool, int]:
    """Count one hit on ``bucket``: ``(allowed, retry_after_seconds)``."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    if not 1 <= window_seconds <= MAX_WINDOW_SECONDS:
        raise ValueError(f"window_seconds must be between 1 and {MAX_WINDOW_SECONDS}")
    from psycopg.rows import tuple_row

    with conn.cursor(row_factory=tuple_row) as cursor:
        row = cursor.execute(
            "select allowed, retry_after_seconds from app_private.hit_rate_limit(%s, %s, %s)",
            (hash_bucket(bucket), window_seconds, limit),
        ).fetchone()
    if row is None:  # pragma: no cover - the function always returns one row
        raise RuntimeError("hit_rate_limit returned no row")
    return bool(row[0]), int(row[1])


def check_rate_limit(conn: psycopg.Connection[Any], bucket: str, *, limit: int, window_seconds: int) -> None:
    """Count one hit on ``bucket``; raise :class:`RateLimited` (429 + ``Retry-After``) past ``limit``."""
    allowed, retry_after = hit_rate_limit(conn, bucket, limit=limit, window_seconds=window_seconds)
    if not allowed:
        raise RateLimited(retry_after, "Too many requests; try again later")


def enforce_rate_limits(job: str, *limits: Limit) -> None:
    """Count one hit on each limit in a system transaction of its own, committed before the request
    goes on (so requests refused later still count); raise :class:`RateLimited` past any limit."""
    from docflow.db import system_transaction

    with system_transaction(job) as conn:
        for limit in limits:
            check_rate_limit(conn, limit.bucket, limit=limit.limit, window_seconds=limit.window_seconds)


__all__ = [
    "MAX_WINDOW_SECONDS",
    "Limit",
    "bucket_key",
    "check_rate_limit",
    "enforce_rate_limits",
    "hash_bucket",
    "hit_rate_limit",
]
