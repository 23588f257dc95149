"""GIVEN the local secret WHEN minting a token THEN it has Supabase's shape and the verifier accepts it."""

from __future__ import annotations

import uuid

import jwt
import pytest

from docflow.auth import TokenVerifier, mint_token
from docflow.config import Settings

JWT_SECRET = "docflow-unit-test-secret-0123456789abcdef"  # the secret of the test settings
USER_ID = uuid.UUID("9d3c5a43-2b8f-4f1e-8d2b-6f1f7b0e4a21")


def test_minted_token_has_the_supabase_claims(settings: Settings) -> None:
    token = mint_token(secret=JWT_SECRET, issuer=settings.jwt_issuer, user_id=USER_ID, email="a@example.fi")
    claims = jwt.decode(token, JWT_SECRET, algorithms=["HS256"], audience="authenticated")
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    assert claims["iss"] == settings.jwt_issuer
    assert claims["sub"] == str(USER_ID)
    assert claims["role"] == "authenticated"
    assert claims["exp"] - claims["iat"] == 3600
    assert claims["user_metadata"] == {}
    assert claims["is_anonymous"] is False
    assert uuid.UUID(claims["session_id"])
    assert claims["aal"] == "aal1"


def test_minted_token_verifies_into_a_principal(settings: Settings) -> None:
    token = mint_token(
        secret=JWT_SECRET,
        issuer=settings.jwt_issuer,
        user_id=str(USER_ID),
        app_metadata={"docflow_platform_admin": True},
    )
    principal = TokenVerifier(settings.model_copy(update={"supabase_auth_enabled": False})).verify(token)
    assert principal.user_id == USER_ID
    assert principal.is_platform_admin is True
    assert principal.app_metadata["provider"] == "email"


def test_extra_claims_override_the_defaults(settings: Settings) -> None:
    token = mint_token(
        secret=JWT_SECRET,
        issuer=settings.jwt_issuer,
        user_id=USER_ID,
        extra_claims={"role": "anon", "aal": "aal2"},
    )
    claims = jwt.decode(token, JWT_SECRET, algorithms=["HS256"], audience="authenticated")
    assert (claims["role"], claims["aal"]) == ("anon", "aal2")


def test_short_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        mint_token(secret="too-short", issuer="x", user_id=USER_ID)
