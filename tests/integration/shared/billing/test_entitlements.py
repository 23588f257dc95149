"""Plan limits where the product enforces them: the receipts upload route (the last allowed upload and
the first refused) and invitations (members plus pending invitations), on free tenants, and lifted by
a paid plan stored by the webhook."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from docflow.billing.plans import LIMITS, Plan, price_id
from tests.support.tenants import Tenant, create_tenant, member_headers

pytestmark = pytest.mark.db

FREE = LIMITS[Plan.FREE]
UPLOADS = "/api/v1/receipts/uploads"
INVITATIONS = "/api/users/invitations"


@pytest.fixture(scope="module")
def receipts(postgres: object) -> Iterator[TestClient]:
    from docflow_receipts_api.handler import app

    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture(scope="module")
def users(postgres: object) -> Iterator[TestClient]:
    from docflow_users.handler import app

    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def tenant(superuser_url: str) -> Tenant:
    return create_tenant(superuser_url, "owner", paid=False)


@pytest.fixture
def owner(token_for: Callable[..., str], tenant: Tenant) -> dict[str, str]:
    return member_headers(token_for, tenant, "owner")


def _existing_receipts(
    superuser_url: str, tenant: Tenant, count: int, created: datetime | None = None
) -> None:
    with psycopg.connect(superuser_url) as conn:
        for _ in range(count):
            key = f"incoming/{tenant.id}/{uuid.uuid4()}/k.png"
            conn.execute(
                "insert into public.receipts (tenant_id, object_key, size_bytes, content_type,"
                " original_filename, created_at)"
                " values (%s, %s, 10, 'image/png', 'k.png', coalesce(%s, now()))",
                (tenant.id, key, created),
            )


def _upload(client: TestClient, headers: dict[str, str], files: int = 1) -> Any:
    body = {
        "files": [
            {"filename": f"k{i}.png", "content_type": "image/png", "size_bytes": 1000} for i in range(files)
        ]
    }
    return client.post(UPLOADS, json=body, headers=headers)


def _subscribe(
    superuser_url: str, tenant: Tenant, status: str = "active", grace: timedelta | None = None
) -> None:
    with psycopg.connect(superuser_url) as conn:
        conn.execute(
            "insert into public.billing_subscriptions (tenant_id, status, price_id, grace_until, synced_at)"
            " values (%s, %s, %s, %s, now())",
            (tenant.id, status, price_id(Plan.PRO), datetime.now(UTC) + grace if grace else None),
        )


def test_the_last_allowed_upload_passes_and_the_first_beyond_is_402(
    receipts: TestClient, owner: dict[str, str], tenant: Tenant, superuser_url: str
) -> None:
    _existing_receipts(superuser_url, tenant, FREE.receipts_per_month - 1)
    assert _upload(receipts, owner).status_code == 201
    refused = _upload(receipts, owner)
    assert refused.status_code == 402
    assert refused.headers["content-type"] == "application/problem+json"
    body = refused.json()
    assert (body["code"], body["limit"], body["maximum"], body["used"], body["plan"]) == (
        "plan_limit_reached",
        "receipts_per_month",
        FREE.receipts_per_month,
        FREE.receipts_per_month,
        "free",
    )


def test_a_batch_that_would_cross_the_limit_is_refused_whole(
    receipts: TestClient, owner: dict[str, str], tenant: Tenant, superuser_url: str
) -> None:
    _existing_receipts(superuser_url, tenant, FREE.receipts_per_month - 2)
    assert _upload(receipts, owner, files=3).status_code == 402
    with psycopg.connect(superuser_url) as conn:
        row = conn.execute(
            "select count(*) from public.receipts where tenant_id = %s", (tenant.id,)
        ).fetchone()
    assert row == (FREE.receipts_per_month - 2,)
    assert _upload(receipts, owner, files=2).status_code == 201


def test_last_months_receipts_do_not_count(
    receipts: TestClient, owner: dict[str, str], tenant: Tenant, superuser_url: str
) -> None:
    first_of_month = datetime.now(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    _existing_receipts(
        superuser_url, tenant, FREE.receipts_per_month, created=first_of_month - timedelta(seconds=1)
    )
    assert _upload(receipts, owner).status_code == 201


def test_a_paid_plan_lifts_the_limit(
    receipts: TestClient, owner: dict[str, str], tenant: Tenant, superuser_url: str
) -> None:
    _existing_receipts(superuser_url, tenant, FREE.receipts_per_month)
    assert _upload(receipts, owner).status_code == 402
    _subscribe(superuser_url, tenant)
    assert _upload(receipts, owner).status_code == 201


@pytest.mark.parametrize(("grace", "allowed"), [(timedelta(days=3), True), (timedelta(seconds=-1), False)])
def test_past_due_keeps_the_plan_only_during_the_grace_period(
    receipts: TestClient,
    owner: dict[str, str],
    *,
    tenant: Tenant,
    superuser_url: str,
    grace: timedelta,
    allowed: bool,
) -> None:
    _existing_receipts(superuser_url, tenant, FREE.receipts_per_month)
    _subscribe(superuser_url, tenant, status="past_due", grace=grace)
    assert _upload(receipts, owner).status_code == (201 if allowed else 402)


def test_invitations_stop_at_the_members_limit(
    users: TestClient, token_for: Callable[..., str], superuser_url: str
) -> None:
    tenant = create_tenant(superuser_url, "owner", paid=False)
    owner = member_headers(token_for, tenant, "owner")
    open_seats = FREE.members - len(tenant.members)
    for index in range(open_seats):
        response = users.post(
            INVITATIONS, json={"email": f"new{index}@limits.test", "role": "member"}, headers=owner
        )
        assert response.status_code == 201, response.text
    refused = users.post(INVITATIONS, json={"email": "onemore@limits.test", "role": "member"}, headers=owner)
    assert refused.status_code == 402
    assert refused.json()["limit"] == "members"
