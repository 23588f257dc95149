"""Settings refuse unsafe production configuration and parse what the previous server accepted."""

from __future__ import annotations

import pytest
from pydantic import SecretStr, ValidationError

from docflow.config import ConfigurationError, Settings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only what each test passes counts, not the test session's local environment."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)


REAL_SECRET = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
PROD = {
    "environment": "prod",
    "supabase_url": "https://abcd.supabase.co",
    "database_url": "postgresql://docflow_app:pw@db.abcd.supabase.co:6543/postgres",
    "jwt_secret": SecretStr(REAL_SECRET),
}


def test_production_settings_load_when_complete() -> None:
    settings = Settings(**PROD)
    assert settings.jwt_issuer == "https://abcd.supabase.co/auth/v1"
    assert settings.jwks_url == "https://abcd.supabase.co/auth/v1/.well-known/jwks.json"


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"supabase_auth_enabled": False}, "SUPABASE_AUTH_ENABLED"),
        ({"jwt_secret": SecretStr("change-me")}, "JWT_SECRET"),
        ({"jwt_secret": SecretStr("short-but-real-0123")}, "JWT_SECRET"),
        ({"jwt_secret": SecretStr("x" * 48)}, "JWT_SECRET"),
        ({"stripe_secret_key": SecretStr("sk_test_placeholder")}, "STRIPE_SECRET_KEY"),
        ({"openai_api_key": SecretStr("your-openai-key")}, "OPENAI_API_KEY"),
        ({"supabase_url": "http://abcd.supabase.co"}, "SUPABASE_URL"),
        ({"database_url": "postgresql://u:p@127.0.0.1/db"}, "DATABASE_URL"),
        ({"cors_origins": ["*"]}, "CORS_ORIGINS"),
    ],
)
def test_production_refuses_unsafe_values(override: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Settings(**{**PROD, **override})


def test_unknown_environment_is_refused() -> None:
    with pytest.raises(ValidationError):
        Settings(**{**PROD, "environment": "production-ish"})


def test_default_environment_is_production() -> None:
    assert Settings.model_fields["environment"].default == "prod"


def test_local_allows_switching_auth_off_and_local_secrets() -> None:
    settings = Settings(environment="local", supabase_auth_enabled=False, jwt_secret=SecretStr("local-x"))
    assert settings.is_relaxed


def test_cors_origins_accept_a_json_list_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORS_ORIGINS", '["https://a.fi", "https://b.fi"]')
    assert Settings(environment="test").cors_origins == ["https://a.fi", "https://b.fi"]
    monkeypatch.setenv("CORS_ORIGINS", "https://a.fi, https://b.fi")
    assert Settings(environment="test").cors_origins == ["https://a.fi", "https://b.fi"]


def test_require_names_the_missing_variable() -> None:
    settings = Settings(**PROD)
    with pytest.raises(ConfigurationError, match="RESEND_API_KEY"):
        settings.require("resend_api_key")
    assert settings.require("jwt_secret") == REAL_SECRET


def test_secrets_never_show_in_the_settings_repr() -> None:
    settings = Settings(**PROD)
    assert REAL_SECRET not in repr(settings)
