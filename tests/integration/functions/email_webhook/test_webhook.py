"""``POST /api/v1/webhooks/resend`` through the function's app: signature first, each svix-id once,
statuses forward only, hard bounces and complaints suppressed for the tenant."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from docflow.db import system_transaction
from docflow.db.after_commit import commit_hooks
from docflow.email.outbox import Recipient, is_suppressed, queue
from docflow.email.templates import render
from docflow_local.fake_resend import FakeResend
from tests.support.email import resend, sends
from tests.support.tenants import Tenant, create_tenant

__all__ = ["resend"]

pytestmark = pytest.mark.db

PATH = "/api/v1/webhooks/resend"


@pytest.fixture(scope="module")
def http(postgres: object) -> Iterator[TestClient]:
    from docflow_email_webhook.handler import app

    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def sent(superuser_url: str, resend: FakeResend) -> tuple[Tenant, str]:
    """A tenant and the Resend id of one message sent to its owner."""
    tenant = create_tenant(superuser_url, "owner")
    owner = tenant.members["owner"]
    message = render("invitation", "fi", {"tenant": tenant.name, "inviter": "M"})
    with commit_hooks() as hooks, system_transaction("tests.email", tenant_id=str(tenant.id)) as conn:
        queue(
            conn,
            hooks,
            tenant_id=tenant.id,
            kind="invitation",
            entity=f"wh-{uuid.uuid4().hex[:8]}",
            to=Recipient(owner.user_id, owner.email, "fi"),
            message=message,
        )
    return tenant, resend.sent_to(owner.email)[0]["id"]


def _post(http: TestClient, body: bytes, headers: dict[str, str]) -> Any:
    return http.post(PATH, content=body, headers=headers)


def test_delivered_updates_the_send_log_once(
    http: TestClient, resend: FakeResend, sent: tuple[Tenant, str], superuser_url: str
) -> None:
    tenant, email_id = sent
    body, headers = resend.signed_event("email.delivered", email_id)
    first = _post(http, body, headers)
    assert first.status_code == 200, first.text
    assert first.json()["outcome"] == "applied"
    assert sends(superuser_url, tenant.id)[0]["status"] == "delivered"
    again = _post(http, body, headers)
    assert (again.status_code, again.json()["outcome"]) == (200, "duplicate")


def test_a_status_never_goes_back(
    http: TestClient, resend: FakeResend, sent: tuple[Tenant, str], superuser_url: str
) -> None:
    tenant, email_id = sent
    for kind in ("email.opened", "email.delivered", "email.sent"):
        body, headers = resend.signed_event(kind, email_id)
        assert _post(http, body, headers).status_code == 200
    assert sends(superuser_url, tenant.id)[0]["status"] == "opened"


@pytest.mark.parametrize(
    ("kind", "extra", "suppressed"),
    [
        (
            "email.bounced",
            {"bounce": {"type": "Permanent", "subType": "General", "message": "no such user"}},
            True,
        ),
        (
            "email.bounced",
            {"bounce": {"type": "Transient", "subType": "MailboxFull", "message": "full"}},
            False,
        ),
        ("email.complained", {}, True),
    ],
)
def test_hard_bounces_and_complaints_suppress_the_address(
    http: TestClient,
    resend: FakeResend,
    sent: tuple[Tenant, str],
    superuser_url: str,
    *,
    kind: str,
    extra: dict[str, Any],
    suppressed: bool,
) -> None:
    tenant, email_id = sent
    body, headers = resend.signed_event(kind, email_id, extra=extra)
    assert _post(http, body, headers).status_code == 200
    with system_transaction("tests.email") as conn:
        assert is_suppressed(conn, tenant.id, tenant.members["owner"].email.upper()) is suppressed
    other = create_tenant(superuser_url, "owner")
    with system_transaction("tests.email") as conn:
        assert not is_suppressed(conn, other.id, tenant.members["owner"].email)


def test_concurrent_duplicates_apply_once(
    http: TestClient, resend: FakeResend, sent: tuple[Tenant, str]
) -> None:
    _, email_id = sent
    body, headers = resend.signed_event("email.delivered", email_id)
    with ThreadPoolExecutor(6) as pool:
        outcomes = list(pool.map(lambda _: _post(http, body, headers).json()["outcome"], range(6)))
    assert sorted(outcomes) == ["applied"] + ["duplicate"] * 5


def test_unknown_email_and_other_events_are_acknowledged(http: TestClient, resend: FakeResend) -> None:
    body, headers = resend.signed_event("email.delivered", str(uuid.uuid4()))
    assert _post(http, body, headers).json()["outcome"] == "unknown_email"
    body, headers = resend.signed_event("contact.created", str(uuid.uuid4()))
    assert _post(http, body, headers).json()["outcome"] == "ignored"


@pytest.mark.parametrize("change", ["no_signature", "tampered", "stale", "future", "wrong_secret"])
def test_bad_deliveries_are_400_and_store_nothing(
    http: TestClient, resend: FakeResend, sent: tuple[Tenant, str], superuser_url: str, change: str
) -> None:
    import time

    tenant, email_id = sent
    stamp = {"stale": int(time.time()) - 301, "future": int(time.time()) + 301}.get(change)
    body, headers = resend.signed_event("email.delivered", email_id, timestamp=stamp)
    if change == "no_signature":
        del headers["svix-signature"]
    if change == "tampered":
        body = body.replace(b"email.delivered", b"email.complained")
    if change == "wrong_secret":
        from docflow_local.fake_resend import svix_sign

        headers["svix-signature"] = svix_sign(
            "whsec_" + "QUFBQUFBQUFBQUFBQUFBQQ==", headers["svix-id"], int(headers["svix-timestamp"]), body
        )
    response = _post(http, body, headers)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "invalid_signature"
    assert sends(superuser_url, tenant.id)[0]["status"] == "sent"
    with psycopg.connect(superuser_url) as conn:
        row = conn.execute(
            "select count(*) from public.resend_webhook_deliveries where svix_id = %s", (headers["svix-id"],)
        ).fetchone()
    assert row == (0,)
