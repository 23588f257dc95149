"""Fixtures of the users tests: the fake Supabase Auth on a free port, throw-away tenants, callers."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from docflow.tenancy import Role
from docflow_local.fake_supabase import FakeSupabaseAuth
from docflow_local.seed import ensure_user


@dataclass(frozen=True, slots=True)
class Tenant:
    """A throw-away tenant; ``users`` maps a label (``owner``, ``admin2``...) to a user id."""

    id: uuid.UUID
    users: dict[str, uuid.UUID]


@pytest.fixture(scope="module")
def fake_auth(supabase_auth: FakeSupabaseAuth) -> FakeSupabaseAuth:
    """The session's fake Supabase Auth (tests/conftest.py), where the functions send their calls."""
    return supabase_auth


@pytest.fixture(scope="module")
def http(postgres: object, fake_auth: FakeSupabaseAuth) -> Iterator[TestClient]:
    from docflow_users.handler import app

    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def make_tenant(superuser_url: str) -> Callable[..., Tenant]:
    """``make_tenant("owner", "admin", "member")``: a tenant with one new user per listed role label."""

    def make(*labels: str) -> Tenant:
        tenant_id = uuid.uuid4()
        users: dict[str, uuid.UUID] = {}
        with psycopg.connect(superuser_url) as conn:
            conn.execute(
                "insert into public.tenants (id, name) values (%s, %s)",
                (tenant_id, f"Users {tenant_id.hex[:6]}"),
            )
            for label in labels:
                role = label.rstrip("0123456789")
                users[label] = ensure_user(conn, email=f"{label}-{tenant_id.hex[:10]}@users.test")
                conn.execute(
                    "insert into public.tenant_members (tenant_id, user_id, role) values (%s, %s, %s)",
                    (tenant_id, users[label], Role(role).value),
                )
        return Tenant(id=tenant_id, users=users)

    return make


Headers = Callable[..., dict[str, str]]


@pytest.fixture
def auth(token_for: Callable[..., str]) -> Headers:
    def headers(tenant: Tenant, label: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token_for(tenant.users[label])}", "X-Tenant-Id": str(tenant.id)}

    return headers


def roles_of(superuser_url: str, tenant: Tenant) -> dict[uuid.UUID, str]:
    """Memberships of a tenant as the database holds them."""
    with psycopg.connect(superuser_url) as conn:
        rows = conn.execute(
            "select user_id, role from public.tenant_members where tenant_id = %s", (tenant.id,)
        )
        return {row[0]: row[1] for row in rows.fetchall()}


def audit_actions(superuser_url: str, tenant: Tenant) -> list[tuple[Any, ...]]:
    with psycopg.connect(superuser_url) as conn:
        return conn.execute(
            "select action, actor_user_id, target_id, details from public.audit_log"
            " where tenant_id = %s order by id",
            (tenant.id,),
        ).fetchall()
