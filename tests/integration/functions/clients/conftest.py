"""Fixtures of the clients tests: a fresh pair of tenants per module, an API caller per role."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from docflow.tenancy import Role
from tests.support.tenants import Headers, Tenant, create_tenant, member_headers


@pytest.fixture(scope="module")
def clients_app(postgres: object) -> Any:
    from docflow_clients.handler import app

    return app


@pytest.fixture(scope="module")
def http(clients_app: Any) -> Iterator[TestClient]:
    with TestClient(clients_app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture(scope="module")
def tenant_a(superuser_url: str) -> Tenant:
    return create_tenant(superuser_url, *Role, name="Asiakas A Oy")


@pytest.fixture(scope="module")
def tenant_b(superuser_url: str) -> Tenant:
    return create_tenant(superuser_url, *Role, name="Asiakas B Oy")


@pytest.fixture
def auth(token_for: Callable[..., str]) -> Headers:
    """``auth(tenant, role)``: the headers of that role's user acting for that tenant."""

    def headers(tenant: Tenant, role: Role = Role.MEMBER) -> dict[str, str]:
        return member_headers(token_for, tenant, role)

    return headers
