"""Billing settings: the Stripe Price of each paid plan, where Stripe sends the customer back, the grace
period. Read once per process from the environment (``.env.example`` documents each variable)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field

from docflow.config import EnvironmentSettings


class BillingSettings(EnvironmentSettings):
    """``STRIPE_PRICE_PRO``, ``STRIPE_PRICE_ACCOUNTANT``, ``BILLING_*`` and the Stripe client bounds."""

    stripe_price_pro: str = Field(default="price_docflow_pro", pattern=r"^price_[A-Za-z0-9_]{1,200}$")
    stripe_price_accountant: str = Field(
        default="price_docflow_accountant", pattern=r"^price_[A-Za-z0-9_]{1,200}$"
    )
    billing_success_url: str = "http://localhost:3000/billing?checkout=success"
    billing_cancel_url: str = "http://localhost:3000/billing?checkout=cancelled"
    billing_portal_return_url: str = "http://localhost:3000/billing"
    billing_grace_days: int = Field(default=7, ge=0, le=30)
    stripe_timeout_seconds: float = Field(default=5.0, gt=0, le=20)
    stripe_max_network_retries: int = Field(default=2, ge=0, le=5)


@lru_cache(maxsize=1)
def get_billing_settings() -> BillingSettings:
    """The process-wide billing settings."""
    return BillingSettings()


def reset_billing_settings() -> None:
    """Forget the cached settings (tests change the environment)."""
    get_billing_settings.cache_clear()
