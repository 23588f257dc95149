"""Database health figures and the RLS self-check, including objects planted to fail it."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import psycopg
import pytest
from fastapi.testclient import TestClient

from docflow_local.seed import DemoData

pytestmark = pytest.mark.db

ROUTES = ("/api/v1/supabase/migrations", "/api/v1/supabase/health", "/api/v1/supabase/rls-check")


def test_health_reports_latency_version_and_pool(
    client: TestClient, staff: dict[str, str], demo: DemoData
) -> None:
    response = client.get("/api/v1/supabase/health", headers=staff)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ok"
    assert body["server_version"][:2].isdigit()
    latency = body["latency"]
    assert latency["samples"] == 5
    assert 0 <= latency["min_ms"] <= latency["median_ms"] <= latency["max_ms"] < 1000
    assert body["pool"]["max_size"] >= body["pool"]["size"] >= 1
    assert body["connections"] >= 1
    assert body["database_size_bytes"] > 0


def test_the_migrated_schema_passes_the_rls_self_check(
    client: TestClient, staff: dict[str, str], demo: DemoData
) -> None:
    body = client.get("/api/v1/supabase/rls-check", headers=staff).json()
    assert body["findings"] == []
    assert body["ok"] is True
    assert body["tables_checked"] >= 4
    assert body["tenant_tables"] >= 2
    assert body["security_definer_functions"] >= 3


@pytest.fixture
def weak_objects(superuser_url: str) -> Iterator[str]:
    """Plant every kind of weakness the self-check looks for; removed afterwards."""
    suffix = uuid.uuid4().hex[:8]
    statements = [
        f"create table public.open_{suffix} (id int)",
        f"create table public.unforced_{suffix} (id int, tenant_id uuid)",
        f"alter table public.unforced_{suffix} enable row level security",
        f"create view public.owner_view_{suffix} as select 1 as one",
        f"create function public.definer_{suffix}() returns int language sql security definer as 'select 1'",
    ]
    with psycopg.connect(superuser_url) as conn:
        for statement in statements:
            conn.execute(statement)  # type: ignore[arg-type]
    try:
        yield suffix
    finally:
        with psycopg.connect(superuser_url) as conn:
            conn.execute(f"drop view public.owner_view_{suffix}")  # type: ignore[arg-type]
            conn.execute(f"drop table public.open_{suffix}, public.unforced_{suffix}")  # type: ignore[arg-type]
            conn.execute(f"drop function public.definer_{suffix}()")  # type: ignore[arg-type]


def test_the_self_check_names_each_weakness(
    client: TestClient, staff: dict[str, str], demo: DemoData, weak_objects: str
) -> None:
    body = client.get("/api/v1/supabase/rls-check", headers=staff).json()
    found = {(item["kind"], item["object"]) for item in body["findings"]}
    suffix = weak_objects
    assert found == {
        ("table_without_rls", f"public.open_{suffix}"),
        ("rls_not_forced", f"public.unforced_{suffix}"),
        ("tenant_table_without_policy", f"public.unforced_{suffix}"),
        ("view_without_security_invoker", f"public.owner_view_{suffix}"),
        ("security_definer_outside_private_schema", f"public.definer_{suffix}()"),
        ("security_definer_without_search_path", f"public.definer_{suffix}()"),
        ("security_definer_executable_by_public", f"public.definer_{suffix}()"),
    }
    assert body["ok"] is False


@pytest.mark.parametrize("path", ROUTES)
def test_tenant_users_and_anonymous_callers_are_refused(
    client: TestClient, demo: DemoData, token_for: Callable[..., str], path: str
) -> None:
    assert client.get(path).status_code == 401
    for user in demo.users:
        headers = {"Authorization": f"Bearer {token_for(user.user_id, user.email)}"}
        response = client.get(path, headers=headers)
        assert response.status_code == 403, user.email
        assert response.headers["content-type"] == "application/problem+json"
