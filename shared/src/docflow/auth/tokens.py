"""Mint Supabase-shaped HS256 access tokens for the local stack and tests."""

from __future__ import annotations

import time
import uuid
from typing import Any

#: The claims Supabase Auth puts in every user access token, in the order it writes them.
_AUDIENCE = "authenticated"
_ROLE = "authenticated"
MIN_SECRET_BYTES = 32


def mint_token(
    *,
    secret: str,
    issuer: str,
    user_id: uuid.UUID | str,
    email: str | None = None,
    expires_in: int = 3600,
    app_metadata: dict[str, Any] | None = None,
    extra_claims: dict[str, Any] | None = None,
) -> str:
    """An HS256 access token as Supabase Auth issues it; ``extra_claims`` override any claim.

    Only for secrets DocFlow itself holds (the local stack's ``JWT_SECRET``, test keys).
    """
    if len(secret.encode()) < MIN_SECRET_BYTES:
        raise ValueError(f"the signing secret must be at least {MIN_SECRET_BYTES} bytes")
    import jwt

    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": issuer,
        "aud": _AUDIENCE,
        "sub": str(user_id),
        "role": _ROLE,
        "exp": now + expires_in,
        "iat": now,
        "email": email,
        "phone": "",
        "app_metadata": {"provider": "email", "providers": ["email"], **(app_metadata or {})},
        "user_metadata": {},
        "is_anonymous": False,
        "session_id": str(uuid.uuid4()),
        "aal": "aal1",
        "amr": [{"method": "password", "timestamp": now}],
    }
    claims.update(extra_claims or {})
    return jwt.encode(claims, secret, algorithm="HS256", headers={"typ": "JWT"})
