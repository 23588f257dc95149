"""The local gateway routes by ``template.yaml`` exactly as API Gateway would."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from docflow_local.gateway import LocalGateway
from tests.support.paths import REPO_ROOT as ROOT


@pytest.fixture(scope="module")
def gateway() -> LocalGateway:
    return LocalGateway(ROOT / "template.yaml")


def test_each_template_route_reaches_its_function(gateway: LocalGateway) -> None:
    assert gateway.route_for("GET", "/api/health").function.name == "health"  # type: ignore[union-attr]
    assert gateway.route_for("GET", "/api/auth/me").function.name == "auth"  # type: ignore[union-attr]
    assert gateway.route_for("OPTIONS", "/api/auth/me").function.name == "health"  # type: ignore[union-attr]


def test_paths_outside_the_template_are_404_even_if_an_app_serves_them(gateway: LocalGateway) -> None:
    client = TestClient(gateway)
    assert gateway.route_for("GET", "/docs/oauth2-redirect") is None
    response = client.get("/api/auth/nothing")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_merged_openapi_lists_every_group(gateway: LocalGateway) -> None:
    client = TestClient(gateway)
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/health", "/api/auth/me"} <= set(paths)
    assert client.get("/docs").status_code == 200


def test_health_through_the_gateway(gateway: LocalGateway) -> None:
    response = TestClient(gateway).get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
