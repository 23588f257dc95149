"""SQL of the stored billing state (``billing_subscriptions``, ``stripe_events``), for the webhook and
the reconciliation; they run in a ``system_transaction`` and scope every statement to one tenant."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docflow.db import Connection

#: Statuses after which a subscription never becomes active again.
TERMINAL_STATUSES = frozenset({"canceled", "incomplete_expired"})


@dataclass(frozen=True, slots=True)
class StripeSubscription:
    """The part of a Stripe Subscription that decides a tenant's plan."""

    id: str
    customer: str
    status: str
    price_id: str | None
    current_period_end: datetime | None
    cancel_at_period_end: bool
    trial_end: datetime | None
    tenant_hint: str | None

    @classmethod
    def from_api(cls, obj: Any) -> StripeSubscription:
        """From the API's Subscription object (the period end is on the item since 2025-03-31)."""
        items = (obj.get("items") or {}).get("data") or []
        first = items[0] if items else {}
        period_end = first.get("current_period_end") or obj.get("current_period_end")
        customer = obj.get("customer")
        metadata = obj.get("metadata") or {}
        return cls(
            id=str(obj["id"]),
            customer=str(customer["id"] if isinstance(customer, dict) else customer),
            status=str(obj["status"]),
            price_id=(first.get("price") or {}).get("id"),
            current_period_end=_when(period_end),
            cancel_at_period_end=bool(obj.get("cancel_at_period_end")),
            trial_end=_when(obj.get("trial_end")),
            tenant_hint=metadata.get("tenant_id"),
        )


def _when(value: object) -> datetime | None:
    return datetime.fromtimestamp(int(value), UTC) if isinstance(value, int | float) else None


def parse_tenant(value: object) -> uuid.UUID | None:
    """A tenant id from Stripe data (``client_reference_id``, metadata), or None when it is not one."""
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def tenant_exists(conn: Connection, tenant_id: uuid.UUID) -> bool:
    """Whether the tenant still exists."""
    return conn.execute("select 1 from public.tenants where id = %s", (tenant_id,)).fetchone() is not None


def tenant_for_customer(conn: Connection, customer: str) -> uuid.UUID | None:
    """The tenant whose Stripe customer this is."""
    row = conn.execute(
        "select tenant_id from public.billing_subscriptions where stripe_customer_id = %s", (customer,)
    ).fetchone()
    return row["tenant_id"] if row else None


def record_event(conn: Connection, event_id: str, event_type: str, created: int) -> bool:
    """Record a processed event; False when it was recorded before (then nothing else may happen)."""
    row = conn.execute(
        """
        insert into public.stripe_events (event_id, event_type, stripe_created)
        values (%s, %s, to_timestamp(%s))
        on conflict (event_id) do nothing
        returning event_id
        """,
        (event_id, event_type[:100], created),
    ).fetchone()
    return row is not None


def was_processed(conn: Connection, event_id: str) -> bool:
    """Whether the event was already processed (a cheap pre-check; :func:`record_event` decides)."""
    return (
        conn.execute("select 1 from public.stripe_events where event_id = %s", (event_id,)).fetchone()
        is not None
    )


def link_customer(conn: Connection, tenant_id: uuid.UUID, customer: str) -> None:
    """Remember the tenant's Stripe customer, keeping one already stored."""
    conn.execute(
        """
        insert into public.billing_subscriptions (tenant_id, stripe_customer_id) values (%s, %s)
        on conflict (tenant_id) do update
          set stripe_customer_id = coalesce(public.billing_subscriptions.stripe_customer_id,
                                            excluded.stripe_customer_id)
        """,
        (tenant_id, customer),
    )


def apply_subscription(
    conn: Connection, tenant_id: uuid.UUID, sub: StripeSubscription, fetched_at: datetime, grace_days: int
) -> bool:
    """Store the subscription as read from Stripe at ``fetched_at``, as a whole. Skipped when a newer
    read is stored, or when it is a finished subscription other than the tenant's current one (a late
    event about an old subscription). Returns whether it was stored."""
    current = conn.execute(
        "select stripe_subscription_id, status, grace_until, synced_at from public.billing_subscriptions"
        " where tenant_id = %s for update",
        (tenant_id,),
    ).fetchone()
    if current is not None:
        if current["synced_at"] is not None and current["synced_at"] > fetched_at:
            return False
        other = current["stripe_subscription_id"] not in (None, sub.id)
        if other and sub.status in TERMINAL_STATUSES and current["status"] not in TERMINAL_STATUSES:
            return False
    grace_until = None
    if sub.status == "past_due":
        kept = current["grace_until"] if current and current["status"] == "past_due" else None
        grace_until = kept or fetched_at + timedelta(days=grace_days)
    conn.execute(
        """
        insert into public.billing_subscriptions
          (tenant_id, stripe_customer_id, stripe_subscription_id, price_id, status, current_period_end,
           cancel_at_period_end, trial_end, grace_until, synced_at, updated_at)
        values (%(tenant)s, %(customer)s, %(sub)s, %(price)s, %(status)s, %(period_end)s, %(cancel)s,
                %(trial_end)s, %(grace)s, %(fetched)s, now())
        on conflict (tenant_id) do update set
          stripe_customer_id = coalesce(public.billing_subscriptions.stripe_customer_id,
                                        excluded.stripe_customer_id),
          stripe_subscription_id = excluded.stripe_subscription_id,
          price_id = excluded.price_id,
          status = excluded.status,
          current_period_end = excluded.current_period_end,
          cancel_at_period_end = excluded.cancel_at_period_end,
          trial_end = excluded.trial_end,
          grace_until = excluded.grace_until,
          synced_at = excluded.synced_at,
          updated_at = now()
        where public.billing_subscriptions.synced_at is null
           or public.billing_subscriptions.synced_at <= excluded.synced_at
        """,
        {
            "tenant": tenant_id,
            "customer": sub.customer,
            "sub": sub.id,
            "price": sub.price_id,
            "status": sub.status,
            "period_end": sub.current_period_end,
            "cancel": sub.cancel_at_period_end,
            "trial_end": sub.trial_end,
            "grace": grace_until,
            "fetched": fetched_at,
        },
    )
    return True


def owner_ids(conn: Connection, tenant_id: uuid.UUID) -> list[uuid.UUID]:
    """The tenant's owners (who get billing e-mails)."""
    rows = conn.execute(
        "select user_id from public.tenant_members where tenant_id = %s and role = 'owner' order by user_id",
        (tenant_id,),
    ).fetchall()
    return [row["user_id"] for row in rows]
