""" "May this tenant do X now": the plan in force and the limits it gives, read from PostgreSQL only
(the state the webhook stored), so the check is cheap enough for every request and never calls Stripe.

A refusal is a 402 problem (``plan_limit_reached``) naming the limit, its value and the plan, so the
client can offer the upgrade. Checks that add usage (an upload, an invitation) first take a
transaction-scoped lock per tenant and limit, so concurrent requests cannot both take the last unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from docflow.billing.plans import LIMITS, PAID_STATUSES, Limit, Plan, PlanLimits, plan_for_price

__all__ = ["Limit", "PlanLimitReached", "SubscriptionState", "allows", "current_state", "require", "usage"]
from docflow.errors import DocflowError

if TYPE_CHECKING:
    from docflow.db import Connection


class PlanLimitReached(DocflowError):
    """The tenant's plan does not allow this now (HTTP 402)."""

    status: ClassVar[int] = 402
    code: ClassVar[str] = "plan_limit_reached"
    title: ClassVar[str] = "Plan limit reached"


@dataclass(frozen=True, slots=True)
class SubscriptionState:
    """A tenant's stored subscription (the free plan when it has none)."""

    status: str = "none"
    price_id: str | None = None
    current_period_end: datetime | None = None
    cancel_at_period_end: bool = False
    trial_end: datetime | None = None
    grace_until: datetime | None = None
    customer_id: str | None = None

    @property
    def has_customer(self) -> bool:
        """Whether the tenant has a Stripe customer (it opened a Checkout once)."""
        return self.customer_id is not None

    def plan(self, now: datetime | None = None) -> Plan:
        """The plan in force: the price's plan while active or trialing, or past_due within the grace
        period; the free plan otherwise."""
        moment = now or datetime.now(UTC)
        in_force = self.status in PAID_STATUSES or (
            self.status == "past_due" and self.grace_until is not None and moment < self.grace_until
        )
        return plan_for_price(self.price_id) if in_force else Plan.FREE

    def limits(self, now: datetime | None = None) -> PlanLimits:
        """The limits of the plan in force."""
        return LIMITS[self.plan(now)]


def state_from_row(row: dict[str, Any] | None) -> SubscriptionState:
    """A stored ``billing_subscriptions`` row as a :class:`SubscriptionState`."""
    if row is None:
        return SubscriptionState()
    return SubscriptionState(
        status=row["status"],
        price_id=row["price_id"],
        current_period_end=row["current_period_end"],
        cancel_at_period_end=row["cancel_at_period_end"],
        trial_end=row["trial_end"],
        grace_until=row["grace_until"],
        customer_id=row["stripe_customer_id"],
    )


def current_state(conn: Connection) -> SubscriptionState:
    """The current tenant's subscription, read under row level security (one indexed row)."""
    row = conn.execute(
        """
        select status, price_id, current_period_end, cancel_at_period_end, trial_end, grace_until,
               stripe_customer_id
          from public.billing_subscriptions
         where tenant_id = app_private.current_tenant_id()
        """
    ).fetchone()
    return state_from_row(row)


def usage(conn: Connection, limit: Limit) -> int:
    """How much of ``limit`` the current tenant uses now (receipts this month, members + pending
    invitations). AI requests and report recipients are counted by the features that own them."""
    if limit is Limit.RECEIPTS_PER_MONTH:
        row = conn.execute("select app_private.billing_receipts_this_month() as n").fetchone()
    elif limit is Limit.MEMBERS:
        row = conn.execute(
            """
            select (select count(*) from public.tenant_members
                     where tenant_id = app_private.current_tenant_id())
                 + (select count(*) from public.tenant_invitations
                     where tenant_id = app_private.current_tenant_id() and expires_at > now()) as n
            """
        ).fetchone()
    else:
        raise ValueError(f"{limit.value} is counted by the feature that owns it")
    return int(row["n"]) if row else 0


def allows(state: SubscriptionState, limit: Limit, used: int, adding: int = 1) -> bool:
    """Whether ``adding`` more units fit in the plan's limit, with ``used`` already taken."""
    return used + adding <= state.limits().of(limit)


def require(conn: Connection, limit: Limit, *, adding: int = 1, used: int | None = None) -> None:
    """Refuse (402) when ``adding`` more units of ``limit`` would exceed the current tenant's plan.

    Holds the tenant's lock for this limit until the transaction ends, so the count stays true until
    the caller has written its rows. ``used`` is for limits counted elsewhere (AI requests).
    """
    conn.execute("select app_private.billing_lock_quota(%s)", (limit.value,))
    state = current_state(conn)
    taken = usage(conn, limit) if used is None else used
    if not allows(state, limit, taken, adding):
        plan = state.plan()
        maximum = LIMITS[plan].of(limit)
        raise PlanLimitReached(
            f"The {plan.value} plan allows {maximum} ({limit.value.replace('_', ' ')}); upgrade to add more",
            extra={"limit": limit.value, "maximum": maximum, "used": taken, "plan": plan.value},
        )
