"""Fixtures of the leads tests: clients per role and tenant, a clean slate per test."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from docflow.tenancy import Role
from docflow_local.seed import DemoData
from tests.support.demo import demo_user
from tests.support.leads import TENANT_A, TENANT_B


@pytest.fixture(scope="session")
def leads_app(postgres: object) -> Any:
    from docflow_leads.handler import app

    return app


@pytest.fixture
def public(leads_app: Any) -> Iterator[TestClient]:
    """An anonymous browser at a fixed address."""
    with TestClient(leads_app, raise_server_exceptions=False, client=("203.0.113.10", 40000)) as client:
        yield client


def _clean(superuser_url: str) -> None:
    with psycopg.connect(superuser_url) as conn:
        conn.execute("delete from public.leads where tenant_id in (%s, %s)", (TENANT_A, TENANT_B))
        conn.execute("delete from app_private.rate_limits")


@pytest.fixture(autouse=True)
def clean_leads(superuser_url: str, demo: DemoData) -> Iterator[None]:
    """Every test starts with no leads and no rate-limit windows, and leaves none behind."""
    _clean(superuser_url)
    yield
    _clean(superuser_url)


@pytest.fixture
def auth_headers(
    demo: DemoData, token_for: Callable[..., str]
) -> Callable[[uuid.UUID, Role], dict[str, str]]:
    """Authorization headers of the demo user with ``role`` in ``tenant``."""

    def headers(tenant: uuid.UUID, role: Role = Role.OWNER) -> dict[str, str]:
        user = demo_user(demo, tenant, role)
        return {"Authorization": f"Bearer {token_for(user.user_id, user.email)}"}

    return headers
