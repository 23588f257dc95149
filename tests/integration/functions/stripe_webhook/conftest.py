"""Fixtures of the webhook tests: the function's app, the session's fake Stripe, throw-away tenants."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from docflow_local.fake_stripe import FakeStripe
from tests.support.billing import WEBHOOK_PATH
from tests.support.tenants import Tenant, create_tenant


@pytest.fixture(scope="module")
def http(postgres: object, stripe_fake: FakeStripe) -> Iterator[TestClient]:
    from docflow_stripe_webhook.handler import app

    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def fake(stripe_fake: FakeStripe) -> Iterator[FakeStripe]:
    """The session's fake Stripe, with no faults or latency left behind by a test."""
    yield stripe_fake
    stripe_fake.state.faults.clear()
    stripe_fake.latency_seconds = 0.0


@pytest.fixture
def tenant(superuser_url: str) -> Tenant:
    return create_tenant(superuser_url, "owner", "admin", paid=False)


@pytest.fixture
def deliver(http: TestClient, fake: FakeStripe) -> Callable[..., Any]:
    """POST an event as Stripe delivers it (signed now with the webhook secret)."""

    def post(event: dict[str, Any]) -> Any:
        body, header = fake.signed(event)
        return http.post(
            WEBHOOK_PATH,
            content=body,
            headers={"Stripe-Signature": header, "Content-Type": "application/json"},
        )

    return post


@pytest.fixture
def make_tenant(superuser_url: str) -> Callable[..., Tenant]:
    return lambda *labels: create_tenant(superuser_url, *labels, paid=False)
