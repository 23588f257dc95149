"""GIVEN the health function WHEN its paths are asked THEN each answers the same cheap liveness."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from docflow import __version__


@pytest.fixture(scope="module")
def client() -> TestClient:
    from docflow_health.handler import app

    return TestClient(app, raise_server_exceptions=False)


@pytest.mark.parametrize("path", ["/", "/health", "/api/health"])
def test_every_health_path_answers_ok_without_touching_the_database(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["version"] == __version__
    assert body["service"]
    assert body.get("database") is None


def test_the_root_is_the_same_answer_as_the_documented_path(client: TestClient) -> None:
    assert client.get("/").json() == client.get("/api/health").json()
