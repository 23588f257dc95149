"""``/api/v1/stripe``: Checkout and portal sessions against the fake Stripe, the plan read back from
PostgreSQL, and a Checkout completed through the webhook lifting the tenant's limits."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from docflow.billing.plans import LIMITS, Plan, price_id
from docflow_local.fake_stripe import FakeStripe
from tests.support.billing import WEBHOOK_PATH, stored
from tests.support.tenants import Tenant

pytestmark = pytest.mark.db

As = Callable[[str], dict[str, str]]
CHECKOUT = "/api/v1/stripe/checkout-session"
PORTAL = "/api/v1/stripe/portal-session"
SUBSCRIPTION = "/api/v1/stripe/subscription"


def _limits(body: dict[str, object]) -> dict[str, object]:
    return {entry["limit"]: entry["maximum"] for entry in body["limits"]}  # type: ignore[attr-defined,index]


def test_checkout_creates_a_subscription_session_for_the_tenant(
    http: TestClient, fake: FakeStripe, tenant: Tenant, as_: As, superuser_url: str
) -> None:
    response = http.post(CHECKOUT, json={"plan": "pro", "business_id": "0112038-9"}, headers=as_("owner"))
    assert response.status_code == 201, response.text
    assert response.headers["cache-control"] == "no-store"
    session_id = response.json()["url"].rsplit("/", 1)[1]
    session = fake.state.sessions[session_id]
    assert session["client_reference_id"] == str(tenant.id)
    assert session["mode"] == "subscription"
    assert session["automatic_tax"]["enabled"] is True
    assert session["_price"] == price_id(Plan.PRO)
    assert session["_subscription_metadata"] == {"tenant_id": str(tenant.id)}
    customer = fake.state.customers[session["customer"]]
    assert [(t["type"], t["value"]) for t in customer["tax_ids"]["data"]] == [("eu_vat", "FI01120389")]
    row = stored(superuser_url, tenant.id)
    assert row is not None
    assert row["stripe_customer_id"] == session["customer"]
    assert row["status"] == "none"


def test_a_second_checkout_reuses_the_tenants_customer(http: TestClient, fake: FakeStripe, as_: As) -> None:
    first = http.post(CHECKOUT, json={"plan": "pro"}, headers=as_("owner")).json()["url"]
    second = http.post(CHECKOUT, json={"plan": "accountant"}, headers=as_("admin")).json()["url"]
    sessions = [fake.state.sessions[url.rsplit("/", 1)[1]] for url in (first, second)]
    assert sessions[0]["customer"] == sessions[1]["customer"]


@pytest.mark.parametrize("label", ["member", "viewer"])
def test_members_and_viewers_may_not_open_billing_sessions(http: TestClient, as_: As, label: str) -> None:
    assert http.post(CHECKOUT, json={"plan": "pro"}, headers=as_(label)).status_code == 403
    assert http.post(PORTAL, headers=as_(label)).status_code == 403


@pytest.mark.parametrize(
    "body",
    [
        {"plan": "free"},
        {"plan": "enterprise"},
        {"plan": "pro", "vat_number": "FI12345678"},
        {"plan": "pro", "business_id": "0112038-9", "vat_number": "FI23456787"},
        {"plan": "pro", "price": "price_cheap"},
    ],
)
def test_bad_checkout_bodies_are_422(http: TestClient, as_: As, body: dict[str, str]) -> None:
    response = http.post(CHECKOUT, json=body, headers=as_("owner"))
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


def test_the_portal_needs_a_billing_account_first(http: TestClient, fake: FakeStripe, as_: As) -> None:
    assert http.post(PORTAL, headers=as_("owner")).status_code == 409
    http.post(CHECKOUT, json={"plan": "pro"}, headers=as_("owner"))
    response = http.post(PORTAL, headers=as_("admin"))
    assert response.status_code == 201
    assert response.headers["cache-control"] == "no-store"
    assert response.json()["url"] == fake.state.portal_sessions[-1]["url"]


@pytest.mark.parametrize(
    ("faults", "status"),
    [(["429", "429"], 503), (["500", "500"], 503), (["redirect"], 502), (["oversized"], 502)],
)
def test_stripe_failures_are_clear_problems_and_store_nothing(
    http: TestClient,
    fake: FakeStripe,
    *,
    tenant: Tenant,
    as_: As,
    superuser_url: str,
    faults: list[str],
    status: int,
) -> None:
    fake.fail_next(*faults)
    response = http.post(CHECKOUT, json={"plan": "pro"}, headers=as_("owner"))
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert "stripe" not in response.text.lower()
    assert stored(superuser_url, tenant.id) is None


def test_one_retry_hides_a_single_rate_limit(http: TestClient, fake: FakeStripe, as_: As) -> None:
    fake.fail_next("429")
    assert http.post(CHECKOUT, json={"plan": "pro"}, headers=as_("owner")).status_code == 201


def test_checkout_through_the_webhook_upgrades_the_plan(
    http: TestClient, webhook: TestClient, fake: FakeStripe, tenant: Tenant, as_: As
) -> None:
    before = http.get(SUBSCRIPTION, headers=as_("member")).json()
    assert before["plan"] == "free"
    assert _limits(before)["receipts_per_month"] == LIMITS[Plan.FREE].receipts_per_month
    url = http.post(CHECKOUT, json={"plan": "pro"}, headers=as_("owner")).json()["url"]
    sent = len(fake.state.events)
    fake.complete_checkout(url.rsplit("/", 1)[1])
    for event in fake.state.events[sent:]:
        body, header = fake.signed(event)
        assert (
            webhook.post(WEBHOOK_PATH, content=body, headers={"Stripe-Signature": header}).status_code == 200
        )
    after = http.get(SUBSCRIPTION, headers=as_("viewer")).json()
    assert (after["plan"], after["status"], after["has_billing_account"]) == ("pro", "active", True)
    assert _limits(after)["receipts_per_month"] == LIMITS[Plan.PRO].receipts_per_month
    usage = {entry["limit"]: entry["used"] for entry in after["limits"]}
    assert usage["members"] == 4
    assert http.post(CHECKOUT, json={"plan": "accountant"}, headers=as_("owner")).status_code == 409


def test_a_slow_stripe_is_cut_at_the_timeout(
    http: TestClient, fake: FakeStripe, as_: As, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docflow.billing.settings import reset_billing_settings
    from docflow.billing.stripe_api import reset_stripe

    monkeypatch.setenv("STRIPE_TIMEOUT_SECONDS", "0.3")
    monkeypatch.setenv("STRIPE_MAX_NETWORK_RETRIES", "0")
    reset_billing_settings()
    reset_stripe()
    fake.latency_seconds = 1.0
    try:
        started = time.monotonic()
        response = http.post(CHECKOUT, json={"plan": "pro"}, headers=as_("owner"))
        elapsed = time.monotonic() - started
    finally:
        fake.latency_seconds = 0.0
        monkeypatch.undo()
        reset_billing_settings()
        reset_stripe()
    assert response.status_code == 503
    assert elapsed < 1.0
