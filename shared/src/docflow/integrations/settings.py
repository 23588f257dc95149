"""Integration settings, read once per process from the environment (``.env.example`` documents each).
The provider base URLs are in :class:`docflow.config.Settings` (``NOTION_BASE_URL``, ``LINEAR_API_URL``)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field

from docflow.config import EnvironmentSettings


class IntegrationsSettings(EnvironmentSettings):
    """``INTEGRATIONS_*``, ``NOTION_*`` and ``LINEAR_*`` bounds."""

    #: The KMS key (id, ARN or ``alias/...``) that generates and unwraps the data keys.
    integrations_kms_key_id: str = Field(default="alias/docflow-integrations", min_length=1, max_length=300)
    #: SQS FIFO queue URLs the outbox drains to (empty: the drain leaves the rows pending).
    notion_queue_url: str = Field(default="", max_length=500)
    linear_queue_url: str = Field(default="", max_length=500)
    #: Outbox rows published per drain call.
    integrations_drain_batch: int = Field(default=100, ge=1, le=1000)
    #: Requests per second to one tenant's Notion integration across every instance (Notion: ~3).
    notion_rate_per_second: float = Field(default=3.0, gt=0, le=1000)
    #: The Notion API version every request names (``Notion-Version``).
    notion_version: str = Field(default="2025-09-03", pattern=r"^\d{4}-\d{2}-\d{2}$")
    #: Requests per second to one tenant's Linear workspace (Linear allows far more; we stay polite).
    linear_rate_per_second: float = Field(default=5.0, gt=0, le=1000)
    #: Timeout of one request to Notion or Linear, seconds.
    integrations_timeout_seconds: float = Field(default=10.0, gt=0, le=25)
    #: Attempts per request at one run (the first included); 429 and 5xx are retried.
    integrations_max_attempts: int = Field(default=4, ge=1, le=8)
    #: Backoff before retry n: base * 2**(n-1), capped; a 429's ``Retry-After`` wins when larger
    #: (and a ``Retry-After`` above the cap ends the run: the message is retried by the queue).
    integrations_backoff_base_seconds: float = Field(default=0.5, ge=0, le=10)
    integrations_backoff_max_seconds: float = Field(default=8.0, ge=0, le=60)
    #: Largest answer body read from Notion or Linear, bytes.
    integrations_max_response_bytes: int = Field(default=1_048_576, ge=1024, le=10_485_760)
    #: Default hours a receipt may wait for review before a Linear issue is opened (tenants set theirs).
    linear_review_after_hours: int = Field(default=48, ge=1, le=24 * 90)
    #: Largest accepted webhook delivery age (Linear's documented tolerance is 60 s).
    linear_webhook_tolerance_seconds: int = Field(default=60, ge=5, le=300)


@lru_cache(maxsize=1)
def get_integrations_settings() -> IntegrationsSettings:
    """The process-wide integration settings."""
    return IntegrationsSettings()


def reset_integrations_settings() -> None:
    """Forget the cached settings (tests change the environment)."""
    get_integrations_settings.cache_clear()
