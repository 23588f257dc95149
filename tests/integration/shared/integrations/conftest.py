"""Fixtures of the integration suites: a tenant of its own per test, API clients per role."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from tests.support.tenants import Tenant, create_tenant


@pytest.fixture
def tenant(superuser_url: str) -> Tenant:
    """A fresh tenant with an owner, an admin, a member and a viewer."""
    return create_tenant(superuser_url, "owner", "admin", "member", "viewer")


@pytest.fixture
def as_role(tenant: Tenant, token_for: Callable[..., str]) -> Callable[[str, Tenant | None], dict[str, str]]:
    """Headers of a tenant member by label."""

    def headers(label: str, other: Tenant | None = None) -> dict[str, str]:
        who = other or tenant
        member = who.members[label]
        return {
            "Authorization": f"Bearer {token_for(member.user_id, member.email)}",
            "X-Tenant-Id": str(who.id),
        }

    return headers


@pytest.fixture(scope="module")
def notion_api(postgres: object) -> Iterator[TestClient]:
    from docflow_notion.handler import app

    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture(scope="module")
def linear_api(postgres: object) -> Iterator[TestClient]:
    from docflow_linear.handler import app

    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture(scope="module")
def linear_hook(postgres: object) -> Iterator[TestClient]:
    from docflow_linear_webhook.handler import app

    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def insert_client(superuser_url: str, tenant_id: uuid.UUID, name: str, notes: str | None = None) -> uuid.UUID:
    """A client written behind the API's back (the outbox trigger still fires)."""
    with psycopg.connect(superuser_url) as conn:
        row = conn.execute(
            "insert into public.clients (tenant_id, kind, name, notes)"
            " values (%s, 'company', %s, %s) returning id",
            (tenant_id, name, notes),
        ).fetchone()
    assert row is not None
    return uuid.UUID(str(row[0]))


def insert_receipt(superuser_url: str, tenant_id: uuid.UUID, status: str = "failed") -> uuid.UUID:
    """A receipt in ``status`` (a failed one queues a Linear issue when Linear is connected)."""
    receipt = uuid.uuid4()
    with psycopg.connect(superuser_url) as conn:
        conn.execute(
            """
            insert into public.receipts
              (id, tenant_id, status, failure_reason, object_key, size_bytes, content_type, original_filename)
            values (%s, %s, %s, %s, %s, 1000, 'image/jpeg', 'kuitti.jpg')
            """,
            (
                receipt,
                tenant_id,
                status,
                "unreadable" if status == "failed" else None,
                f"incoming/{tenant_id}/{receipt}/k.jpg",
            ),
        )
    return receipt


def rows(superuser_url: str, query: str, *params: Any) -> list[tuple[Any, ...]]:
    """Rows read as the database owner."""
    with psycopg.connect(superuser_url) as conn:
        return conn.execute(query, params).fetchall()
