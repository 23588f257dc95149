"""Settings read from the environment, validated once per process.

Outside the ``local`` and ``test`` environments the settings refuse to load when a core secret is
missing or still a placeholder, and authentication cannot be switched off. Secrets a single function
needs (Stripe, Resend, ...) are checked where they are used, through :meth:`Settings.require`.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

Environment = Literal["local", "test", "dev", "staging", "prod"]

#: Environments where developer conveniences (local keys, auth switch) are allowed.
RELAXED_ENVIRONMENTS: frozenset[str] = frozenset({"local", "test"})

#: Values that mean "not configured yet"; matched case-insensitively against a whole secret.
_PLACEHOLDER = re.compile(
    r"^(|changeme|change-me|change_me|placeholder|secret|password|todo|xxx+|your[-_].*|.*-here|"
    r"local-.*|dev-.*|test-.*|example.*|dummy.*|sk_test_placeholder)$",
    re.IGNORECASE,
)
#: Minimum length of an HS256 secret (RFC 7518 section 3.2: at least the hash size, 256 bits).
MIN_HMAC_SECRET_BYTES = 32

SECRET_FIELDS: tuple[str, ...] = (
    "jwt_secret",
    "supabase_anon_key",
    "supabase_service_role_key",
    "resend_api_key",
    "resend_webhook_secret",
    "openai_api_key",
    "notion_token",
    "linear_api_key",
    "stripe_secret_key",
    "stripe_webhook_secret",
    "metrics_token",
    "rate_limit_key",
)


class ConfigurationError(RuntimeError):
    """Raised when the environment does not configure what the code needs."""


def is_placeholder(value: str | None) -> bool:
    """Whether a configured secret is missing or an obvious placeholder."""
    return value is None or bool(_PLACEHOLDER.match(value.strip()))


class EnvironmentSettings(BaseModel):
    """Settings read from the environment: each field from the variable of its name in any case
    (``DATABASE_URL``); values given to the constructor win over the environment.

    A plain pydantic model rather than pydantic-settings, whose import costs a cold start tens of
    milliseconds for features DocFlow does not use (env files, nested and JSON-decoded variables,
    secrets folders).
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _read_environment(cls, data: Any) -> Any:
        """Fill the fields not given to the constructor from the environment (names in any case)."""
        if not isinstance(data, dict):
            return data
        environ = {name.lower(): value for name, value in os.environ.items()}
        found = {name: environ[name] for name in cls.model_fields if name in environ}
        return {**found, **data}


class Settings(EnvironmentSettings):
    """Every environment variable DocFlow reads. ``.env.example`` documents each one."""

    environment: Environment = "prod"
    log_level: str = "INFO"

    # Database
    database_url: str = "postgresql://docflow_app@127.0.0.1:5432/docflow"
    db_pool_min_size: int = Field(default=0, ge=0, le=50)
    db_pool_max_size: int = Field(default=4, ge=1, le=100)
    db_connect_timeout_seconds: float = Field(default=5.0, gt=0, le=30)
    db_statement_timeout_ms: int = Field(default=10_000, ge=100, le=120_000)

    # Supabase and authentication
    supabase_url: str = ""
    supabase_anon_key: SecretStr | None = None
    supabase_service_role_key: SecretStr | None = None
    supabase_auth_enabled: bool = True
    jwt_secret: SecretStr | None = None
    jwt_leeway_seconds: int = Field(default=30, ge=30, le=60)
    jwks_cache_ttl_seconds: int = Field(default=600, ge=30, le=600)
    jwks_refetch_cooldown_seconds: int = Field(default=30, ge=30, le=3600)
    jwks_timeout_seconds: float = Field(default=2.5, ge=0.5, le=3.0)
    supabase_auth_url: str = ""  # Supabase Auth base URL when not <SUPABASE_URL>/auth/v1 (local fake)
    invite_redirect_url: str = ""
    max_tenants_per_user: int = Field(default=3, ge=1, le=100)
    auth_callback_rate_limit_per_ip: int = Field(default=30, ge=1, le=10_000)
    auth_callback_rate_limit_window_seconds: int = Field(default=300, ge=1, le=86_400)
    invitations_rate_limit_per_tenant: int = Field(default=50, ge=1, le=10_000)
    invitations_rate_limit_window_seconds: int = Field(default=3600, ge=1, le=86_400)

    # Clients
    clients_import_max_bytes: int = Field(default=524_288, ge=1024, le=6_291_456)
    clients_import_max_rows: int = Field(default=2000, ge=1, le=50_000)

    # External services (base URLs overridable so tests talk to local fakes)
    resend_api_key: SecretStr | None = None
    resend_base_url: str = "https://api.resend.com"
    resend_webhook_secret: SecretStr | None = None  # whsec_<base64>; several, comma-separated, in rotation
    openai_api_key: SecretStr | None = None
    openai_base_url: str = "https://api.openai.com/v1"
    notion_token: SecretStr | None = None
    notion_base_url: str = "https://api.notion.com"
    linear_api_key: SecretStr | None = None
    linear_api_url: str = "https://api.linear.app/graphql"
    stripe_secret_key: SecretStr | None = None
    stripe_webhook_secret: SecretStr | None = None
    stripe_api_base: str = "https://api.stripe.com"
    http_timeout_seconds: float = Field(default=10.0, gt=0, le=25)

    # Observability
    sentry_dsn: str = ""
    sentry_environment: str = ""
    sentry_traces_sample_rate: float = Field(default=0.0, ge=0, le=1)
    metrics_token: SecretStr | None = None

    # Rate limits: the HMAC key their bucket names (IP addresses, e-mails) are hashed with.
    rate_limit_key: SecretStr | None = None

    # HTTP
    cors_origins: list[str] = Field(default_factory=list)
    allowed_origin_regex: str | None = None
    max_request_body_bytes: int = Field(default=1_048_576, ge=1024, le=6_291_456)

    # Public endpoints: rate limits per window (counted in PostgreSQL, shared by every instance)
    leads_rate_limit_per_ip: int = Field(default=10, ge=1, le=10_000)
    leads_rate_limit_per_email: int = Field(default=3, ge=1, le=1_000)
    leads_rate_limit_window_seconds: int = Field(default=3600, ge=1, le=86_400)
    leads_dedup_window_hours: int = Field(default=24, ge=1, le=720)
    csp_report_rate_limit_per_ip: int = Field(default=120, ge=1, le=100_000)
    csp_report_rate_limit_window_seconds: int = Field(default=60, ge=1, le=86_400)

    # Storage
    aws_region: str = "eu-north-1"
    receipts_bucket: str = "docflow-receipts-local"
    receipts_upload_prefix: str = "incoming"
    s3_endpoint_url: str | None = None
    receipts_upload_url_seconds: int = Field(default=300, ge=60, le=600)
    receipts_download_url_seconds: int = Field(default=300, ge=30, le=900)
    receipts_lease_seconds: int = Field(default=90, ge=5, le=900)
    receipts_review_confidence: float = Field(default=0.6, ge=0, le=1)
    ocr_rate_limit_per_minute: int = Field(default=30, ge=1, le=1000)
    # Receipt work asked for per window: upload calls (up to 20 files each) and reprocess requests,
    # per user and per tenant (429 with Retry-After past either).
    receipts_upload_rate_limit_per_user: int = Field(default=100, ge=1, le=10_000)
    receipts_upload_rate_limit_per_tenant: int = Field(default=500, ge=1, le=100_000)
    receipts_reprocess_rate_limit_per_user: int = Field(default=100, ge=1, le=10_000)
    receipts_reprocess_rate_limit_per_tenant: int = Field(default=500, ge=1, le=100_000)
    receipts_rate_limit_window_seconds: int = Field(default=3600, ge=1, le=86_400)

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _parse_origins(cls, value: object) -> object:
        """Accept a JSON list (the documented form) or a comma-separated string."""
        if isinstance(value, str):
            import json

            text = value.strip()
            if not text:
                return []
            if text.startswith("["):
                return json.loads(text)
            return [part.strip() for part in text.split(",") if part.strip()]
        return value

    @field_validator(
        "supabase_url", "supabase_auth_url", "resend_base_url", "openai_base_url", "notion_base_url"
    )
    @classmethod
    def _strip_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @model_validator(mode="after")
    def _refuse_unsafe_production_config(self) -> Settings:
        if self.is_relaxed:
            return self
        problems: list[str] = []
        if not self.supabase_auth_enabled:
            problems.append("SUPABASE_AUTH_ENABLED=false is only allowed in the local environment")
        if not self.supabase_url.startswith("https://"):
            problems.append("SUPABASE_URL must be an https URL")
        if "localhost" in self.database_url or "127.0.0.1" in self.database_url:
            problems.append("DATABASE_URL points at a local database")
        if self.jwt_secret is not None and self._hmac_secret_problem():
            problems.append(self._hmac_secret_problem() or "")
        if "*" in self.cors_origins:
            problems.append("CORS_ORIGINS may not contain '*'")
        for name in SECRET_FIELDS:
            if name == "jwt_secret":
                continue  # checked above, with its length
            secret = getattr(self, name)
            if secret is not None and is_placeholder(secret.get_secret_value()):
                problems.append(f"{name.upper()} is a placeholder")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _hmac_secret_problem(self) -> str | None:
        if self.jwt_secret is None:
            return None
        value = self.jwt_secret.get_secret_value()
        if is_placeholder(value):
            return "JWT_SECRET is a placeholder"
        if len(value.encode()) < MIN_HMAC_SECRET_BYTES:
            return f"JWT_SECRET must be at least {MIN_HMAC_SECRET_BYTES} bytes"
        return None

    @property
    def is_relaxed(self) -> bool:
        """True in ``local`` and ``test``, where local keys and fakes are allowed."""
        return self.environment in RELAXED_ENVIRONMENTS

    @property
    def jwt_issuer(self) -> str:
        """The ``iss`` claim Supabase Auth puts in its access tokens."""
        return f"{self.supabase_url}/auth/v1"

    @property
    def auth_api_url(self) -> str:
        """Base URL of the Supabase Auth (GoTrue) HTTP API."""
        return self.supabase_auth_url or f"{self.supabase_url}/auth/v1"

    @property
    def jwks_url(self) -> str:
        """Where Supabase publishes the project's asymmetric signing keys."""
        return f"{self.supabase_url}/auth/v1/.well-known/jwks.json"

    def require(self, name: str) -> str:
        """Return a configured secret or raise :class:`ConfigurationError` naming the variable."""
        value = getattr(self, name, None)
        text = value.get_secret_value() if isinstance(value, SecretStr) else value
        if not text or (not self.is_relaxed and is_placeholder(text)):
            raise ConfigurationError(f"{name.upper()} is not configured")
        return str(text)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once (a warm Lambda reuses them)."""
    return Settings()


def reset_settings() -> None:
    """Forget the cached settings (tests and the local stack change the environment)."""
    get_settings.cache_clear()
