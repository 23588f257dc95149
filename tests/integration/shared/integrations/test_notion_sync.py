"""Clients and leads to Notion pages: through the API and the outbox, created once, then updated;
crash between Notion's answer and the record; faults keep the work queued; removal stops syncs."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import psycopg
import pytest
from fastapi.testclient import TestClient

from docflow.integrations.errors import ProviderError
from docflow_local.fake_notion import FakeNotion
from tests.integration.shared.integrations.conftest import insert_client, rows
from tests.support.integrations import run_outbox
from tests.support.tenants import Tenant

pytestmark = pytest.mark.db

TOKEN = "ntn_" + "a1" * 20


@pytest.fixture
def connected(notion_api: TestClient, notion_fake: FakeNotion, as_role: Callable[..., dict[str, str]]) -> str:
    """The tenant's Notion connected through the API with a data source chosen; its id."""
    notion_fake.add_token(TOKEN)
    source = notion_fake.add_data_source()
    assert (
        notion_api.put(
            "/api/v1/notion/connection", json={"token": TOKEN}, headers=as_role("owner")
        ).status_code
        == 200
    )
    answer = notion_api.put(
        "/api/v1/notion/target", json={"data_source_id": source}, headers=as_role("admin")
    )
    assert answer.status_code == 200, answer.text
    return source


def test_given_a_connected_tenant_when_a_client_is_written_then_one_page_is_created_then_updated(
    *,
    connected: str,
    tenant: Tenant,
    superuser_url: str,
    notion_fake: FakeNotion,
    notion_api: TestClient,
    as_role: Callable[..., dict[str, str]],
) -> None:
    client = insert_client(superuser_url, tenant.id, "Rakennus Oy", notes="x" * 4500)
    assert run_outbox(tenant.id) == ["created"]
    pages = notion_fake.pages_in(connected)
    assert len(pages) == 1
    assert pages[0]["properties"]["Name"]["title"][0]["text"]["content"] == "Rakennus Oy"
    assert [len(b["paragraph"]["rich_text"][0]["text"]["content"]) for b in pages[0]["children"]] == [
        2000,
        2000,
        500,
    ]
    with psycopg.connect(superuser_url) as conn:
        conn.execute("update public.clients set name = 'Rakennus Oy Ab' where id = %s", (client,))
    assert run_outbox(tenant.id) == ["updated"]
    pages = notion_fake.pages_in(connected)
    assert len(pages) == 1
    assert pages[0]["properties"]["Name"]["title"][0]["text"]["content"] == "Rakennus Oy Ab"
    status = notion_api.get("/api/v1/notion/sync", headers=as_role("viewer")).json()
    assert [(i["entity_id"], i["status"], i["page_id"]) for i in status["items"]] == [
        (str(client), "synced", pages[0]["id"])
    ]


def test_given_a_crash_after_the_create_when_rerun_then_the_page_is_found_not_duplicated(
    *, connected: str, tenant: Tenant, superuser_url: str, notion_fake: FakeNotion
) -> None:
    client = insert_client(superuser_url, tenant.id, "Kaatuva Oy")
    run_outbox(tenant.id)
    # As if the process died after Notion created the page and before the page id was recorded.
    with psycopg.connect(superuser_url) as conn:
        conn.execute(
            "update public.notion_pages set status = 'creating', page_id = null where entity_id = %s",
            (client,),
        )
        conn.execute("update public.clients set city = 'Oulu' where id = %s", (client,))
    assert run_outbox(tenant.id) == ["updated"]
    assert len(notion_fake.pages_in(connected)) == 1


@pytest.mark.parametrize("fault", ["429", "500"])
def test_given_transient_faults_when_synced_then_retried_and_created_once(
    *, connected: str, tenant: Tenant, superuser_url: str, notion_fake: FakeNotion, fault: str
) -> None:
    insert_client(superuser_url, tenant.id, "Sitkeä Oy")
    notion_fake.fail_next(fault, fault)
    assert run_outbox(tenant.id) == ["created"]
    assert len(notion_fake.pages_in(connected)) == 1


@pytest.mark.parametrize("fault", ["slow", "500", "redirect", "oversized"])
def test_given_a_fault_that_outlasts_the_retries_then_nothing_is_written_and_the_error_is_clear(
    *,
    connected: str,
    tenant: Tenant,
    superuser_url: str,
    notion_fake: FakeNotion,
    fault: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from docflow.integrations.consumer import handle
    from docflow.integrations.outbox import SyncMessage

    monkeypatch.setenv("INTEGRATIONS_MAX_ATTEMPTS", "1")
    from docflow.integrations.settings import reset_integrations_settings

    reset_integrations_settings()
    client = insert_client(superuser_url, tenant.id, "Hidas Oy")
    notion_fake.fail_next(fault)
    message = SyncMessage(
        outbox_id=1, tenant_id=tenant.id, provider="notion", topic="client", entity_id=client
    )
    try:
        if fault in {"slow", "500"}:
            with pytest.raises(ProviderError) as caught:
                handle(message)
            assert caught.value.transient
        else:
            assert handle(message) == "failed"
    finally:
        reset_integrations_settings()
    assert notion_fake.pages_in(connected) == []
    assert rows(superuser_url, "select page_id from public.notion_pages where entity_id = %s", client) in (
        [(None,)],
    )


def test_given_the_integration_removed_when_work_is_queued_then_nothing_reaches_notion(
    *,
    connected: str,
    tenant: Tenant,
    superuser_url: str,
    notion_fake: FakeNotion,
    notion_api: TestClient,
    as_role: Callable[..., dict[str, str]],
) -> None:
    from docflow.integrations.consumer import handle
    from docflow.integrations.outbox import SyncMessage

    client = insert_client(superuser_url, tenant.id, "Poistuva Oy")
    assert notion_api.delete("/api/v1/notion/connection", headers=as_role("owner")).status_code == 204
    assert rows(
        superuser_url, "select count(*) from public.integration_outbox where tenant_id = %s", tenant.id
    ) == [(0,)]
    # A message already on the queue is dropped.
    message = SyncMessage(
        outbox_id=1, tenant_id=tenant.id, provider="notion", topic="client", entity_id=client
    )
    assert handle(message) == "dropped"
    assert notion_fake.pages_in(connected) == []


def test_given_resync_when_asked_then_every_client_and_lead_is_queued(
    *,
    connected: str,
    tenant: Tenant,
    superuser_url: str,
    notion_fake: FakeNotion,
    notion_api: TestClient,
    as_role: Callable[..., dict[str, str]],
) -> None:
    for n in range(3):
        insert_client(superuser_url, tenant.id, f"Asiakas {n}")
    run_outbox(tenant.id)
    assert notion_api.post("/api/v1/notion/resync", headers=as_role("member")).status_code == 403
    answer = notion_api.post("/api/v1/notion/resync", headers=as_role("admin"))
    assert answer.status_code == 202
    assert answer.json() == {"queued": 3}
    assert sorted(run_outbox(tenant.id)) == ["updated"] * 3
    assert len(notion_fake.pages_in(connected)) == 3


def test_given_no_data_source_when_synced_then_the_record_is_marked_failed(
    *,
    notion_api: TestClient,
    notion_fake: FakeNotion,
    tenant: Tenant,
    superuser_url: str,
    as_role: Callable[..., dict[str, str]],
) -> None:
    notion_fake.add_token(TOKEN)
    notion_api.put("/api/v1/notion/connection", json={"token": TOKEN}, headers=as_role("owner"))
    client = insert_client(superuser_url, tenant.id, "Kohteeton Oy")
    assert run_outbox(tenant.id) == ["failed"]
    assert rows(
        superuser_url, "select status, error_code from public.notion_pages where entity_id = %s", client
    ) == [("failed", "data_source_not_chosen")]
    assert uuid.UUID(str(client))
