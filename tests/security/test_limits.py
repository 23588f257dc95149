"""Resource limits (OWASP API4) on every route: page sizes above 100 are 422 wherever a route takes
``limit``, and bodies above the function's limit are 413 on every route that takes a body, whether
the size is declared or streamed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from docflow_local.seed import DemoData
from tests.security.inventory import Route, deployed_routes, max_body_bytes

pytestmark = pytest.mark.db

PAGED = [r for r in deployed_routes() if "limit" in r.query_params]
WITH_BODY = [r for r in deployed_routes() if r.method in {"POST", "PUT", "PATCH"}]


@pytest.fixture
def caller(owner_headers: dict[str, str], staff_headers: dict[str, str]) -> dict[str, dict[str, str]]:
    """Headers of a caller allowed past each access level's guard."""
    return {"public": {}, "user": owner_headers, "platform_admin": staff_headers}


def test_the_sweep_found_paged_routes() -> None:
    assert len(PAGED) >= 2


@pytest.mark.parametrize("route", PAGED, ids=lambda r: r.id)
def test_page_size_is_capped_at_100(
    route: Route, clients: dict[str, TestClient], caller: dict[str, dict[str, str]], demo: DemoData
) -> None:
    client, headers = clients[route.function], caller[route.access]
    for limit in (1_000_000, 101, 0, -1):
        response = client.get(route.url(), headers=headers, params={"limit": limit})
        assert response.status_code == 422, f"limit={limit}: {response.status_code}"
        assert response.headers["content-type"] == "application/problem+json"
    assert client.get(route.url(), headers=headers, params={"limit": 100}).status_code != 422


def _chunks(total: int, size: int = 65_536) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        chunk = b" " * min(size, total - sent)
        sent += len(chunk)
        yield chunk


@pytest.mark.parametrize("route", WITH_BODY, ids=lambda r: r.id)
def test_oversized_bodies_are_413(
    route: Route, clients: dict[str, TestClient], caller: dict[str, dict[str, str]], demo: DemoData
) -> None:
    client, limit = clients[route.function], max_body_bytes(route.app)
    headers = {**caller[route.access], "Content-Type": "application/json"}
    declared = client.request(route.method, route.url(), headers=headers, content=b" " * (limit + 1))
    assert declared.status_code == 413
    assert declared.json()["code"] == "payload_too_large"
    streamed = client.request(route.method, route.url(), headers=headers, content=_chunks(limit + 1))
    assert streamed.status_code == 413
