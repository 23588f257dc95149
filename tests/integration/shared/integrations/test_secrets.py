"""Integration secrets: sealed at rest, never answered back, owners and admins only, rotatable,
bound to their tenant, and absent from logs, Sentry envelopes and error bodies (canaries)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator

import psycopg
import pytest
import sentry_sdk
from fastapi.testclient import TestClient

from docflow import sentry as docflow_sentry
from docflow.integrations.errors import ProviderError, SealingUnavailable
from docflow_local.fake_linear import FakeLinear
from docflow_local.fake_notion import FakeNotion
from tests.integration.shared.integrations.conftest import insert_client, insert_receipt, rows
from tests.support.integrations import run_outbox
from tests.support.sentry_transport import CapturingTransport
from tests.support.tenants import Tenant, create_tenant

pytestmark = pytest.mark.db

CANARY = "ntn_CanaryNotionToken" + "7q" * 12
LINEAR_CANARY = "lin_api_CanaryLinearKey" + "9z" * 12
WEBHOOK_CANARY = "lin_wh_CanaryWebhookSecret" + "4k" * 8


@pytest.fixture
def transport() -> Iterator[CapturingTransport]:
    capturing = CapturingTransport()
    assert docflow_sentry.init_sentry(
        dsn="https://public@o0.ingest.sentry.invalid/1", environment="test", release="t", transport=capturing
    )
    try:
        with sentry_sdk.isolation_scope():
            yield capturing
    finally:
        docflow_sentry.shutdown_sentry()


def _sealed_row_text(superuser_url: str, tenant_id: uuid.UUID) -> str:
    found = rows(superuser_url, "select i::text from public.integrations i where tenant_id = %s", tenant_id)
    return " ".join(str(row[0]) for row in found)


def test_given_a_token_when_set_then_it_is_sealed_at_rest_and_never_answered(
    *, notion_api: TestClient, tenant: Tenant, superuser_url: str, as_role: Callable[..., dict[str, str]]
) -> None:
    answer = notion_api.put("/api/v1/notion/connection", json={"token": CANARY}, headers=as_role("owner"))
    assert answer.status_code == 200
    assert CANARY not in answer.text
    body = answer.json()
    assert set(body) == {"provider", "fingerprint", "set_at", "data_source_id", "mapping"}
    shown = notion_api.get("/api/v1/notion/connection", headers=as_role("admin"))
    assert shown.status_code == 200
    assert CANARY not in shown.text
    assert shown.json()["fingerprint"] == body["fingerprint"]
    at_rest = _sealed_row_text(superuser_url, tenant.id)
    assert CANARY not in at_rest
    assert CANARY.encode().hex() not in at_rest
    assert "CanaryNotionToken" not in at_rest


@pytest.mark.parametrize("label", ["member", "viewer"])
def test_given_a_member_or_viewer_when_they_touch_the_integration_then_403(
    *, notion_api: TestClient, linear_api: TestClient, label: str, as_role: Callable[..., dict[str, str]]
) -> None:
    headers = as_role(label)
    assert (
        notion_api.put("/api/v1/notion/connection", json={"token": CANARY}, headers=headers).status_code
        == 403
    )
    assert notion_api.get("/api/v1/notion/connection", headers=headers).status_code == 403
    assert notion_api.delete("/api/v1/notion/connection", headers=headers).status_code == 403
    assert linear_api.get("/api/v1/linear/connection", headers=headers).status_code == 403


def test_given_the_request_role_when_it_reads_the_sealed_columns_then_the_database_refuses(
    *, notion_api: TestClient, tenant: Tenant, as_role: Callable[..., dict[str, str]]
) -> None:
    from docflow.db import get_pool, set_request_claims

    notion_api.put("/api/v1/notion/connection", json={"token": CANARY}, headers=as_role("owner"))
    owner = tenant.members["owner"]
    claims = {"sub": str(owner.user_id), "role": "authenticated", "tenant_id": str(tenant.id)}
    with get_pool().connection() as conn, conn.transaction():
        set_request_claims(conn, claims, role="authenticated")
        visible = conn.execute("select fingerprint from public.integrations").fetchall()
        assert len(visible) == 1
        with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
            conn.execute("select secret_sealed, data_key from public.integrations")


def test_given_a_rotation_when_set_again_then_a_new_key_and_fingerprint_and_the_target_is_kept(
    *,
    notion_api: TestClient,
    notion_fake: FakeNotion,
    tenant: Tenant,
    superuser_url: str,
    as_role: Callable[..., dict[str, str]],
) -> None:
    first = notion_api.put(
        "/api/v1/notion/connection", json={"token": CANARY}, headers=as_role("owner")
    ).json()
    source = notion_fake.add_data_source()
    notion_api.put("/api/v1/notion/target", json={"data_source_id": source}, headers=as_role("owner"))
    before = rows(superuser_url, "select data_key from public.integrations where tenant_id = %s", tenant.id)
    second = notion_api.put(
        "/api/v1/notion/connection", json={"token": CANARY[:-4] + "abcd"}, headers=as_role("admin")
    ).json()
    after = rows(superuser_url, "select data_key from public.integrations where tenant_id = %s", tenant.id)
    assert second["fingerprint"] != first["fingerprint"]
    assert before != after
    assert second["data_source_id"] == source


def test_given_tenant_b_when_it_asks_for_or_removes_a_s_integration_then_it_sees_nothing(
    *,
    notion_api: TestClient,
    tenant: Tenant,
    superuser_url: str,
    as_role: Callable[..., dict[str, str]],
    token_for: Callable[..., str],
) -> None:
    notion_api.put("/api/v1/notion/connection", json={"token": CANARY}, headers=as_role("owner"))
    other = create_tenant(superuser_url, "owner")
    b_owner = other.members["owner"]
    b_headers = {"Authorization": f"Bearer {token_for(b_owner.user_id, b_owner.email)}"}
    assert (
        notion_api.get(
            "/api/v1/notion/connection", headers={**b_headers, "X-Tenant-Id": str(other.id)}
        ).status_code
        == 404
    )
    assert (
        notion_api.get(
            "/api/v1/notion/connection", headers={**b_headers, "X-Tenant-Id": str(tenant.id)}
        ).status_code
        == 403
    )
    assert (
        notion_api.delete(
            "/api/v1/notion/connection", headers={**b_headers, "X-Tenant-Id": str(other.id)}
        ).status_code
        == 404
    )
    assert rows(
        superuser_url, "select count(*) from public.integrations where tenant_id = %s", tenant.id
    ) == [(1,)]


def test_given_a_sealed_row_copied_to_tenant_b_when_used_then_it_cannot_be_opened(
    *, notion_api: TestClient, tenant: Tenant, superuser_url: str, as_role: Callable[..., dict[str, str]]
) -> None:
    from docflow.db import system_transaction
    from docflow.integrations import store

    notion_api.put("/api/v1/notion/connection", json={"token": CANARY}, headers=as_role("owner"))
    other = create_tenant(superuser_url, "owner")
    with psycopg.connect(superuser_url) as conn:
        conn.execute(
            """
            insert into public.integrations
              (tenant_id, provider, data_key, secret_nonce, secret_sealed, fingerprint)
            select %s, provider, data_key, secret_nonce, secret_sealed, fingerprint
              from public.integrations where tenant_id = %s and provider = 'notion'
            """,
            (other.id, tenant.id),
        )
    with pytest.raises(SealingUnavailable), system_transaction("tests.integrations") as conn:
        store.load(conn, other.id, "notion")
    with system_transaction("tests.integrations") as conn:
        opened = store.load(conn, tenant.id, "notion")
    assert opened is not None
    assert opened.secret == CANARY
    assert CANARY not in repr(opened)


def test_given_an_invalid_secret_when_refused_then_the_problem_does_not_echo_it(
    *, notion_api: TestClient, linear_api: TestClient, as_role: Callable[..., dict[str, str]]
) -> None:
    bad = notion_api.put("/api/v1/notion/connection", json={"token": CANARY + "!"}, headers=as_role("owner"))
    assert bad.status_code == 422
    assert "CanaryNotionToken" not in bad.text
    refused = linear_api.put(
        "/api/v1/linear/connection",
        json={"api_key": LINEAR_CANARY, "webhook_secret": WEBHOOK_CANARY},
        headers=as_role("owner"),
    )
    assert refused.status_code == 422
    assert "CanaryLinearKey" not in refused.text
    assert "CanaryWebhookSecret" not in refused.text


def test_given_failing_syncs_when_logged_and_reported_then_no_secret_reaches_logs_or_sentry(
    *,
    notion_api: TestClient,
    linear_api: TestClient,
    notion_fake: FakeNotion,
    linear_fake: FakeLinear,
    tenant: Tenant,
    superuser_url: str,
    as_role: Callable[..., dict[str, str]],
    transport: CapturingTransport,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from docflow.integrations import linear
    from docflow.integrations.consumer import handle_sqs_event

    caplog.set_level(logging.DEBUG)
    notion_fake.add_token(CANARY)
    space = linear_fake.add_workspace(api_key=LINEAR_CANARY, webhook_secret=WEBHOOK_CANARY)
    notion_api.put("/api/v1/notion/connection", json={"token": CANARY}, headers=as_role("owner"))
    notion_api.put(
        "/api/v1/notion/target",
        json={"data_source_id": notion_fake.add_data_source()},
        headers=as_role("owner"),
    )
    assert (
        linear_api.put(
            "/api/v1/linear/connection",
            json={"api_key": LINEAR_CANARY, "webhook_secret": WEBHOOK_CANARY},
            headers=as_role("owner"),
        ).status_code
        == 200
    )
    linear_api.put(
        "/api/v1/linear/settings", json={"team_id": space.teams[0]["id"]}, headers=as_role("owner")
    )
    insert_client(superuser_url, tenant.id, "Vuotava Oy")
    insert_receipt(superuser_url, tenant.id)
    notion_fake.fail_next(*["500"] * 10)
    linear_fake.fail_next(*["500"] * 10)
    with psycopg.connect(superuser_url) as conn:
        pending = conn.execute(
            "select id, tenant_id, provider, topic, entity_id from public.integration_outbox"
            " where tenant_id = %s",
            (tenant.id,),
        ).fetchall()
    from docflow.integrations.outbox import SyncMessage

    records = [
        {
            "messageId": str(row[0]),
            "attributes": {"MessageGroupId": f"{row[1]}-{row[2]}"},
            "body": SyncMessage(
                outbox_id=row[0], tenant_id=row[1], provider=row[2], topic=row[3], entity_id=row[4]
            ).model_dump_json(),
        }
        for row in pending
    ]
    assert len(records) == 2
    answer = handle_sqs_event({"Records": records})
    assert len(answer["batchItemFailures"]) == 2
    with pytest.raises(ProviderError) as caught:
        linear.execute(LINEAR_CANARY, linear.VIEWER) if not linear_fake.fail_next("500") else None
    sentry_sdk.capture_exception(caught.value)
    logging.getLogger("docflow").error("sync failed", exc_info=caught.value)
    sentry_sdk.flush()
    notion_fake.reset()
    linear_fake.reset()
    seen = transport.serialized() + caplog.text + "".join(capsys.readouterr())
    assert transport.envelopes
    assert "linear.py" in transport.serialized()  # the frames (and their locals) were reported
    for canary in ("CanaryNotionToken", "CanaryLinearKey", "CanaryWebhookSecret"):
        assert canary not in seen
    run_outbox(tenant.id)
