"""Processing of Stripe events, exactly once, whichever way they arrive (the HTTPS webhook after its
signature check, or Amazon EventBridge).

Each event's id is recorded in ``stripe_events`` in the same transaction as its effect, so a delivery
repeated (Stripe retries for days), even concurrently, changes nothing. Events arrive out of order, so
the subscription they concern is re-read from Stripe and stored as a whole, never patched from the
event in hand; a read older than the stored one is dropped. E-mails are sent after the commit.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from functools import partial
from typing import Any

from docflow.billing import notify, store
from docflow.errors import UpstreamError
from docflow.observability import get_logger

#: The event types DocFlow acts on; any other type is acknowledged and ignored.
HANDLED_TYPES = frozenset(
    {
        "checkout.session.completed",
        "customer.subscription.created",
        "customer.subscription.updated",
        "customer.subscription.deleted",
        "customer.subscription.trial_will_end",
        "invoice.paid",
        "invoice.payment_failed",
        "invoice.payment_action_required",
    }
)
NOTICES = {
    "invoice.payment_failed": notify.Notice.PAYMENT_FAILED,
    "invoice.payment_action_required": notify.Notice.PAYMENT_ACTION_REQUIRED,
    "customer.subscription.trial_will_end": notify.Notice.TRIAL_WILL_END,
}


class Outcome(StrEnum):
    """What processing one event did (logged and returned to the caller)."""

    APPLIED = "applied"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"
    NO_TENANT = "no_tenant"


@dataclass(frozen=True, slots=True)
class References:
    """What an event points at: the subscription to re-read, the customer, a tenant it names."""

    subscription: str | None
    customer: str | None
    tenant: uuid.UUID | None


def _id(value: object) -> str | None:
    if isinstance(value, dict):
        value = value.get("id")
    return str(value) if isinstance(value, str) and value else None


def references(event: dict[str, Any]) -> References:
    """The subscription, customer and tenant an event concerns (the shapes of each handled type)."""
    obj: dict[str, Any] = event.get("data", {}).get("object", {}) or {}
    kind = str(event.get("type", ""))
    if kind == "checkout.session.completed":
        return References(
            _id(obj.get("subscription")),
            _id(obj.get("customer")),
            store.parse_tenant(obj.get("client_reference_id")),
        )
    if kind.startswith("customer.subscription."):
        metadata = obj.get("metadata") or {}
        return References(
            _id(obj.get("id")), _id(obj.get("customer")), store.parse_tenant(metadata.get("tenant_id"))
        )
    if kind.startswith("invoice."):
        parent = (obj.get("parent") or {}).get("subscription_details") or {}
        subscription = _id(parent.get("subscription")) or _id(obj.get("subscription"))
        metadata = parent.get("metadata") or {}
        return References(
            subscription, _id(obj.get("customer")), store.parse_tenant(metadata.get("tenant_id"))
        )
    return References(None, None, None)


def fetch_subscription(subscription_id: str) -> store.StripeSubscription:
    """Re-read a subscription from Stripe (503 when Stripe is unavailable, 502 when its answer is not a
    subscription: either way nothing is stored and Stripe delivers again)."""
    from docflow.billing.stripe_api import call, get_stripe

    obj = call("subscriptions.retrieve", lambda: get_stripe().v1.subscriptions.retrieve(subscription_id))
    try:
        return store.StripeSubscription.from_api(obj.to_dict())
    except (KeyError, TypeError, ValueError, AttributeError):
        get_logger().warning("stripe answer is not a subscription", extra={"subscription": subscription_id})
        raise UpstreamError("The billing provider answered something unexpected") from None


def process_event(event: dict[str, Any]) -> Outcome:
    """Apply one verified event exactly once; see the module documentation."""
    from docflow.billing.settings import get_billing_settings
    from docflow.db import system_transaction
    from docflow.db.after_commit import commit_hooks

    event_id, kind = str(event.get("id", "")), str(event.get("type", ""))
    log = get_logger()
    if kind not in HANDLED_TYPES or not event_id.startswith("evt_"):
        log.info("stripe event ignored", extra={"event_type": kind[:100]})
        return Outcome.IGNORED
    with system_transaction("billing.webhook") as conn:
        if store.was_processed(conn, event_id):
            return Outcome.DUPLICATE
    refs = references(event)
    fetched_at = datetime.now(UTC)
    subscription = fetch_subscription(refs.subscription) if refs.subscription else None
    with commit_hooks() as hooks, system_transaction("billing.webhook") as conn:
        if not store.record_event(conn, event_id, kind, int(event.get("created") or 0)):
            return Outcome.DUPLICATE
        tenant = refs.tenant
        if tenant is None and subscription is not None:
            tenant = store.parse_tenant(subscription.tenant_hint)
        if tenant is None and refs.customer:
            tenant = store.tenant_for_customer(conn, refs.customer)
        if tenant is None or not store.tenant_exists(conn, tenant):
            log.warning("stripe event for no tenant", extra={"event_id": event_id, "event_type": kind})
            return Outcome.NO_TENANT
        if refs.customer:
            store.link_customer(conn, tenant, refs.customer)
        if subscription is not None:
            store.apply_subscription(
                conn, tenant, subscription, fetched_at, get_billing_settings().billing_grace_days
            )
        notice = NOTICES.get(kind)
        if notice is not None:
            hooks.add(partial(notify.send, notice, tenant, store.owner_ids(conn, tenant), event_id))
    log.info("stripe event applied", extra={"event_id": event_id, "event_type": kind})
    return Outcome.APPLIED
