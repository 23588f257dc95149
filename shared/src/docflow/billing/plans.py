"""The plans DocFlow sells and the limits each one gives; a Stripe Price id names each paid plan.

=============  ==================  =======  ===============  =================
plan           receipts per month  members  AI requests/day  report recipients
=============  ==================  =======  ===============  =================
free                           20        2               10                  1
pro                           500       10              200                  5
accountant                  5 000       50            1 000                 50
=============  ==================  =======  ===============  =================

"Receipts per month" counts the receipts a tenant created since the first of the calendar month
(UTC); "members" counts members plus pending invitations.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from docflow.billing.settings import get_billing_settings


class Plan(StrEnum):
    """The plans, cheapest first."""

    FREE = "free"
    PRO = "pro"
    ACCOUNTANT = "accountant"


class Limit(StrEnum):
    """What the plans limit."""

    RECEIPTS_PER_MONTH = "receipts_per_month"
    MEMBERS = "members"
    AI_REQUESTS_PER_DAY = "ai_requests_per_day"
    REPORT_RECIPIENTS = "report_recipients"


@dataclass(frozen=True, slots=True)
class PlanLimits:
    """The limits of one plan."""

    receipts_per_month: int
    members: int
    ai_requests_per_day: int
    report_recipients: int

    def of(self, limit: Limit) -> int:
        """The value of one limit."""
        value: int = getattr(self, limit.value)
        return value


LIMITS: dict[Plan, PlanLimits] = {
    Plan.FREE: PlanLimits(receipts_per_month=20, members=2, ai_requests_per_day=10, report_recipients=1),
    Plan.PRO: PlanLimits(receipts_per_month=500, members=10, ai_requests_per_day=200, report_recipients=5),
    Plan.ACCOUNTANT: PlanLimits(
        receipts_per_month=5000, members=50, ai_requests_per_day=1000, report_recipients=50
    ),
}

#: Subscription statuses under which the paid plan is in force (past_due only within the grace period).
PAID_STATUSES = frozenset({"active", "trialing"})


def price_id(plan: Plan) -> str:
    """The Stripe Price id of a paid plan (from the settings)."""
    settings = get_billing_settings()
    if plan is Plan.PRO:
        return settings.stripe_price_pro
    if plan is Plan.ACCOUNTANT:
        return settings.stripe_price_accountant
    raise ValueError("the free plan has no price")


def plan_for_price(price: str | None) -> Plan:
    """The plan a Stripe Price id stands for; an unknown price gives the free plan's limits."""
    settings = get_billing_settings()
    if price == settings.stripe_price_pro:
        return Plan.PRO
    if price == settings.stripe_price_accountant:
        return Plan.ACCOUNTANT
    return Plan.FREE
