"""The Supabase JSON Web Key Set: fetched with a short timeout, cached, rate limited, stale on outage.

``jwt.PyJWKClient`` is not used: it waits 30 s on a slow endpoint, refetches on every unknown ``kid``
(a flood of random kids becomes a flood of outbound requests) and drops its cache when a fetch fails.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import urllib.request

    from docflow.config import Settings

logger = logging.getLogger(__name__)

#: Asymmetric algorithms DocFlow accepts, by JWK key type.
ALGORITHM_BY_KEY_TYPE: Mapping[str, str] = {"EC": "ES256", "RSA": "RS256"}
#: Longest ``kid`` accepted, in a token header or in the key set.
MAX_KID_LENGTH = 256
#: Largest key set body read; a Supabase JWKS with a few keys is about 1 KiB.
MAX_JWKS_BYTES = 65_536
MIN_RSA_BITS = 2048
_PRIVATE_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})

#: ``fetcher(url, timeout_seconds, max_bytes) -> body``; raises on any failure.
Fetcher = Callable[[str, float, int], bytes]
Clock = Callable[[], float]


class JwksError(Exception):
    """The key set could not be fetched or is not a JSON Web Key Set."""


@dataclass(frozen=True, slots=True)
class VerificationKey:
    """A public key of the set, bound to the one algorithm it may verify."""

    kid: str
    algorithm: str
    key: Any


def _refusing_redirects() -> type[urllib.request.HTTPRedirectHandler]:
    import urllib.request

    class RefuseRedirects(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    return RefuseRedirects


def fetch_jwks(url: str, timeout_seconds: float, max_bytes: int) -> bytes:
    """GET the key set over HTTP(S): no redirects, at most ``max_bytes``, ``timeout_seconds`` overall."""
    import urllib.request
    from urllib.parse import urlsplit

    if urlsplit(url).scheme not in {"https", "http"}:
        raise JwksError("the JWKS URL must be http(s)")
    deadline = time.monotonic() + timeout_seconds
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        url, headers={"Accept": "application/json", "User-Agent": "docflow-auth"}
    )
    opener = urllib.request.build_opener(_refusing_redirects())
    with opener.open(request, timeout=timeout_seconds) as response:
        if response.status != 200:
            raise JwksError(f"JWKS endpoint answered {response.status}")
        declared = response.headers.get("Content-Length")
        if declared is not None and declared.isdigit() and int(declared) > max_bytes:
            raise JwksError("JWKS body too large")
        body = bytearray()
        while chunk := response.read(8192):
            body += chunk
            if len(body) > max_bytes:
                raise JwksError("JWKS body too large")
            if time.monotonic() > deadline:
                raise JwksError("JWKS download too slow")
    return bytes(body)


def _rsa_modulus_bits(jwk: Mapping[str, Any]) -> int:
    import base64

    modulus = jwk.get("n")
    if not isinstance(modulus, str):
        return 0
    raw = base64.urlsafe_b64decode(modulus + "=" * (-len(modulus) % 4))
    return int.from_bytes(raw, "big").bit_length()


def _usable_algorithm(jwk: Mapping[str, Any]) -> str | None:
    """The algorithm a JWK may verify, or None when DocFlow must ignore the entry."""
    algorithm = ALGORITHM_BY_KEY_TYPE.get(str(jwk.get("kty")))
    if algorithm is None or _PRIVATE_MEMBERS & jwk.keys():
        return None
    if jwk.get("alg", algorithm) != algorithm or jwk.get("use", "sig") != "sig":
        return None
    key_ops = jwk.get("key_ops")
    if key_ops is not None and (not isinstance(key_ops, list) or "verify" not in key_ops):
        return None
    if algorithm == "ES256" and jwk.get("crv") != "P-256":
        return None
    if algorithm == "RS256" and _rsa_modulus_bits(jwk) < MIN_RSA_BITS:
        return None
    return algorithm


def _load_key(jwk: Mapping[str, Any]) -> VerificationKey | None:
    kid = jwk.get("kid")
    if not isinstance(kid, str) or not 0 < len(kid) <= MAX_KID_LENGTH:
        return None
    try:
        algorithm = _usable_algorithm(jwk)
        if algorithm is None:
            return None
        import jwt

        return VerificationKey(kid=kid, algorithm=algorithm, key=jwt.PyJWK(dict(jwk), algorithm).key)
    except Exception as error:  # a malformed entry is skipped, never fatal to the set
        logger.warning("JWKS entry skipped: %s", type(error).__name__)
        return None


def parse_jwks(body: bytes) -> dict[str, VerificationKey]:
    """The usable keys of a JWKS document by ``kid``; kids listed twice are dropped as ambiguous."""
    try:
        document = json.loads(body)
    except ValueError as error:
        raise JwksError("JWKS body is not JSON") from error
    entries = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise JwksError("JWKS body has no 'keys' array")
    keys: dict[str, VerificationKey] = {}
    seen: set[str] = set()
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        kid = entry.get("kid")
        if isinstance(kid, str) and kid in seen:
            keys.pop(kid, None)
            continue
        if isinstance(kid, str):
            seen.add(kid)
        key = _load_key(entry)
        if key is not None:
            keys[key.kid] = key
    return keys


class JwksCache:
    """Thread-safe cache of one key set.

    - Refreshed when older than ``ttl_seconds``; a known kid is served from cache meanwhile.
    - An unknown kid triggers a refetch at most once per ``refetch_cooldown_seconds``, so a storm of
      random kids costs at most one outbound request per cooldown.
    - A failed refresh keeps the previous keys (stale keys beat an outage) and is retried only after
      the cooldown.
    - One fetch at a time: a caller with an unknown kid waits for a fetch already in flight.
    """

    def __init__(
        self,
        url: str,
        *,
        timeout_seconds: float = 2.5,
        ttl_seconds: float = 600,
        refetch_cooldown_seconds: float = 30,
        max_bytes: int = MAX_JWKS_BYTES,
        fetcher: Fetcher = fetch_jwks,
        clock: Clock = time.monotonic,
    ) -> None:
        self.url = url
        self._timeout = timeout_seconds
        self._ttl = ttl_seconds
        self._cooldown = refetch_cooldown_seconds
        self._max_bytes = max_bytes
        self._fetcher = fetcher
        self._clock = clock
        self._condition = threading.Condition()
        self._keys: dict[str, VerificationKey] = {}
        self._fetched_at: float | None = None
        self._last_attempt_at: float | None = None
        self._last_attempt_failed = False
        self._in_flight = False
        self._fetch_count = 0

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> JwksCache:
        """A cache of ``settings.jwks_url`` with the configured timeout, TTL and cooldown."""
        options: dict[str, Any] = {
            "timeout_seconds": settings.jwks_timeout_seconds,
            "ttl_seconds": settings.jwks_cache_ttl_seconds,
            "refetch_cooldown_seconds": settings.jwks_refetch_cooldown_seconds,
        }
        return cls(settings.jwks_url, **(options | overrides))

    @property
    def fetch_count(self) -> int:
        """How many fetches were attempted (successful or not) since the cache was created."""
        return self._fetch_count

    def is_fresh(self) -> bool:
        """Loaded, within its TTL and no fetch in flight: a known kid is answered without waiting."""
        with self._condition:
            return (
                not self._in_flight
                and self._fetched_at is not None
                and self._clock() - self._fetched_at < self._ttl
            )

    def get(self, kid: str, *, refetch_unknown: bool = True) -> VerificationKey | None:
        """The key for ``kid``, fetching the set when due; None when no usable key has that kid.

        The set is loaded on first use and refreshed after the TTL. With ``refetch_unknown`` an unknown
        kid also triggers a refetch (at most once per cooldown), which finds keys rotated in since.
        """
        wait_until = time.monotonic() + 2 * self._timeout + 1
        with self._condition:
            while True:
                now = self._clock()
                key = self._keys.get(kid)
                if self._fetch_due(now, known=key is not None or not refetch_unknown):
                    self._in_flight = True
                    self._last_attempt_at = now
                    self._fetch_count += 1
                    break
                remaining = wait_until - time.monotonic()
                if key is not None or not self._in_flight or remaining <= 0:
                    return key
                self._condition.wait(timeout=remaining)
        return self._refresh(kid)

    def _fetch_due(self, now: float, *, known: bool) -> bool:
        if self._in_flight:
            return False
        if self._last_attempt_at is None:
            return True
        cooled_down = now - self._last_attempt_at >= self._cooldown
        if not known and cooled_down:
            return True
        expired = self._fetched_at is None or now - self._fetched_at >= self._ttl
        return expired and (cooled_down or not self._last_attempt_failed)

    def _refresh(self, kid: str) -> VerificationKey | None:
        keys: dict[str, VerificationKey] | None = None
        try:
            keys = parse_jwks(self._fetcher(self.url, self._timeout, self._max_bytes))
        except Exception as error:  # any failure keeps the stale keys; the cooldown paces retries
            logger.warning(
                "JWKS refresh failed, keeping %s cached keys: %s", len(self._keys), type(error).__name__
            )
        with self._condition:
            if keys is not None:
                self._keys = keys
                self._fetched_at = self._clock()
            self._last_attempt_failed = keys is None
            self._in_flight = False
            self._condition.notify_all()
            return self._keys.get(kid)
