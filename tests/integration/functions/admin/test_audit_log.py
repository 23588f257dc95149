"""Reading the audit log as staff: filters, newest-first cursor pages, strict parameters."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg.types.json import Jsonb

from docflow_local.seed import DemoData, demo_id

pytestmark = pytest.mark.db

TENANT = demo_id("tenant:esimerkki-ab")


@pytest.fixture
def entries(superuser_url: str, demo: DemoData) -> str:
    """Five audit rows of one made-up action for the Esimerkki tenant; yields the action."""
    action = f"test.audit_{uuid.uuid4().hex[:8]}.probe"
    with psycopg.connect(superuser_url) as conn:
        for n in range(5):
            conn.execute(
                "insert into public.audit_log (tenant_id, actor_user_id, action, details)"
                " values (%s, %s, %s, %s)",
                (TENANT, demo.platform_admin_id, action, Jsonb({"n": n})),
            )
    return action


def test_filters_and_pages_newest_first(client: TestClient, staff: dict[str, str], entries: str) -> None:
    seen: list[int] = []
    cursor: str | None = None
    for _ in range(5):
        params: dict[str, object] = {"action": entries, "tenant_id": str(TENANT), "limit": 2}
        if cursor:
            params["cursor"] = cursor
        response = client.get(
            "/api/v1/admin/audit-log",
            headers=staff,
            params={**params, "cursor": cursor} if cursor else params,
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert all(item["action"] == entries for item in body["items"])
        seen.extend(item["details"]["n"] for item in body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == [4, 3, 2, 1, 0]


def test_action_prefix_and_actor_filters(
    client: TestClient, staff: dict[str, str], entries: str, demo: DemoData
) -> None:
    prefix = entries.rsplit(".", 1)[0] + ".*"
    body = client.get(
        "/api/v1/admin/audit-log",
        headers=staff,
        params={"action": prefix, "actor_user_id": str(demo.platform_admin_id), "limit": 100},
    ).json()
    assert len(body["items"]) == 5
    nobody = client.get(
        "/api/v1/admin/audit-log",
        headers=staff,
        params={"action": entries, "actor_user_id": str(uuid.uuid4())},
    ).json()
    assert nobody["items"] == []


def test_time_window(client: TestClient, staff: dict[str, str], entries: str) -> None:
    future = client.get(
        "/api/v1/admin/audit-log", headers=staff, params={"action": entries, "since": "2999-01-01T00:00:00Z"}
    ).json()
    assert future["items"] == []
    past = client.get(
        "/api/v1/admin/audit-log", headers=staff, params={"action": entries, "until": "2999-01-01T00:00:00Z"}
    ).json()
    assert len(past["items"]) == 5


def test_reading_the_audit_log_is_itself_audited(
    client: TestClient, staff: dict[str, str], entries: str, superuser_url: str, demo: DemoData
) -> None:
    client.get("/api/v1/admin/audit-log", headers=staff, params={"action": entries})
    with psycopg.connect(superuser_url) as conn:
        row = conn.execute(
            "select actor_user_id, details from public.audit_log where action = 'admin.audit.read'"
            " order by id desc limit 1"
        ).fetchone()
    assert row is not None
    assert row[0] == demo.platform_admin_id
    assert row[1]["filtered_by_action"] is True


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 101},
        {"limit": 1_000_000},
        {"action": "DROP TABLE"},
        {"tenant_id": "not-a-uuid"},
        {"cursor": "bm90IGEgY3Vyc29y"},
        {"unexpected": "1"},
    ],
)
def test_bad_parameters_are_422(
    client: TestClient, staff: dict[str, str], demo: DemoData, params: dict[str, object]
) -> None:
    response = client.get("/api/v1/admin/audit-log", headers=staff, params=params)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
