"""``/api/v1/ai/settings``: the automatic second reading is off by default; owners and admins switch it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from docflow.tenancy import Role
from tests.support.tenants import Headers, Tenant

pytestmark = pytest.mark.db


def test_off_by_default_and_switched_by_an_admin(http: TestClient, tenant: Tenant, auth: Headers) -> None:
    assert http.get("/api/v1/ai/settings", headers=auth(tenant, Role.VIEWER)).json() == {
        "auto_second_reading": False
    }
    response = http.put(
        "/api/v1/ai/settings", json={"auto_second_reading": True}, headers=auth(tenant, Role.ADMIN)
    )
    assert response.status_code == 200, response.text
    assert http.get("/api/v1/ai/settings", headers=auth(tenant, Role.MEMBER)).json() == {
        "auto_second_reading": True
    }


@pytest.mark.parametrize("role", [Role.MEMBER, Role.VIEWER])
def test_members_and_viewers_cannot_switch_it(
    http: TestClient, tenant: Tenant, auth: Headers, role: Role
) -> None:
    response = http.put("/api/v1/ai/settings", json={"auto_second_reading": True}, headers=auth(tenant, role))
    assert response.status_code == 403
    assert http.get("/api/v1/ai/settings", headers=auth(tenant)).json() == {"auto_second_reading": False}


def test_unknown_fields_are_refused(http: TestClient, tenant: Tenant, auth: Headers) -> None:
    response = http.put(
        "/api/v1/ai/settings", json={"auto_second_reading": True, "model": "x"}, headers=auth(tenant)
    )
    assert response.status_code == 422
