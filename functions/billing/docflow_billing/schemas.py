"""Request and response models of the billing route group (inputs forbid unknown fields)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, model_validator

from docflow.clients.identifiers import check_vat_matches_ytunnus, normalize_vat_number, normalize_ytunnus
from docflow.http.types import Text

YTunnus = Annotated[str, Text(max_length=16), AfterValidator(normalize_ytunnus)]
VatNumber = Annotated[str, Text(max_length=20), AfterValidator(normalize_vat_number)]


class CheckoutCreate(BaseModel):
    """The paid plan to subscribe to, and the tenant's business identity for the invoice's tax id."""

    model_config = ConfigDict(extra="forbid")

    plan: Literal["pro", "accountant"]
    business_id: YTunnus | None = None
    vat_number: VatNumber | None = None

    @model_validator(mode="after")
    def _same_company(self) -> Self:
        check_vat_matches_ytunnus(self.business_id, self.vat_number)
        return self

    @property
    def tax_id(self) -> str | None:
        """The ``eu_vat`` tax id: the VAT number, or ``FI`` + the Y-tunnus digits."""
        if self.vat_number:
            return self.vat_number
        return f"FI{self.business_id.replace('-', '')}" if self.business_id else None


class SessionUrl(BaseModel):
    """A Stripe-hosted page to send the browser to. The URL is a bearer credential: use it at once."""

    url: str


class LimitUsage(BaseModel):
    """One limit of the plan in force and what the tenant uses of it."""

    limit: str
    maximum: int
    used: int | None


class SubscriptionPublic(BaseModel):
    """The tenant's plan and subscription as stored from Stripe, and its usage."""

    plan: Literal["free", "pro", "accountant"]
    status: str
    current_period_end: datetime | None
    cancel_at_period_end: bool
    trial_end: datetime | None
    grace_until: datetime | None
    has_billing_account: bool
    limits: list[LimitUsage]
