"""Many tenants' lifecycles delivered shuffled, each event 1-3 times, 8 at once, through the webhook
app (signatures checked): every tenant ends in Stripe's final state and every notice went out once.

``BILLING_SOAK_TENANTS`` sets the number of tenants (10 by default; 100 gives about 750 events) and
``BILLING_SOAK_WORKERS`` the concurrent deliveries (8); the p50/p95 of a delivery is printed (``-s``)."""

from __future__ import annotations

import os
import random
import statistics
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient

from docflow.billing.plans import Plan, price_id
from docflow_local.fake_stripe import FakeStripe
from tests.support.billing import WEBHOOK_PATH, counting_notices, stored, subscribe
from tests.support.tenants import create_tenant

pytestmark = pytest.mark.db

TENANTS = int(os.environ.get("BILLING_SOAK_TENANTS", "10"))
WORKERS = int(os.environ.get("BILLING_SOAK_WORKERS", "8"))


def _lifecycle(fake: FakeStripe, tenant_id: Any, rng: random.Random) -> None:
    subscription, _ = subscribe(fake, tenant_id, rng.choice([Plan.PRO, Plan.ACCOUNTANT]))
    for _ in range(rng.randint(2, 4)):
        change = rng.choice(["past_due", "active", "upgrade", "cancel_at_period_end"])
        if change == "upgrade":
            fake.update_subscription(subscription, price=price_id(Plan.ACCOUNTANT))
        elif change == "cancel_at_period_end":
            fake.update_subscription(subscription, cancel_at_period_end=True)
        else:
            fake.update_subscription(subscription, status=change)
    if rng.random() < 0.3:
        fake.update_subscription(subscription, status="canceled")


def test_shuffled_repeated_concurrent_deliveries_converge(
    http: TestClient, fake: FakeStripe, superuser_url: str
) -> None:
    rng = random.Random(2026)
    tenants = [create_tenant(superuser_url, "owner", paid=False).id for _ in range(TENANTS)]
    before = len(fake.state.events)
    for tenant_id in tenants:
        _lifecycle(fake, tenant_id, rng)
    events = fake.state.events[before:]
    deliveries = [event for event in events for _ in range(rng.randint(1, 3))]
    rng.shuffle(deliveries)

    def deliver(event: dict[str, Any]) -> tuple[int, float]:
        body, header = fake.signed(event)
        started = time.perf_counter()
        response = http.post(WEBHOOK_PATH, content=body, headers={"Stripe-Signature": header})
        return response.status_code, time.perf_counter() - started

    with counting_notices() as notices, ThreadPoolExecutor(max_workers=WORKERS) as pool:
        results = list(pool.map(deliver, deliveries))
    assert Counter(status for status, _ in results) == {200: len(deliveries)}
    for tenant_id in tenants:
        final = next(
            s for s in fake.state.subscriptions.values() if s["metadata"].get("tenant_id") == str(tenant_id)
        )
        row = stored(superuser_url, tenant_id)
        assert row is not None
        assert (
            row["stripe_subscription_id"],
            row["status"],
            row["price_id"],
            row["cancel_at_period_end"],
        ) == (
            final["id"],
            final["status"],
            final["items"]["data"][0]["price"]["id"],
            final["cancel_at_period_end"],
        )
    failed = Counter(
        e["data"]["object"]["parent"]["subscription_details"]["metadata"]["tenant_id"]
        for e in events
        if e["type"] == "invoice.payment_failed"
    )
    assert {(n, str(t)): c for (n, t), c in notices.sent.items()} == {
        ("payment_failed", tenant): count for tenant, count in failed.items()
    }
    times = sorted(seconds for _, seconds in results)
    p50, p95 = statistics.median(times), times[int(len(times) * 0.95) - 1]
    print(
        f"\n{len(events)} events, {len(deliveries)} deliveries, {TENANTS} tenants, {WORKERS} at once: "
        f"p50 {p50 * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms per delivery (fake Stripe included)"
    )
