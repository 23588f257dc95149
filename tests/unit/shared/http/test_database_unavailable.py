"""A database that cannot be reached is a 503 problem with ``Retry-After``, never a 500."""

from __future__ import annotations

import psycopg
import pytest
from fastapi import APIRouter, Depends
from fastapi.testclient import TestClient
from psycopg_pool import PoolTimeout

from docflow.http import create_app


def _failing(error: Exception) -> TestClient:
    router = APIRouter()

    def dependency() -> None:
        raise error

    @router.get("/in-route")
    def in_route() -> None:
        raise error

    @router.get("/in-dependency", dependencies=[Depends(dependency)])
    def in_dependency() -> None:
        return None

    return TestClient(create_app(router, title="test"), raise_server_exceptions=False)


@pytest.mark.parametrize(
    "error",
    [
        psycopg.OperationalError("connection refused"),
        PoolTimeout("couldn't get a connection after 5.00 sec"),
        psycopg.errors.AdminShutdown("terminating connection due to administrator command"),
    ],
)
@pytest.mark.parametrize("path", ["/in-route", "/in-dependency"])
def test_an_unreachable_database_is_a_503(error: Exception, path: str) -> None:
    response = _failing(error).get(path)
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["retry-after"] == "5"
    body = response.json()
    assert body["code"] == "database_unavailable"
    assert "connection" not in body["detail"]  # the driver's message is not echoed


def test_other_errors_stay_a_generic_500() -> None:
    response = _failing(RuntimeError("boom")).get("/in-route")
    assert response.status_code == 500
    assert response.json()["code"] == "internal_error"
