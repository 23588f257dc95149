"""What one user or tenant can ask of the receipt pipeline: upload calls and reprocess requests are
rate limited per user and per tenant (429 with ``Retry-After`` exactly past the limit), a receipt
already queued or being processed is not queued again (409), and viewers cannot spend the tenant's
synchronous OCR budget."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from docflow.config import reset_settings
from docflow.pipeline.runner import process_record
from docflow.tenancy import Role
from tests.support.receipt_pipeline import FakeScan, Uploaded, record_for
from tests.support.tenants import Tenant, create_tenant, member_headers

pytestmark = pytest.mark.db

Db = Callable[..., Any]
FILE = {"filename": "kuitti.png", "content_type": "image/png", "size_bytes": 1000}


@pytest.fixture
def limits(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    """``limits(NAME=value, ...)``: settings for this test only."""

    def apply(**values: int) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name, str(value))
        reset_settings()

    yield apply
    monkeypatch.undo()
    reset_settings()


@pytest.fixture
def team(superuser_url: str) -> Tenant:
    """A tenant of its own, so no other test has spent its users' or its own budget."""
    return create_tenant(superuser_url, Role.OWNER, Role.MEMBER, Role.VIEWER, name="Kiire Oy")


def _upload(client: TestClient, headers: dict[str, str]) -> Any:
    return client.post("/api/v1/receipts/uploads", json={"files": [FILE] * 3}, headers=headers)


def _assert_limited(response: Any, window: int) -> None:
    assert response.status_code == 429, response.text
    assert response.json()["code"] == "rate_limited"
    assert 1 <= int(response.headers["Retry-After"]) <= window


def test_upload_calls_are_limited_per_user_then_per_tenant(
    client: TestClient,
    team: Tenant,
    token_for: Callable[..., str],
    limits: Callable[..., None],
    s3_bucket: str,
) -> None:
    limits(
        RECEIPTS_UPLOAD_RATE_LIMIT_PER_USER=2,
        RECEIPTS_UPLOAD_RATE_LIMIT_PER_TENANT=3,
        RECEIPTS_RATE_LIMIT_WINDOW_SECONDS=600,
    )
    owner = member_headers(token_for, team, Role.OWNER)
    member = member_headers(token_for, team, Role.MEMBER)
    assert [_upload(client, owner).status_code for _ in range(2)] == [201, 201]  # at the user's limit
    _assert_limited(_upload(client, owner), 600)  # one past it
    assert _upload(client, member).status_code == 201  # another user: the tenant's third call
    _assert_limited(_upload(client, member), 600)  # the tenant's fourth


def test_another_tenant_keeps_its_own_budget(
    client: TestClient,
    superuser_url: str,
    token_for: Callable[..., str],
    limits: Callable[..., None],
    s3_bucket: str,
) -> None:
    limits(RECEIPTS_UPLOAD_RATE_LIMIT_PER_USER=5, RECEIPTS_UPLOAD_RATE_LIMIT_PER_TENANT=1)
    busy, quiet = (create_tenant(superuser_url, Role.OWNER) for _ in range(2))
    busy_owner = member_headers(token_for, busy, Role.OWNER)
    assert _upload(client, busy_owner).status_code == 201
    _assert_limited(_upload(client, busy_owner), 3600)
    assert _upload(client, member_headers(token_for, quiet, Role.OWNER)).status_code == 201


def test_reprocess_is_limited_per_user(
    client: TestClient,
    team: Tenant,
    token_for: Callable[..., str],
    limits: Callable[..., None],
) -> None:
    limits(RECEIPTS_REPROCESS_RATE_LIMIT_PER_USER=3, RECEIPTS_REPROCESS_RATE_LIMIT_PER_TENANT=100)
    owner = member_headers(token_for, team, Role.OWNER)
    missing = f"/api/v1/receipts/{uuid.uuid4()}/reprocess"
    assert [client.post(missing, headers=owner).status_code for _ in range(3)] == [404, 404, 404]
    _assert_limited(client.post(missing, headers=owner), 3600)
    assert client.post(missing, headers=member_headers(token_for, team, Role.MEMBER)).status_code == 404


def test_a_queued_receipt_is_not_queued_again(
    *,
    client: TestClient,
    headers: Callable[..., dict[str, str]],
    upload: Callable[..., Uploaded],
    receipt_png: bytes,
    fake_scan: FakeScan,
    db: Db,
) -> None:
    uploaded = upload(receipt_png)
    process_record(record_for(uploaded.key))
    path = f"/api/v1/receipts/{uploaded.receipt_id}/reprocess"
    assert client.post(path, headers=headers()).status_code == 202
    again = client.post(path, headers=headers())
    assert again.status_code == 409
    assert again.json()["code"] == "conflict"
    # Once the queued request is older than the lease (its new version never arrived), it may be asked again.
    db(
        "update public.receipts set reprocess_requested_at = now() - interval '1 hour' where id = %s",
        uploaded.receipt_id,
    )
    assert client.post(path, headers=headers()).status_code == 202
    assert process_record(record_for(uploaded.key)).outcome == "processed"
    assert client.post(path, headers=headers()).status_code == 202


def test_viewers_cannot_spend_the_sync_ocr_budget(
    headers: Callable[..., dict[str, str]], receipt_png: bytes, db: Db
) -> None:
    from docflow_ocr.handler import app

    with TestClient(app, raise_server_exceptions=False) as ocr:
        response = ocr.post(
            "/api/v1/ocr",
            content=receipt_png,
            headers={**headers(role=Role.VIEWER), "Content-Type": "image/png"},
        )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
