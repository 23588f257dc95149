"""BOLA sweep (OWASP API1): tenant A gets a canary row in every tenant table; every GET route, asked
by every role of tenant B (lists, searches, and details with A's ids in the path), shows none of A's
canaries or ids, and answers 404, not 403, for A's objects."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg import sql

from docflow.tenancy import Role
from docflow_local.seed import DemoData
from tests.security.canaries import Seeded, plant_canaries
from tests.security.inventory import Route, deployed_routes
from tests.support.demo import ESIMERKKI
from tests.support.tenants import Tenant, create_tenant

pytestmark = pytest.mark.db

#: Tenant tables the generic planter cannot fill, with the reason; each must be covered otherwise.
NOT_PLANTED: dict[str, str] = {
    "monthly_reports": "no free text to leak: the period (YYYY-MM, checked) and a status",
    "email_inbound_addresses": "one row per tenant made by a trigger, a random local part no canary fits;"
    " tests/integration/functions/email/test_routes.py reads it per tenant",
}

TENANT_GETS = [r for r in deployed_routes() if r.method == "GET" and r.access == "user"]
LISTS = [r for r in TENANT_GETS if not r.path_params]
DETAILS = [r for r in TENANT_GETS if r.path_params]
SEARCH_PARAMS = ("q", "search", "merchant", "name")


@pytest.fixture(scope="module")
def tenant_a(superuser_url: str, demo: DemoData) -> Tenant:
    run = uuid.uuid4().hex[:10]
    return create_tenant(superuser_url, *Role, name=f"zq{run} Oy", paid=False)


@pytest.fixture(scope="module")
def planted(tenant_a: Tenant, superuser_url: str) -> Seeded:
    run = tenant_a.name.split()[0].removeprefix("zq")
    return plant_canaries(superuser_url, tenant_a.id, run)


def _leaks(seeded: Seeded, text: str) -> list[str]:
    lowered = text.lower()
    return sorted(secret for secret in seeded.secrets if secret.lower() in lowered)


def _b_users(demo: DemoData) -> list[tuple[str, object, str]]:
    return [(u.role.value, u.user_id, u.email) for u in demo.users if u.tenant_id == ESIMERKKI]


def test_every_tenant_table_got_a_canary(planted: Seeded) -> None:
    assert planted.ids, "no tenant table found"
    failed = {table: why for table, why in planted.failed.items() if table not in NOT_PLANTED}
    assert failed == {}


def test_tenant_a_sees_its_own_canary(
    clients: dict[str, TestClient],
    tenant_a: Tenant,
    planted: Seeded,
    headers_for: Callable[..., dict[str, str]],
) -> None:
    """The control: the detector finds A's canaries where A may see them."""
    owner_id, owner_email = tenant_a.members[Role.OWNER]
    headers = headers_for(owner_id, owner_email, tenant_a.id)
    hits = [
        route.id
        for route in LISTS
        if planted.run in clients[route.function].get(route.path, headers=headers).text
    ]
    assert hits, "tenant A should see its canaries through at least one route"


@pytest.mark.parametrize("route", LISTS, ids=lambda r: r.id)
def test_lists_and_searches_show_no_canary_of_another_tenant(
    route: Route,
    clients: dict[str, TestClient],
    planted: Seeded,
    demo: DemoData,
    headers_for: Callable[..., dict[str, str]],
) -> None:
    client = clients[route.function]
    searches = [{}] + [{name: planted.run} for name in SEARCH_PARAMS if name in route.query_params]
    for role, user_id, email in _b_users(demo):
        headers = headers_for(user_id, email, ESIMERKKI)
        for params in searches:
            response = client.get(route.path, headers=headers, params=params)
            assert response.status_code < 500, f"{role} {params}: {response.text}"
            assert _leaks(planted, response.text) == [], f"{role} {params}"


@pytest.mark.parametrize("route", DETAILS, ids=lambda r: r.id)
def test_details_of_another_tenants_objects_are_404(
    route: Route,
    clients: dict[str, TestClient],
    planted: Seeded,
    demo: DemoData,
    headers_for: Callable[..., dict[str, str]],
) -> None:
    client = clients[route.function]
    ids = sorted({i for values in planted.ids.values() for i in values} | {str(planted.tenant_id)})
    for role, user_id, email in _b_users(demo):
        headers = headers_for(user_id, email, ESIMERKKI)
        for object_id in ids:
            response = client.get(route.url(object_id), headers=headers)
            assert response.status_code in {404, 422}, f"{role} {object_id}: {response.status_code}"
            assert _leaks(planted, response.text) == [], f"{role} {object_id}"


WRITES = [r for r in deployed_routes() if r.method != "GET" and r.access == "user" and r.path_params]


def _fingerprint(superuser_url: str, seeded: Seeded) -> dict[str, list[str]]:
    """Every row of tenant A in every planted table, as text."""
    with psycopg.connect(superuser_url) as conn:
        return {
            table: sorted(
                str(row)
                for row in conn.execute(
                    sql.SQL("select t::text from {} t where tenant_id = %s").format(
                        sql.Identifier("public", table)
                    ),
                    (seeded.tenant_id,),
                ).fetchall()
            )
            for table in seeded.ids
        }


@pytest.mark.skipif(not WRITES, reason="no tenant write route with an object id")
def test_writes_on_another_tenants_objects_change_nothing(
    clients: dict[str, TestClient],
    planted: Seeded,
    demo: DemoData,
    superuser_url: str,
    headers_for: Callable[..., dict[str, str]],
) -> None:
    before = _fingerprint(superuser_url, planted)
    ids = sorted({i for values in planted.ids.values() for i in values if len(i) >= 16})
    for role, user_id, email in _b_users(demo)[:2]:  # owner and admin: the most privileged
        headers = headers_for(user_id, email, ESIMERKKI)
        for route in WRITES:
            for object_id in ids:
                body = {} if route.method in {"POST", "PUT", "PATCH"} else None
                response = clients[route.function].request(
                    route.method, route.url(object_id), headers=headers, json=body
                )
                assert response.status_code in {404, 422}, f"{role} {route.id} {object_id}: {response.text}"
                assert _leaks(planted, response.text) == [], f"{role} {route.id}"
    assert _fingerprint(superuser_url, planted) == before


TENANT_SCOPED = [r for r in deployed_routes() if r.tenant_scoped]


@pytest.mark.parametrize("route", TENANT_SCOPED, ids=lambda r: r.id)
def test_naming_another_tenant_in_the_header_is_refused(
    route: Route,
    clients: dict[str, TestClient],
    planted: Seeded,
    demo: DemoData,
    headers_for: Callable[..., dict[str, str]],
) -> None:
    """``X-Tenant-Id`` of a tenant the caller does not belong to: 403, whatever the route."""
    body = {} if route.method in {"POST", "PUT", "PATCH"} else None
    for role, user_id, email in _b_users(demo):
        headers = headers_for(user_id, email, planted.tenant_id)
        response = clients[route.function].request(route.method, route.url(), headers=headers, json=body)
        assert response.status_code == 403, f"{role}: {response.status_code}"
        assert response.json()["code"] == "forbidden"
        assert _leaks(planted, response.text) == [], role
