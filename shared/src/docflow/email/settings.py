"""E-mail settings: the sender, the Resend client's bounds and retries. Read once per process from the
environment (``.env.example`` documents each variable); the API key, base URL and webhook secret are in
:class:`docflow.config.Settings`."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field

from docflow.config import EnvironmentSettings


class EmailSettings(EnvironmentSettings):
    """``EMAIL_*`` and the Resend client bounds."""

    email_from: str = Field(default="DocFlow <noreply@docflow.fi>", min_length=3, max_length=320)
    email_app_url: str = Field(default="http://localhost:3000", max_length=200)
    #: Seconds per request to Resend (it answers in well under one; four attempts fit the send budget).
    resend_timeout_seconds: int = Field(default=5, ge=1, le=30)
    #: Requests per second to Resend across every instance (Resend's team limit is 5).
    email_rate_per_second: int = Field(default=5, ge=1, le=1000)
    #: Attempts per message at one run (the first included); 429 and 5xx are retried, 4xx are not.
    email_max_attempts: int = Field(default=4, ge=1, le=8)
    #: Backoff before retry n: base * 2**(n-1), capped; a 429's ``retry-after`` wins when larger.
    email_backoff_base_seconds: float = Field(default=0.5, ge=0, le=10)
    email_backoff_max_seconds: float = Field(default=8.0, ge=0, le=60)
    #: Seconds one message may take over all its attempts: no retry starts that could end later (at
    #: ``RESEND_TIMEOUT_SECONDS`` per attempt), so a request that mails after its commit answers within
    #: its function's timeout (15 s) even when Resend hangs. The first attempt always runs.
    email_send_budget_seconds: float = Field(default=12.0, ge=1, le=600)
    #: Largest accepted webhook delivery age (or clock skew into the future), seconds.
    resend_webhook_tolerance_seconds: int = Field(default=300, ge=30, le=600)
    #: The domain of the tenants' inbound addresses (``<local part>@<domain>``; SES receives for it).
    email_inbound_domain: str = Field(
        default="inbound.localhost", min_length=3, max_length=200, pattern=r"^[a-z0-9.-]+$"
    )
    #: Where the raw messages are stored (the receipts bucket's prefix SES writes under).
    email_inbound_prefix: str = Field(default="inbound", min_length=1, max_length=50, pattern=r"^[a-z0-9-]+$")


@lru_cache(maxsize=1)
def get_email_settings() -> EmailSettings:
    """The process-wide e-mail settings."""
    return EmailSettings()


def reset_email_settings() -> None:
    """Forget the cached settings (tests change the environment)."""
    get_email_settings.cache_clear()
