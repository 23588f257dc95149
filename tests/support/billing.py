"""Billing helpers shared by the webhook, billing API and entitlement suites: a tenant's subscription
made in the fake Stripe, events delivered as Stripe delivers them, and notices counted."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg

from docflow.billing import notify
from docflow.billing.plans import Plan, price_id
from docflow_local.fake_stripe import FakeStripe

WEBHOOK_PATH = "/api/v1/stripe/webhook"


def subscribe(
    fake: FakeStripe, tenant_id: uuid.UUID, plan: Plan = Plan.PRO
) -> tuple[str, list[dict[str, Any]]]:
    """A completed Checkout for the tenant in the fake: the subscription id and the events it sent."""
    customer = fake.create_customer({"name": "Test Oy", "metadata": {"tenant_id": str(tenant_id)}})
    session = fake.create_checkout_session(
        {
            "mode": "subscription",
            "customer": customer["id"],
            "client_reference_id": str(tenant_id),
            "line_items": [{"price": price_id(plan), "quantity": "1"}],
            "automatic_tax": {"enabled": "true"},
            "subscription_data": {"metadata": {"tenant_id": str(tenant_id)}},
        }
    )
    before = len(fake.state.events)
    subscription = fake.complete_checkout(session["id"])
    return subscription, fake.state.events[before:]


def stored(superuser_url: str, tenant_id: uuid.UUID) -> dict[str, Any] | None:
    """The tenant's ``billing_subscriptions`` row."""
    with psycopg.connect(superuser_url, row_factory=psycopg.rows.dict_row) as conn:
        return conn.execute(
            "select * from public.billing_subscriptions where tenant_id = %s", (tenant_id,)
        ).fetchone()


def recorded_events(superuser_url: str, event_ids: list[str]) -> int:
    """How many of these event ids ``stripe_events`` holds."""
    with psycopg.connect(superuser_url) as conn:
        row = conn.execute(
            "select count(*) from public.stripe_events where event_id = any(%s)", (event_ids,)
        ).fetchone()
    return int(row[0]) if row else 0


class NoticeCounter:
    """Counts the notices sent, by (notice, tenant)."""

    def __init__(self) -> None:
        self.sent: Counter[tuple[str, uuid.UUID]] = Counter()
        self._lock = threading.Lock()

    def __call__(
        self, notice: notify.Notice, tenant_id: uuid.UUID, owner_ids: list[uuid.UUID], reference: str = ""
    ) -> None:
        with self._lock:
            self.sent[(notice.value, tenant_id)] += 1


@contextmanager
def counting_notices() -> Iterator[NoticeCounter]:
    """Install a counting notifier for the block."""
    counter = NoticeCounter()
    notify.install(counter)
    try:
        yield counter
    finally:
        notify.install(notify.log_notice)
