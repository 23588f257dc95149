"""The Stripe webhook end to end: signed deliveries through the function's app, the fake Stripe read
back, the state in PostgreSQL. Each event has one effect however often and in whatever order it comes."""

from __future__ import annotations

import json
import random
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from docflow.billing.events import Outcome, process_event
from docflow.billing.plans import Plan, price_id
from docflow_local.fake_stripe import FakeStripe, sign
from tests.support.billing import WEBHOOK_PATH, counting_notices, recorded_events, stored, subscribe
from tests.support.tenants import Tenant

pytestmark = pytest.mark.db

Deliver = Callable[[dict[str, Any]], Any]


def _post(http: TestClient, body: bytes, header: str | None) -> Any:
    headers = {"Content-Type": "application/json"}
    if header is not None:
        headers["Stripe-Signature"] = header
    return http.post(WEBHOOK_PATH, content=body, headers=headers)


def test_a_completed_checkout_puts_the_tenant_on_its_plan(
    fake: FakeStripe, tenant: Tenant, deliver: Deliver, superuser_url: str
) -> None:
    subscription, events = subscribe(fake, tenant.id, Plan.ACCOUNTANT)
    assert [e["type"] for e in events] == [
        "checkout.session.completed",
        "customer.subscription.created",
        "invoice.paid",
    ]
    for event in events:
        response = deliver(event)
        assert response.status_code == 200, response.text
        assert response.json()["outcome"] == "applied"
    row = stored(superuser_url, tenant.id)
    assert row is not None
    assert (row["stripe_subscription_id"], row["status"], row["price_id"]) == (
        subscription,
        "active",
        price_id(Plan.ACCOUNTANT),
    )
    assert row["current_period_end"] is not None


def test_the_same_event_five_times_has_one_effect(
    fake: FakeStripe, tenant: Tenant, deliver: Deliver, superuser_url: str
) -> None:
    subscription, _ = subscribe(fake, tenant.id)
    fake.update_subscription(subscription, status="past_due")
    failed = fake.state.events[-1]
    assert failed["type"] == "invoice.payment_failed"
    with counting_notices() as notices:
        outcomes = [deliver(failed).json()["outcome"] for _ in range(5)]
    assert outcomes == ["applied"] + ["duplicate"] * 4
    assert notices.sent == {("payment_failed", tenant.id): 1}
    assert recorded_events(superuser_url, [failed["id"]]) == 1
    row = stored(superuser_url, tenant.id)
    assert row is not None
    assert row["status"] == "past_due"
    assert row["grace_until"] is not None


def test_concurrent_deliveries_of_one_event_have_one_effect(
    fake: FakeStripe, tenant: Tenant, superuser_url: str
) -> None:
    subscription, _ = subscribe(fake, tenant.id)
    fake.update_subscription(subscription, status="past_due")
    failed = fake.state.events[-1]
    with counting_notices() as notices, ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(lambda _: process_event(json.loads(json.dumps(failed))), range(8)))
    assert outcomes.count(Outcome.APPLIED) == 1
    assert outcomes.count(Outcome.DUPLICATE) == 7
    assert notices.sent == {("payment_failed", tenant.id): 1}
    assert recorded_events(superuser_url, [failed["id"]]) == 1


@pytest.mark.parametrize("order", ["forwards", "backwards", "shuffled"])
def test_lifecycle_events_in_any_order_converge_on_stripes_state(
    order: str, fake: FakeStripe, tenant: Tenant, deliver: Deliver, superuser_url: str
) -> None:
    before = len(fake.state.events)
    subscription, _ = subscribe(fake, tenant.id)
    fake.update_subscription(subscription, status="past_due")
    fake.update_subscription(subscription, status="active", price=price_id(Plan.ACCOUNTANT))
    fake.update_subscription(subscription, cancel_at_period_end=True)
    mine = [e for e in fake.state.events[before:] if _concerns(e, subscription)]
    assert len(mine) == 7
    if order == "backwards":
        mine.reverse()
    elif order == "shuffled":
        random.Random(7).shuffle(mine)
    for event in mine:
        assert deliver(event).status_code == 200
    final = fake.state.subscriptions[subscription]
    row = stored(superuser_url, tenant.id)
    assert row is not None
    assert (row["status"], row["price_id"], row["cancel_at_period_end"]) == (
        final["status"],
        final["items"]["data"][0]["price"]["id"],
        True,
    )


def _concerns(event: dict[str, Any], subscription: str) -> bool:
    obj = event["data"]["object"]
    parent = (obj.get("parent") or {}).get("subscription_details") or {}
    return subscription in {obj.get("id"), obj.get("subscription"), parent.get("subscription")}


def test_a_cancelled_subscription_returns_the_tenant_to_free(
    fake: FakeStripe, tenant: Tenant, deliver: Deliver, superuser_url: str
) -> None:
    subscription, events = subscribe(fake, tenant.id)
    for event in events:
        deliver(event)
    fake.update_subscription(subscription, status="canceled")
    assert deliver(fake.state.events[-1]).json()["outcome"] == "applied"
    row = stored(superuser_url, tenant.id)
    assert row is not None
    assert row["status"] == "canceled"


def test_an_older_read_of_stripe_never_overwrites_a_newer_one(
    fake: FakeStripe, tenant: Tenant, deliver: Deliver, superuser_url: str
) -> None:
    _, events = subscribe(fake, tenant.id)
    deliver(events[1])
    with psycopg.connect(superuser_url) as conn:
        conn.execute(
            "update public.billing_subscriptions set synced_at = now() + interval '1 hour', status = 'unpaid'"
            " where tenant_id = %s",
            (tenant.id,),
        )
    assert deliver(events[2]).status_code == 200
    row = stored(superuser_url, tenant.id)
    assert row is not None
    assert row["status"] == "unpaid"


# --- signatures ----------------------------------------------------------------------------------


@pytest.fixture
def event(fake: FakeStripe, tenant: Tenant) -> dict[str, Any]:
    _, events = subscribe(fake, tenant.id)
    return events[1]


def test_a_wrong_secret_is_400_and_stores_nothing(
    http: TestClient, event: dict[str, Any], superuser_url: str
) -> None:
    body = json.dumps(event).encode()
    response = _post(http, body, sign(body, "whsec_someoneelsessecret"))
    assert response.status_code == 400
    assert response.json()["code"] == "bad_signature"
    assert recorded_events(superuser_url, [event["id"]]) == 0


def test_a_stale_timestamp_is_400(
    http: TestClient, fake: FakeStripe, event: dict[str, Any], superuser_url: str
) -> None:
    body, header = fake.signed(event, timestamp=int(time.time()) - 301)
    response = _post(http, body, header)
    assert response.status_code == 400
    assert recorded_events(superuser_url, [event["id"]]) == 0


def test_a_future_timestamp_is_400(http: TestClient, fake: FakeStripe, event: dict[str, Any]) -> None:
    body, header = fake.signed(event, timestamp=int(time.time()) + 600)
    assert _post(http, body, header).status_code == 400


def test_a_timestamp_within_the_tolerance_is_accepted(
    http: TestClient, fake: FakeStripe, event: dict[str, Any]
) -> None:
    body, header = fake.signed(event, timestamp=int(time.time()) - 240)
    assert _post(http, body, header).status_code == 200


@pytest.mark.parametrize("change", ["tampered", "reserialised", "missing", "garbage"])
def test_a_changed_body_or_a_missing_header_is_400(
    change: str, http: TestClient, fake: FakeStripe, event: dict[str, Any], superuser_url: str
) -> None:
    body, header = fake.signed(event)
    sent: str | None = header
    if change == "tampered":
        body = body.replace(b'"active"', b'"trialing"')
    elif change == "reserialised":
        body = json.dumps(json.loads(body), separators=(",", ":")).encode()
    elif change == "missing":
        sent = None
    else:
        sent = "v1=abc,t=notanumber"
    response = _post(http, body, sent)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert recorded_events(superuser_url, [event["id"]]) == 0


def test_rotated_secrets_accept_either_signature(
    http: TestClient, fake: FakeStripe, event: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from docflow.config import reset_settings

    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", f"whsec_thenewsecretoftherotation,{fake.webhook_secret}")
    reset_settings()
    try:
        body = json.dumps(event).encode()
        moment = int(time.time())
        old = sign(body, fake.webhook_secret, moment).split(",")[1]
        new = sign(body, "whsec_thenewsecretoftherotation", moment)
        assert _post(http, body, f"{new},{old}").status_code == 200
        other = dict(event, id=event["id"] + "x")
        body = json.dumps(other).encode()
        assert _post(http, body, sign(body, "whsec_thenewsecretoftherotation")).status_code == 200
    finally:
        monkeypatch.undo()
        reset_settings()


# --- what is acknowledged and ignored, and what is retried ----------------------------------------


def test_unknown_event_types_are_acknowledged_and_ignored(
    http: TestClient, fake: FakeStripe, superuser_url: str
) -> None:
    event = fake.emit("customer.created", fake.create_customer({}))
    body, header = fake.signed(event)
    response = _post(http, body, header)
    assert response.status_code == 200
    assert response.json()["outcome"] == "ignored"
    assert recorded_events(superuser_url, [event["id"]]) == 0


def test_an_event_for_a_tenant_that_no_longer_exists_is_acknowledged(
    fake: FakeStripe, deliver: Deliver, superuser_url: str
) -> None:
    gone = uuid.uuid4()
    _, events = subscribe(fake, gone)
    for event in events:
        response = deliver(event)
        assert response.status_code == 200
        assert response.json()["outcome"] == "no_tenant"
    assert recorded_events(superuser_url, [e["id"] for e in events]) == 3
    assert stored(superuser_url, gone) is None


def test_stripe_unavailable_is_503_and_the_redelivery_applies(
    fake: FakeStripe, tenant: Tenant, deliver: Deliver, superuser_url: str
) -> None:
    _, events = subscribe(fake, tenant.id)
    fake.fail_next("500", "500", "500")
    response = deliver(events[1])
    assert response.status_code == 503
    assert response.json()["code"] == "service_unavailable"
    assert recorded_events(superuser_url, [events[1]["id"]]) == 0
    assert stored(superuser_url, tenant.id) is None
    fake.state.faults.clear()
    assert deliver(events[1]).json()["outcome"] == "applied"


def test_an_answer_that_is_not_a_subscription_is_502_and_stores_nothing(
    fake: FakeStripe, tenant: Tenant, deliver: Deliver, superuser_url: str
) -> None:
    _, events = subscribe(fake, tenant.id)
    fake.fail_next("oversized")
    response = deliver(events[1])
    assert response.status_code == 502
    assert recorded_events(superuser_url, [events[1]["id"]]) == 0
    assert stored(superuser_url, tenant.id) is None


def test_eventbridge_events_take_the_same_path(fake: FakeStripe, tenant: Tenant, superuser_url: str) -> None:
    from docflow_local.lambda_context import LocalLambdaContext
    from docflow_stripe_webhook.handler import handler

    _, events = subscribe(fake, tenant.id)
    envelope = {
        "source": "aws.partner/stripe.com/ed_test_123",
        "detail-type": events[1]["type"],
        "detail": events[1],
    }
    assert handler(envelope, LocalLambdaContext("stripe_webhook")) == {"outcome": "applied"}
    assert handler(envelope, LocalLambdaContext("stripe_webhook")) == {"outcome": "duplicate"}
    row = stored(superuser_url, tenant.id)
    assert row is not None
    assert row["status"] == "active"
