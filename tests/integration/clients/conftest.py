"""Fixtures of the clients tests: a fresh pair of tenants per module, an API caller per role."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from docflow.tenancy import Role
from docflow_local.seed import ensure_user


@dataclass(frozen=True, slots=True)
class Tenant:
    """A throw-away tenant with one user per role."""

    id: uuid.UUID
    users: dict[Role, uuid.UUID]


def make_tenant(superuser_url: str, label: str) -> Tenant:
    """Insert a tenant with an owner, admin, member and viewer (behind the API's back)."""
    tenant_id = uuid.uuid4()
    users: dict[Role, uuid.UUID] = {}
    with psycopg.connect(superuser_url) as conn:
        conn.execute(
            "insert into public.tenants (id, name) values (%s, %s)",
            (tenant_id, f"{label} {tenant_id.hex[:6]}"),
        )
        for role in Role:
            user_id = ensure_user(conn, email=f"{role.value}-{tenant_id.hex[:10]}@clients.test")
            conn.execute(
                "insert into public.tenant_members (tenant_id, user_id, role) values (%s, %s, %s)",
                (tenant_id, user_id, role.value),
            )
            users[role] = user_id
    return Tenant(id=tenant_id, users=users)


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
    return make_tenant(superuser_url, "Asiakas A Oy")


@pytest.fixture(scope="module")
def tenant_b(superuser_url: str) -> Tenant:
    return make_tenant(superuser_url, "Asiakas B Oy")


Headers = Callable[..., dict[str, str]]


@pytest.fixture
def auth(token_for: Callable[..., str]) -> Headers:
    """``auth(tenant, role)``: the headers of that role's user acting for that tenant."""

    def headers(tenant: Tenant, role: Role = Role.MEMBER) -> dict[str, str]:
        token = token_for(tenant.users[role])
        return {"Authorization": f"Bearer {token}", "X-Tenant-Id": str(tenant.id)}

    return headers
