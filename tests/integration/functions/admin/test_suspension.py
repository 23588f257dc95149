"""Suspending and reactivating a tenant, end to end: staff act, the tenant's members are stopped
at the tenancy layer (403 ``tenant_suspended``) and let in again, and each action is audited."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

from docflow.http import create_app
from docflow.http.deps import TenantConn
from docflow.tenancy import Role
from docflow_auth.handler import app as auth_app
from docflow_local.seed import DemoData
from tests.support.tenants import Tenant, create_tenant

pytestmark = pytest.mark.db

probe = APIRouter(prefix="/api/probe")


@probe.get("/members")
def members(tenant: TenantConn) -> dict[str, Any]:
    row = tenant.conn.execute("select count(*) as n from public.tenant_members").fetchone()
    assert row is not None
    return {"tenant_id": str(tenant.tenant_id), "members": row["n"]}


@pytest.fixture(scope="module")
def tenant_client() -> Iterator[TestClient]:
    with TestClient(create_app(probe, title="probe"), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def scratch(superuser_url: str) -> Tenant:
    return create_tenant(superuser_url, Role.OWNER, Role.VIEWER, name=f"Suspend Oy {uuid.uuid4().hex[:6]}")


def _headers(token: str, tenant_id: uuid.UUID | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {token}"}
    if tenant_id:
        headers["X-Tenant-Id"] = str(tenant_id)
    return headers


def _audit_rows(superuser_url: str, tenant_id: uuid.UUID) -> list[tuple[Any, ...]]:
    with psycopg.connect(superuser_url) as conn:
        return conn.execute(
            "select action, actor_user_id, details from public.audit_log"
            " where target_id = %s and action like 'admin.tenant.%%' and action <> 'admin.tenant.read'"
            " order by id",
            (str(tenant_id),),
        ).fetchall()


def test_suspend_then_reactivate_end_to_end(  # noqa: PLR0917 - fixtures
    client: TestClient,
    tenant_client: TestClient,
    staff: dict[str, str],
    scratch: Tenant,
    demo: DemoData,
    superuser_url: str,
    token_for: Callable[..., str],
) -> None:
    owner_id, owner_email = scratch.members[Role.OWNER]
    member = _headers(token_for(owner_id, owner_email))
    assert tenant_client.get("/api/probe/members", headers=member).json()["members"] == 2

    # WHEN staff suspend the tenant
    response = client.post(
        f"/api/v1/admin/tenants/{scratch.id}/suspend",
        headers=staff,
        json={"reason": "Unpaid invoices; owner matti.meikalainen@example.com informed"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "suspended"
    assert response.json()["suspended_at"] is not None

    # THEN every member request is refused with a clear problem, on tenant routes and /me alike
    for user_id, email in scratch.members.values():
        refused = tenant_client.get("/api/probe/members", headers=_headers(token_for(user_id, email)))
        assert refused.status_code == 403
        assert refused.json()["code"] == "tenant_suspended"
        assert refused.headers["content-type"] == "application/problem+json"
    me = auth_app_client_get(_headers(token_for(owner_id, owner_email), scratch.id))
    assert me.status_code == 403
    assert me.json()["code"] == "tenant_suspended"

    # AND suspending twice is a conflict
    again = client.post(
        f"/api/v1/admin/tenants/{scratch.id}/suspend", headers=staff, json={"reason": "again"}
    )
    assert again.status_code == 409

    # WHEN staff reactivate it, members are let in again
    response = client.post(
        f"/api/v1/admin/tenants/{scratch.id}/reactivate", headers=staff, json={"reason": "Paid"}
    )
    assert response.status_code == 200
    assert response.json()["status"] == "active"
    assert response.json()["suspended_at"] is None
    assert tenant_client.get("/api/probe/members", headers=member).status_code == 200

    # AND both actions are in the audit log, by the staff member, with the reason scrubbed of PII
    rows = _audit_rows(superuser_url, scratch.id)
    assert [row[0] for row in rows] == ["admin.tenant.suspend", "admin.tenant.reactivate"]
    assert {row[1] for row in rows} == {demo.platform_admin_id}
    assert "Unpaid invoices" in rows[0][2]["reason"]
    assert "@example.com" not in rows[0][2]["reason"]


def auth_app_client_get(headers: dict[str, str]) -> Any:
    with TestClient(auth_app, raise_server_exceptions=False) as auth_client:
        return auth_client.get("/api/auth/me", headers=headers)


def test_reactivating_an_active_tenant_is_a_conflict_and_not_audited(
    client: TestClient, staff: dict[str, str], scratch: Tenant, superuser_url: str
) -> None:
    response = client.post(
        f"/api/v1/admin/tenants/{scratch.id}/reactivate", headers=staff, json={"reason": "why not"}
    )
    assert response.status_code == 409
    assert _audit_rows(superuser_url, scratch.id) == []


def test_suspending_an_unknown_tenant_is_404_and_not_audited(
    client: TestClient, staff: dict[str, str], superuser_url: str, demo: DemoData
) -> None:
    unknown = uuid.uuid4()
    response = client.post(
        f"/api/v1/admin/tenants/{unknown}/suspend", headers=staff, json={"reason": "x" * 5}
    )
    assert response.status_code == 404
    assert _audit_rows(superuser_url, unknown) == []


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"reason": ""},
        {"reason": "x" * 501},
        {"reason": "ok ok", "status": "active"},
        {"reason": "ok", "tenant_id": "x"},
    ],
)
def test_suspension_bodies_are_strict(
    client: TestClient, staff: dict[str, str], scratch: Tenant, body: dict[str, object]
) -> None:
    response = client.post(f"/api/v1/admin/tenants/{scratch.id}/suspend", headers=staff, json=body)
    assert response.status_code == 422
    with_status = client.get(f"/api/v1/admin/tenants/{scratch.id}", headers=staff).json()["status"]
    assert with_status == "active"


def test_tenant_owners_cannot_suspend_anyone(
    client: TestClient, scratch: Tenant, token_for: Callable[..., str], superuser_url: str
) -> None:
    owner_id, owner_email = scratch.members[Role.OWNER]
    response = client.post(
        f"/api/v1/admin/tenants/{scratch.id}/suspend",
        headers=_headers(token_for(owner_id, owner_email), scratch.id),
        json={"reason": "self-service"},
    )
    assert response.status_code == 403
    assert _audit_rows(superuser_url, scratch.id) == []
