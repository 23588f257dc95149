"""The behaviour every route group inherits from ``create_app``: problems, limits, headers, CORS."""

from __future__ import annotations

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient
from pydantic import BaseModel, ConfigDict

from docflow.errors import Conflict, RateLimited
from docflow.http import create_app

router = APIRouter(prefix="/api/things")


class ThingCreate(BaseModel):
    """A body with a strict schema."""

    model_config = ConfigDict(extra="forbid")
    name: str
    amount: int


@router.post("")
def create_thing(body: ThingCreate) -> dict[str, str]:
    return {"name": body.name}


@router.get("/boom")
def boom() -> None:
    secret = "sk_live_0123456789abcdefghijklmn"
    raise RuntimeError(f"database exploded with {secret}")


@router.get("/conflict")
def conflict() -> None:
    raise Conflict("This already exists")


@router.get("/slow-down")
def slow_down() -> None:
    raise RateLimited(42)


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(router, title="test", max_body_bytes=2048), raise_server_exceptions=False)


def assert_problem(response: object, status: int, code: str) -> dict[str, object]:
    assert response.status_code == status  # type: ignore[attr-defined]
    assert response.headers["content-type"] == "application/problem+json"  # type: ignore[attr-defined]
    body: dict[str, object] = response.json()  # type: ignore[attr-defined]
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"] == f"urn:docflow:problem:{code}"
    assert body["correlation_id"] == response.headers["x-correlation-id"]  # type: ignore[attr-defined]
    return body


def test_unknown_route_is_a_404_problem(client: TestClient) -> None:
    assert_problem(client.get("/api/nothing-here"), 404, "not_found")


def test_wrong_method_is_a_405_problem(client: TestClient) -> None:
    assert_problem(client.delete("/api/things"), 405, "method_not_allowed")


def test_validation_error_lists_fields_without_echoing_input(client: TestClient) -> None:
    response = client.post("/api/things", json={"name": "jane.doe@example.com", "amount": "lots"})
    body = assert_problem(response, 422, "validation_error")
    assert "jane.doe@example.com" not in response.text
    assert "lots" not in response.text
    assert body["errors"] == [
        {"loc": ["body", "amount"], "msg": body["errors"][0]["msg"], "type": "int_parsing"}
    ]


def test_unknown_fields_are_rejected(client: TestClient) -> None:
    body = assert_problem(
        client.post("/api/things", json={"name": "a", "amount": 1, "tenant_id": "x"}), 422, "validation_error"
    )
    assert body["errors"][0]["type"] == "extra_forbidden"  # type: ignore[index]


def test_unexpected_exception_is_a_generic_500_without_details(client: TestClient) -> None:
    response = client.get("/api/things/boom")
    assert_problem(response, 500, "internal_error")
    assert "sk_live_" not in response.text
    assert "Traceback" not in response.text
    assert "exploded" not in response.text


def test_domain_errors_keep_their_status_and_headers(client: TestClient) -> None:
    assert_problem(client.get("/api/things/conflict"), 409, "conflict")
    response = client.get("/api/things/slow-down")
    assert_problem(response, 429, "rate_limited")
    assert response.headers["retry-after"] == "42"


def test_declared_body_over_the_limit_is_413(client: TestClient) -> None:
    body = b'{"name": "' + b"x" * 4096 + b'", "amount": 1}'
    assert_problem(client.post("/api/things", content=body), 413, "payload_too_large")


def test_streamed_body_over_the_limit_is_413(client: TestClient) -> None:
    def chunks() -> object:
        for _ in range(10):
            yield b"x" * 512

    response = client.post("/api/things", content=chunks())  # type: ignore[arg-type]
    assert_problem(response, 413, "payload_too_large")


def test_body_at_the_limit_is_accepted(client: TestClient) -> None:
    prefix, suffix = b'{"name": "', b'", "amount": 1}'
    body = prefix + b"x" * (2048 - len(prefix) - len(suffix)) + suffix
    assert len(body) == 2048
    assert (
        client.post("/api/things", content=body, headers={"content-type": "application/json"}).status_code
        == 200
    )


def test_security_headers_on_every_response(client: TestClient) -> None:
    for response in (client.post("/api/things", json={"name": "a", "amount": 1}), client.get("/nope")):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["x-frame-options"] == "DENY"
        assert "default-src 'none'" in response.headers["content-security-policy"]


def test_client_correlation_id_is_kept_when_well_formed(client: TestClient) -> None:
    response = client.get("/nope", headers={"X-Correlation-Id": "req-1234abcd"})
    assert response.headers["x-correlation-id"] == "req-1234abcd"
    assert response.json()["correlation_id"] == "req-1234abcd"


def test_malformed_correlation_id_is_replaced(client: TestClient) -> None:
    response = client.get("/nope", headers={"X-Correlation-Id": "<script>alert(1)</script>"})
    assert response.headers["x-correlation-id"] != "<script>alert(1)</script>"
    assert len(response.headers["x-correlation-id"]) == 36


def test_cors_preflight_from_an_allowed_origin(client: TestClient) -> None:
    response = client.options(
        "/api/things",
        headers={"Origin": "https://app.docflow.test", "Access-Control-Request-Method": "POST"},
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "https://app.docflow.test"


def test_cors_preflight_from_a_foreign_origin_gets_no_allow_origin(client: TestClient) -> None:
    response = client.options(
        "/api/things",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in response.headers
