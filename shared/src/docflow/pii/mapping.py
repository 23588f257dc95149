"""Scrub nested structures (log records, Sentry events, request data) without mutating them."""

from __future__ import annotations

import datetime
from collections.abc import Collection, Mapping
from typing import Any

from docflow.pii.scrubber import scrub_bytes, scrub_text

REDACTED = "[REDACTED]"
TRUNCATED = "[TRUNCATED]"
CYCLE = "[CYCLE]"

#: Deepest nesting walked; anything below is replaced by :data:`TRUNCATED`.
MAX_DEPTH = 24

#: Keys whose values are credentials or identifiers in full, compared after :func:`normalize_key`.
SENSITIVE_KEYS: frozenset[str] = frozenset(
    {
        "authorization",
        "proxy_authorization",
        "cookie",
        "cookies",
        "set_cookie",
        "password",
        "passwd",
        "secret",
        "token",
        "access_token",
        "refresh_token",
        "id_token",
        "api_key",
        "apikey",
        "x_api_key",
        "client_secret",
        "stripe_signature",
        "svix_signature",
        "linear_signature",
        "session",
        "iban",
        "hetu",
        "ssn",
        "card_number",
        "private_key",
    }
)
#: Key endings that name a credential whatever comes before (``csrf_token``, ``webhook_secret``).
SENSITIVE_KEY_SUFFIXES: tuple[str, ...] = ("_token", "_secret", "_password", "_api_key", "_signature")

_SCALARS = (bool, int, float, type(None), datetime.date, datetime.time, datetime.timedelta)


def normalize_key(key: str) -> str:
    """``X-Api-Key`` and ``x_api_key`` compare equal."""
    return key.strip().lower().replace("-", "_")


def is_sensitive_key(key: object) -> bool:
    """Whether a mapping key names a value that is redacted whole."""
    if not isinstance(key, str):
        return False
    normalized = normalize_key(key)
    return normalized in SENSITIVE_KEYS or normalized.endswith(SENSITIVE_KEY_SUFFIXES)


def scrub_mapping(value: Any, *, keep: Collection[str] = ()) -> Any:
    """A scrubbed copy of ``value``: dicts, lists, tuples and sets are walked, strings scrubbed.

    Values under sensitive keys become ``[REDACTED]``; top-level keys named in ``keep`` are copied as
    they are. Numbers, booleans, ``None`` and dates pass through; any other object is rendered with
    ``str()`` and scrubbed, so nothing unscrubbed reaches a serialiser. Cycles become ``[CYCLE]``.
    """
    if keep and isinstance(value, Mapping):
        return {key: item if key in keep else _scrub(item, key, 1, set()) for key, item in value.items()}
    return _scrub(value, None, 0, set())


def _scrub(value: Any, key: object, depth: int, path: set[int]) -> Any:
    if isinstance(value, _SCALARS):
        return value
    if is_sensitive_key(key):
        return REDACTED
    if not isinstance(value, Mapping | list | tuple | set | frozenset):
        return _scrub_leaf(value)
    if depth >= MAX_DEPTH or id(value) in path:
        return TRUNCATED if depth >= MAX_DEPTH else CYCLE
    path.add(id(value))
    try:
        return _scrub_container(value, depth + 1, path)
    finally:
        path.discard(id(value))


def _scrub_leaf(value: object) -> str | bytes:
    if isinstance(value, bytes | bytearray | memoryview):
        return scrub_bytes(bytes(value))
    return scrub_text(value if isinstance(value, str) else str(value))


def _scrub_container(value: Any, depth: int, path: set[int]) -> Any:
    if isinstance(value, Mapping):
        result: dict[Any, Any] = {}
        for key, item in value.items():
            new_key = scrub_text(key) if isinstance(key, str) else key
            while new_key in result:  # two scrubbed keys collided: keep both values
                new_key = f"{new_key}'"
            result[new_key] = _scrub(item, key, depth, path)
        return result
    items = [_scrub(item, None, depth, path) for item in value]
    if isinstance(value, list):
        return items
    if isinstance(value, tuple):
        return tuple(items)
    return frozenset(items) if isinstance(value, frozenset) else set(items)
