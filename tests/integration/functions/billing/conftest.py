"""Fixtures of the billing API tests: the function's app, the fake Stripe, free throw-away tenants."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from docflow_local.fake_stripe import FakeStripe
from tests.support.tenants import Tenant, create_tenant, member_headers


@pytest.fixture(scope="module")
def http(postgres: object, stripe_fake: FakeStripe) -> Iterator[TestClient]:
    from docflow_billing.handler import app

    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture(scope="module")
def webhook(postgres: object, stripe_fake: FakeStripe) -> Iterator[TestClient]:
    from docflow_stripe_webhook.handler import app

    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def fake(stripe_fake: FakeStripe) -> Iterator[FakeStripe]:
    yield stripe_fake
    stripe_fake.state.faults.clear()


@pytest.fixture
def tenant(superuser_url: str) -> Tenant:
    """A tenant on the free plan with one user per role."""
    return create_tenant(superuser_url, "owner", "admin", "member", "viewer", paid=False)


@pytest.fixture
def as_(token_for: Callable[..., str], tenant: Tenant) -> Callable[[str], dict[str, str]]:
    return lambda label: member_headers(token_for, tenant, label)
