"""Extract the bearer token from the ``Authorization`` header values of a request."""

from __future__ import annotations

import re
from collections.abc import Sequence

from docflow.errors import Unauthorized

#: Longest access token accepted; Supabase tokens are well under 2 KiB even with rich metadata.
MAX_TOKEN_LENGTH = 8192

#: A compact JWS: three non-empty base64url segments.
_COMPACT_JWS = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")


def looks_like_jwt(token: str) -> bool:
    """Whether ``token`` has the length and shape of a signed compact JWT (no decoding)."""
    return len(token) <= MAX_TOKEN_LENGTH and _COMPACT_JWS.fullmatch(token) is not None


def bearer_token(authorization_values: Sequence[str]) -> str:
    """The token of the request's single ``Authorization: Bearer <token>`` header.

    ``authorization_values`` must hold every ``Authorization`` value the request carried, so that a
    repeated header is refused rather than silently resolved to one of its values.
    """
    if isinstance(authorization_values, str):
        raise TypeError("pass the sequence of Authorization header values, not a single string")
    if not authorization_values:
        raise Unauthorized("missing bearer token")
    if len(authorization_values) != 1:
        raise Unauthorized("invalid authorization header")
    scheme, _, credentials = authorization_values[0].strip().partition(" ")
    token = credentials.strip(" ")
    if scheme.lower() != "bearer" or not looks_like_jwt(token):
        raise Unauthorized("invalid authorization header")
    return token
