"""A suspended tenant is shut out of every tenant-scoped route, whatever its members' roles: the
tenancy layer answers 403 ``tenant_suspended`` before any route code runs. The tenant is suspended
through the admin API, as staff would."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from docflow.tenancy import Role
from docflow_local.seed import DemoData
from tests.security.inventory import Route, deployed_routes
from tests.support.tenants import Tenant, create_tenant

pytestmark = pytest.mark.db

TENANT_ROUTES = [r for r in deployed_routes() if r.tenant_scoped]


@pytest.fixture(scope="module")
def suspended(superuser_url: str, demo: DemoData, clients: dict[str, TestClient]) -> Tenant:
    from docflow.auth import mint_token
    from docflow.config import get_settings

    tenant = create_tenant(superuser_url, *Role, name="Suspended Oy")
    settings = get_settings()
    staff = mint_token(
        secret=settings.require("jwt_secret"),
        issuer=settings.jwt_issuer,
        user_id=demo.platform_admin_id,
        email=demo.platform_admin_email,
    )
    response = clients["admin"].post(
        f"/api/v1/admin/tenants/{tenant.id}/suspend",
        headers={"Authorization": f"Bearer {staff}"},
        json={"reason": "security sweep"},
    )
    assert response.status_code == 200, response.text
    return tenant


def test_tenant_scoped_routes_were_found() -> None:
    assert len(TENANT_ROUTES) >= 1


@pytest.mark.parametrize("route", TENANT_ROUTES, ids=lambda r: r.id)
def test_members_of_a_suspended_tenant_are_refused(
    route: Route,
    clients: dict[str, TestClient],
    suspended: Tenant,
    headers_for: Callable[..., dict[str, str]],
) -> None:
    body = {} if route.method in {"POST", "PUT", "PATCH"} else None
    for role, (user_id, email) in suspended.members.items():
        headers = headers_for(user_id, email, suspended.id)
        response = clients[route.function].request(route.method, route.url(), headers=headers, json=body)
        assert response.status_code == 403, f"{role}: {response.status_code} {response.text}"
        assert response.json()["code"] == "tenant_suspended"
