"""The authenticated caller, built from the claims of a verified Supabase access token."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

#: ``app_metadata`` key that marks a DocFlow platform administrator (set only through the Auth admin API).
PLATFORM_ADMIN_CLAIM = "docflow_platform_admin"


class InvalidClaimsError(ValueError):
    """The verified claims do not have the shape of a Supabase user access token."""


class FrozenJsonObject(dict[str, Any]):
    """A read-only JSON object that stays a ``dict``, so ``json.dumps`` serialises it as one."""

    def _read_only(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("verified claims are read-only")

    __setitem__ = __delitem__ = __ior__ = _read_only  # type: ignore[assignment]
    clear = pop = popitem = setdefault = update = _read_only  # type: ignore[assignment]

    def __reduce__(self) -> tuple[type[FrozenJsonObject], tuple[dict[str, Any]]]:
        return type(self), (dict(self),)


def _freeze(value: Any) -> Any:
    """A read-only deep copy of decoded JSON: objects become frozen dicts, arrays tuples."""
    if isinstance(value, Mapping):
        return FrozenJsonObject({str(key): _freeze(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_freeze(item) for item in value)
    return value


def _optional_str(claims: Mapping[str, Any], name: str) -> str | None:
    value = claims.get(name)
    if value is None or isinstance(value, str):
        return value
    raise InvalidClaimsError(f"claim {name!r} must be a string")


def _numeric_date(claims: Mapping[str, Any], name: str) -> datetime:
    value = claims.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidClaimsError(f"claim {name!r} must be a number")
    try:
        return datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError) as error:
        raise InvalidClaimsError(f"claim {name!r} is out of range") from error


def parse_user_id(value: object) -> uuid.UUID:
    """The ``sub`` claim as a UUID; only the canonical hyphenated form is accepted."""
    if not isinstance(value, str) or len(value) != 36:
        raise InvalidClaimsError("claim 'sub' must be a UUID")
    try:
        user_id = uuid.UUID(value)
    except ValueError as error:
        raise InvalidClaimsError("claim 'sub' must be a UUID") from error
    if str(user_id) != value.lower():
        raise InvalidClaimsError("claim 'sub' must be a UUID")
    return user_id


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling, as stated by a verified access token.

    ``app_metadata`` is written only by the Auth server and the service role, so it may be used for
    authorisation. ``user_metadata`` is writable by the user and is therefore not a field here; it is
    reachable only as :attr:`untrusted_user_metadata`. Claims are a snapshot taken when the token was
    issued: the database (memberships, platform admin flag) is the final word.
    """

    user_id: uuid.UUID
    email: str | None
    role: str
    session_id: str | None
    is_anonymous: bool
    app_metadata: Mapping[str, Any]
    expires_at: datetime
    claims: Mapping[str, Any]

    @classmethod
    def from_claims(cls, claims: Mapping[str, Any]) -> Principal:
        """Build a principal from verified claims; raise :class:`InvalidClaimsError` on a malformed shape."""
        role = claims.get("role")
        if not isinstance(role, str):
            raise InvalidClaimsError("claim 'role' must be a string")
        is_anonymous = claims.get("is_anonymous", False)
        if not isinstance(is_anonymous, bool):
            raise InvalidClaimsError("claim 'is_anonymous' must be a boolean")
        app_metadata = claims.get("app_metadata") or {}
        if not isinstance(app_metadata, Mapping):
            raise InvalidClaimsError("claim 'app_metadata' must be an object")
        user_metadata = claims.get("user_metadata")
        if user_metadata is not None and not isinstance(user_metadata, Mapping):
            raise InvalidClaimsError("claim 'user_metadata' must be an object")
        return cls(
            user_id=parse_user_id(claims.get("sub")),
            email=_optional_str(claims, "email"),
            role=role,
            session_id=_optional_str(claims, "session_id"),
            is_anonymous=is_anonymous,
            app_metadata=_freeze(app_metadata),
            expires_at=_numeric_date(claims, "exp"),
            claims=_freeze(claims),
        )

    def __hash__(self) -> int:
        return hash((self.user_id, self.session_id, self.expires_at))

    @property
    def is_platform_admin(self) -> bool:
        """Whether the token claims platform admin rights.

        A hint only: the platform admin flag in the database must confirm it before any
        cross-tenant access, since claims stay valid until the token expires.
        """
        return self.app_metadata.get(PLATFORM_ADMIN_CLAIM) is True

    @property
    def untrusted_user_metadata(self) -> Mapping[str, Any]:
        """User-editable profile data from the token. Display only: never authorise from it."""
        value = self.claims.get("user_metadata")
        return value if isinstance(value, Mapping) else FrozenJsonObject()

    def claims_json(self) -> str:
        """The verified claims as compact JSON, for ``set_config('request.jwt.claims', ...)``."""
        return json.dumps(self.claims, separators=(",", ":"), sort_keys=True)
