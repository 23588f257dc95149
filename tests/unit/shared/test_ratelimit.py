"""The rate limiter's Python side: hashed buckets, argument checks, 429 with Retry-After."""

from __future__ import annotations

import hashlib
import hmac
from types import TracebackType
from typing import Any

import pytest

from docflow import ratelimit
from docflow.config import ConfigurationError, Settings, reset_settings
from docflow.errors import RateLimited
from docflow.ratelimit import MAX_WINDOW_SECONDS, bucket_key, check_rate_limit, hash_bucket, hit_rate_limit


class _Cursor:
    def __init__(self, answer: tuple[bool, int], calls: list[tuple[str, tuple[Any, ...]]]) -> None:
        self.answer = answer
        self.calls = calls

    def __enter__(self) -> _Cursor:
        return self

    def __exit__(self, *_: type[BaseException] | BaseException | TracebackType | None) -> None:
        return None

    def execute(self, sql: str, params: tuple[Any, ...]) -> _Cursor:
        self.calls.append((sql, params))
        return self

    def fetchone(self) -> tuple[bool, int]:
        return self.answer


class FakeConnection:
    """Answers ``hit_rate_limit`` with a fixed row and records what was sent."""

    def __init__(self, allowed: bool, retry_after: int) -> None:
        self.answer = (allowed, retry_after)
        self.calls: list[tuple[str, tuple[Any, ...]]] = []

    def cursor(self, **_: Any) -> _Cursor:
        return _Cursor(self.answer, self.calls)


def test_buckets_are_sent_as_keyed_digests_never_in_clear(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RATE_LIMIT_KEY", "k" * 32)
    reset_settings()
    conn = FakeConnection(True, 0)
    bucket = bucket_key("leads.email", "  Maija@Example.FI ")
    check_rate_limit(conn, bucket, limit=3, window_seconds=60)  # type: ignore[arg-type]
    sql, params = conn.calls[0]
    assert "app_private.hit_rate_limit" in sql
    expected = hmac.new(b"k" * 32, b"leads.email:maija@example.fi", hashlib.sha256).hexdigest()
    assert params == (expected, 60, 3)
    # Not the bare SHA-256 anyone could compute for every IPv4 address or a list of e-mails.
    assert expected != hashlib.sha256(b"leads.email:maija@example.fi").hexdigest()
    assert "maija" not in repr(conn.calls)
    reset_settings()


def test_digests_depend_on_the_key() -> None:
    assert hash_bucket("leads.ip:198.51.100.7", b"a" * 32) != hash_bucket("leads.ip:198.51.100.7", b"b" * 32)


def test_deployed_environment_without_a_key_refuses_to_hash(monkeypatch: pytest.MonkeyPatch) -> None:
    reset_settings()
    monkeypatch.setattr(ratelimit, "get_settings", lambda: Settings.model_construct(environment="prod"))
    with pytest.raises(ConfigurationError, match="RATE_LIMIT_KEY"):
        hash_bucket("leads.ip:198.51.100.7")


def test_bucket_keys_normalise_case_and_space() -> None:
    assert bucket_key("leads.ip", " 198.51.100.7 ") == "leads.ip:198.51.100.7"
    assert hash_bucket(bucket_key("x", "A@B.FI")) == hash_bucket(bucket_key("x", "a@b.fi"))
    assert hash_bucket("a") != hash_bucket("b")
    assert len(hash_bucket("anything")) == 64


def test_a_refused_hit_raises_429_with_retry_after() -> None:
    with pytest.raises(RateLimited) as caught:
        check_rate_limit(FakeConnection(False, 42), "b", limit=1, window_seconds=60)  # type: ignore[arg-type]
    assert caught.value.status == 429
    assert caught.value.headers == {"Retry-After": "42"}
    assert caught.value.retry_after_seconds == 42


def test_retry_after_is_never_below_one_second() -> None:
    with pytest.raises(RateLimited) as caught:
        check_rate_limit(FakeConnection(False, 0), "b", limit=1, window_seconds=60)  # type: ignore[arg-type]
    assert caught.value.headers["Retry-After"] == "1"


def test_an_allowed_hit_returns_quietly() -> None:
    assert hit_rate_limit(FakeConnection(True, 0), "b", limit=5, window_seconds=1) == (True, 0)  # type: ignore[arg-type]


@pytest.mark.parametrize(("limit", "window"), [(0, 60), (-1, 60), (1, 0), (1, MAX_WINDOW_SECONDS + 1)])
def test_nonsense_limits_are_refused_before_any_query(limit: int, window: int) -> None:
    conn = FakeConnection(True, 0)
    with pytest.raises(ValueError, match="must be"):
        check_rate_limit(conn, "b", limit=limit, window_seconds=window)  # type: ignore[arg-type]
    assert conn.calls == []
