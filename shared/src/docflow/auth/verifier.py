"""Verification of Supabase access tokens (RFC 8725 practices) into a :class:`Principal`.

Accepted: HS256 signed with the legacy ``JWT_SECRET`` (at least 32 bytes), and ES256 / RS256 signed
with a key of the project's JWKS whose algorithm matches the token's ``alg``. The key decides the
algorithm: a ``kid`` found in the JWKS verifies only with that key, HS256 only with the secret.
Every failure is an :class:`~docflow.errors.Unauthorized` with a coarse detail; the precise reason
goes to the log, never to the client, and the token itself is never logged.

An accepted token is remembered (at most :data:`MAX_REMEMBERED_TOKENS`), so the next request bearing
the same token skips the signature and claim checks, which cost more than the rest of a request's
Python work. The memory never accepts what a full check would refuse: an entry ends at the token's
``exp``, and it is used only while the key its header names is still the very key that verified it
(a key rotated out of the JWKS, or a refreshed key set, sends the token through the full check).
Refused tokens are never remembered, so every refusal is checked and logged.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from docflow.auth.bearer import looks_like_jwt
from docflow.auth.jwks import MAX_KID_LENGTH, JwksCache
from docflow.auth.principal import InvalidClaimsError, Principal
from docflow.errors import Unauthorized

if TYPE_CHECKING:
    from docflow.config import Settings

logger = logging.getLogger(__name__)

#: The only ``aud`` and ``role`` of a Supabase user access token.
AUDIENCE = "authenticated"
USER_ROLE = "authenticated"
REQUIRED_CLAIMS: tuple[str, ...] = ("exp", "iat", "sub", "aud", "iss", "role")
SUPPORTED_ALGORITHMS = frozenset({"HS256", "ES256", "RS256"})
#: Header parameters that name or embed keys, or demand extensions: never honoured, always refused.
FORBIDDEN_HEADER_PARAMETERS = frozenset({"crit", "jku", "jwk", "x5u", "x5c"})
#: Longest lifetime (``exp - iat``) accepted; Supabase caps access tokens at one week.
MAX_TOKEN_LIFETIME_SECONDS = 7 * 24 * 3600
MIN_HMAC_SECRET_BYTES = 32
#: Accepted tokens a verifier remembers; past it the oldest is forgotten (a warm instance serves a
#: handful of sessions; this bounds memory at a few hundred kilobytes).
MAX_REMEMBERED_TOKENS = 256

DETAIL_INVALID = "invalid token"
DETAIL_EXPIRED = "token expired"


class _RejectedError(Exception):
    """Internal: why a token was refused (logged, never shown to the client)."""

    @property
    def reason(self) -> str:
        """The one argument the check raised with."""
        return str(self.args[0])


def _reject_duplicate_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _RejectedError("duplicate header member")
    return result


def _unverified_header(token: str) -> dict[str, Any]:
    segment = token.partition(".")[0]
    try:
        # Base64url drops its padding; the decoder ignores padding beyond what the segment needs.
        raw = base64.urlsafe_b64decode(segment + "==")
        header = json.loads(raw, object_pairs_hook=_reject_duplicate_members)
    except (ValueError, RecursionError) as error:
        raise _RejectedError("malformed header") from error
    if not isinstance(header, dict):
        raise _RejectedError("malformed header")
    return header


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _hmac_secret(settings: Settings) -> bytes | None:
    if settings.jwt_secret is None:
        return None
    secret = settings.jwt_secret.get_secret_value().encode()
    if len(secret) < MIN_HMAC_SECRET_BYTES:
        logger.warning("JWT_SECRET is shorter than %s bytes: HS256 tokens are refused", MIN_HMAC_SECRET_BYTES)
        return None
    return secret


@dataclass(frozen=True, slots=True)
class _Accepted:
    """A token that passed every check: its principal, the key that verified it and its ``exp``."""

    principal: Principal
    algorithm: str
    kid: str | None
    key: Any
    expires_at: float


class TokenVerifier:
    """Verifies access tokens against the configured secret and JWKS; safe to share between threads."""

    def __init__(self, settings: Settings, *, jwks: JwksCache | None = None) -> None:
        self._issuer = settings.jwt_issuer
        self._leeway = settings.jwt_leeway_seconds
        self._secret = _hmac_secret(settings)
        self._jwks: JwksCache | None = None
        if settings.supabase_auth_enabled:
            self._jwks = jwks if jwks is not None else JwksCache.from_settings(settings)
        self._accepted: dict[str, _Accepted] = {}
        self._accepted_lock = threading.Lock()

    def verifies_offline(self, token: str) -> bool:
        """True when verifying ``token`` cannot fetch the key set, so it is safe on an event loop: no
        key set is configured or it is fresh, or the token is one the key set plays no part in (HS256
        without ``kid``: the secret alone decides) or is refused before any key is looked up.

        With a fresh set, a token naming an unknown kid may still fetch, at most once per refetch
        cooldown.
        """
        if self._jwks is None or self._jwks.is_fresh():
            return True
        remembered = self._accepted.get(token) if isinstance(token, str) else None
        if remembered is not None:
            return remembered.kid is None  # re-checked through _key_for: a kid consults the set
        if not isinstance(token, str) or not looks_like_jwt(token):
            return True
        try:
            header = _unverified_header(token)
        except _RejectedError:
            return True
        return header.get("alg") == "HS256" and header.get("kid") is None

    def verify(self, token: str) -> Principal:
        """The principal of a valid user access token; :class:`Unauthorized` for anything else."""
        remembered = self._accepted.get(token) if isinstance(token, str) else None
        if remembered is not None and self._still_accepted(remembered):
            return remembered.principal
        try:
            accepted = self._verify(token)
        except _RejectedError as rejection:
            logger.info("access token rejected: %s", rejection.reason)
            detail = DETAIL_EXPIRED if rejection.reason == "expired" else DETAIL_INVALID
            raise Unauthorized(detail) from None
        self._remember(token, accepted)
        return accepted.principal

    def _still_accepted(self, remembered: _Accepted) -> bool:
        """Whether a remembered token would pass the full check now: not yet expired, and its header
        still names the key that verified it (looked up as the full check looks it up)."""
        if time.time() >= remembered.expires_at:
            return False
        try:
            return self._key_for(remembered.algorithm, remembered.kid) is remembered.key
        except _RejectedError:
            return False

    def _remember(self, token: str, accepted: _Accepted) -> None:
        with self._accepted_lock:
            while len(self._accepted) >= MAX_REMEMBERED_TOKENS:
                del self._accepted[next(iter(self._accepted))]
            self._accepted[token] = accepted

    def _verify(self, token: str) -> _Accepted:
        if not isinstance(token, str) or not looks_like_jwt(token):
            raise _RejectedError("malformed token")
        header = _unverified_header(token)
        algorithm = header.get("alg")
        if not isinstance(algorithm, str) or algorithm not in SUPPORTED_ALGORITHMS:
            raise _RejectedError("algorithm not allowed")
        if FORBIDDEN_HEADER_PARAMETERS & header.keys():
            raise _RejectedError("forbidden header parameter")
        kid = header.get("kid")
        if kid is not None and (not isinstance(kid, str) or not 0 < len(kid) <= MAX_KID_LENGTH):
            raise _RejectedError("malformed kid")
        key = self._key_for(algorithm, kid)
        claims = self._decode(token, key, algorithm)
        self._check_claims(claims)
        try:
            principal = Principal.from_claims(claims)
        except InvalidClaimsError as error:
            raise _RejectedError(str(error)) from None
        return _Accepted(principal, algorithm, kid, key, float(claims["exp"]))

    def _key_for(self, algorithm: str, kid: str | None) -> Any:
        if algorithm == "HS256":
            if self._secret is None:
                raise _RejectedError("HS256 not configured")
            if (
                kid is not None
                and self._jwks is not None
                and self._jwks.get(kid, refetch_unknown=False) is not None
            ):
                raise _RejectedError("kid belongs to an asymmetric key")
            return self._secret
        if self._jwks is None:
            raise _RejectedError("asymmetric keys not configured")
        if kid is None:
            raise _RejectedError("missing kid")
        verification_key = self._jwks.get(kid)
        if verification_key is None:
            raise _RejectedError("unknown kid")
        if verification_key.algorithm != algorithm:
            raise _RejectedError("algorithm does not match the key")
        return verification_key.key

    def _decode(self, token: str, key: Any, algorithm: str) -> dict[str, Any]:
        import jwt

        try:
            return jwt.decode(
                token,
                key,
                algorithms=[algorithm],
                audience=AUDIENCE,
                issuer=self._issuer,
                leeway=self._leeway,
                options={
                    "require": list(REQUIRED_CLAIMS),
                    "strict_aud": True,
                    "enforce_minimum_key_length": True,
                },
            )
        except jwt.ExpiredSignatureError:
            raise _RejectedError("expired") from None
        except jwt.PyJWTError as error:
            raise _RejectedError(type(error).__name__) from None
        except Exception as error:  # whatever a hostile token provokes, the answer stays 401
            logger.warning("unexpected error while decoding an access token: %s", type(error).__name__)
            raise _RejectedError(type(error).__name__) from None

    def _check_claims(self, claims: Mapping[str, Any]) -> None:
        for name in ("exp", "iat", "nbf"):
            if name in claims and not _is_number(claims[name]):
                raise _RejectedError(f"non-numeric {name}")
        if claims["role"] != USER_ROLE:
            raise _RejectedError("not a user token")
        if claims["iat"] > time.time() + self._leeway:
            raise _RejectedError("issued in the future")
        if claims["exp"] - claims["iat"] > MAX_TOKEN_LIFETIME_SECONDS:
            raise _RejectedError("lifetime too long")


@lru_cache(maxsize=1)
def get_verifier() -> TokenVerifier:
    """The process-wide verifier built from :func:`docflow.config.get_settings` (JWKS cache shared)."""
    from docflow.config import get_settings

    return TokenVerifier(get_settings())


def reset_verifier() -> None:
    """Forget the cached verifier and its JWKS cache (tests and settings changes)."""
    get_verifier.cache_clear()
