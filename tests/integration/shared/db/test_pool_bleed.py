"""Pool-bleed stress and warm-Lambda reuse: one request's tenant never leaks into the next."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Annotated, Any

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

from docflow.config import reset_settings
from docflow.db import close_pool
from docflow.http import create_app, make_handler
from docflow.http.deps import TenantConn, TenantContext, require_role
from docflow.tenancy import Role
from docflow_local.seed import DemoData, demo_id
from tests.support.paths import REPO_ROOT as ROOT

pytestmark = pytest.mark.db

TENANT_A = demo_id("tenant:demo-oy")
TENANT_B = demo_id("tenant:esimerkki-ab")

router = APIRouter(prefix="/api/probe")


@router.get("/tenant")
def whoami(tenant: TenantConn) -> dict[str, Any]:
    row = tenant.conn.execute(
        """
        select app_private.current_tenant_id()::text as claimed,
               array_agg(distinct tenant_id::text) as visible
          from public.tenant_members
         where tenant_id = app_private.current_tenant_id() or true
        """
    ).fetchone()
    assert row is not None
    return {"resolved": str(tenant.tenant_id), "claimed": row["claimed"], "visible": row["visible"]}


@router.post("/admin-only")
def admin_only(tenant: Annotated[TenantContext, require_role(Role.OWNER, Role.ADMIN)]) -> dict[str, str]:
    return {"role": tenant.role.value}


@pytest.fixture(scope="module")
def small_pool(postgres: object) -> Iterator[None]:
    mp = pytest.MonkeyPatch()
    mp.setenv("DB_POOL_MAX_SIZE", "2")
    reset_settings()
    close_pool()
    yield
    mp.undo()
    reset_settings()
    close_pool()


@pytest.fixture(scope="module")
def probe_app(small_pool: None) -> Any:
    return create_app(router, title="probe")


def _owner_token(demo: DemoData, tenant: Any, token_for: Callable[..., str], role: Role = Role.OWNER) -> str:
    user = next(u for u in demo.users if u.tenant_id == tenant and u.role == role)
    return token_for(user.user_id, user.email)


def test_alternating_tenants_on_a_pool_of_two_never_mix(
    probe_app: Any, demo: DemoData, token_for: Callable[..., str]
) -> None:
    tokens = {
        str(TENANT_A): _owner_token(demo, TENANT_A, token_for),
        str(TENANT_B): _owner_token(demo, TENANT_B, token_for),
    }
    order = [str(TENANT_A), str(TENANT_B)] * 1000
    client = TestClient(probe_app)

    def call(expected: str) -> bool:
        body = client.get("/api/probe/tenant", headers={"Authorization": f"Bearer {tokens[expected]}"}).json()
        return bool(body == {"resolved": expected, "claimed": expected, "visible": [expected]})

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(call, order))
    assert len(results) == 2000
    assert results.count(False) == 0


def test_me_from_many_threads_on_a_pool_of_two_never_mixes_users(
    small_pool: None, demo: DemoData, token_for: Callable[..., str]
) -> None:
    # 8 threads at once, each request on an event loop of its own (a client without ``with``)
    from docflow_auth.handler import app as auth_app

    owners = {
        tenant: next(u for u in demo.users if u.tenant_id == tenant and u.role == Role.OWNER)
        for tenant in (TENANT_A, TENANT_B)
    }
    tokens = {tenant: token_for(user.user_id, user.email) for tenant, user in owners.items()}
    client = TestClient(auth_app)

    def call(tenant: Any) -> bool:
        body = client.get("/api/auth/me", headers={"Authorization": f"Bearer {tokens[tenant]}"}).json()
        return bool(
            body["user_id"] == str(owners[tenant].user_id)
            and [m["tenant_id"] for m in body["memberships"]] == [str(tenant)]
        )

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(call, [TENANT_A, TENANT_B] * 200))
    assert results.count(False) == 0
    assert results.count(True) == 400


def test_roles_are_enforced_per_tenant(probe_app: Any, demo: DemoData, token_for: Callable[..., str]) -> None:
    client = TestClient(probe_app)
    for role, expected in [(Role.OWNER, 200), (Role.ADMIN, 200), (Role.MEMBER, 403), (Role.VIEWER, 403)]:
        token = _owner_token(demo, TENANT_A, token_for, role)
        response = client.post("/api/probe/admin-only", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == expected, role


def test_warm_lambda_serves_tenant_a_then_b_without_leaking(
    probe_app: Any, demo: DemoData, token_for: Callable[..., str]
) -> None:
    handler = make_handler(probe_app)
    template = json.loads((ROOT / "events" / "auth" / "get-me.json").read_text())
    seen = []
    for tenant in (TENANT_A, TENANT_B, TENANT_A):
        event = json.loads(json.dumps(template))
        event["rawPath"] = event["requestContext"]["http"]["path"] = "/api/probe/tenant"
        event["headers"]["authorization"] = f"Bearer {_owner_token(demo, tenant, token_for)}"
        response = handler(event, _Context())
        assert response["statusCode"] == 200
        seen.append(json.loads(response["body"])["visible"])
    assert seen == [[str(TENANT_A)], [str(TENANT_B)], [str(TENANT_A)]]


class _Context:
    function_name = "probe"
    function_version = "$LATEST"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:eu-north-1:000000000000:function:probe"
    aws_request_id = "00000000-0000-0000-0000-000000000001"
