"""AI settings: the model, the client's bounds and the per-tenant daily token budget. Read once per
process from the environment (``.env.example`` documents each variable); the key and base URL are
``OPENAI_API_KEY`` and ``OPENAI_BASE_URL`` of :class:`docflow.config.Settings`."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field

from docflow.config import EnvironmentSettings


class AiSettings(EnvironmentSettings):
    """``OPENAI_MODEL``, ``AI_*``."""

    openai_model: str = Field(default="gpt-4o-mini", pattern=r"^[A-Za-z0-9._:/-]{1,100}$")
    ai_timeout_seconds: float = Field(default=12.0, gt=0, le=25)
    ai_max_retries: int = Field(default=2, ge=0, le=4)
    #: Seconds one call may take over all its attempts (the AI routes' functions time out at 29 s).
    ai_call_budget_seconds: float = Field(default=24.0, ge=1, le=600)
    ai_tokens_per_day: int = Field(default=200_000, ge=1_000, le=50_000_000)
    ai_max_output_tokens: int = Field(default=600, ge=50, le=4_000)
    #: A receipt below this engine confidence gets a second reading even when it was processed.
    ai_review_confidence: float = Field(default=0.6, ge=0, le=1)
    #: At most this many characters of OCR text are sent (the rest of a receipt is rarely useful).
    ai_max_receipt_chars: int = Field(default=4_000, ge=200, le=20_000)


@lru_cache(maxsize=1)
def get_ai_settings() -> AiSettings:
    """The process-wide AI settings."""
    return AiSettings()


def reset_ai_settings() -> None:
    """Forget the cached settings (tests change the environment)."""
    get_ai_settings.cache_clear()
