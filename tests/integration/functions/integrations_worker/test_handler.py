"""The integrations worker's Lambda handler on its sample events: SQS batches (a malformed message
dropped, transient failures and the rest of their group returned) and the scheduled drain."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from docflow_local.fake_notion import FakeNotion
from docflow_local.lambda_context import LocalLambdaContext
from tests.integration.shared.integrations.conftest import insert_client
from tests.support.paths import REPO_ROOT
from tests.support.tenants import create_tenant

pytestmark = pytest.mark.db

EVENTS = REPO_ROOT / "events" / "integrations_worker"


def _invoke(event: dict[str, Any]) -> Any:
    from docflow_integrations_worker.handler import handler

    return handler(event, LocalLambdaContext("integrations_worker"))


def test_given_the_sample_sqs_event_then_the_malformed_message_is_dropped_and_nothing_retried(
    postgres: object,
) -> None:
    event = json.loads((EVENTS / "sqs" / "notion-sync.json").read_text())
    assert _invoke(event) == {"batchItemFailures": []}


def test_given_a_failing_notion_then_the_message_and_the_rest_of_its_group_are_returned(
    superuser_url: str, notion_fake: FakeNotion, token_for: Callable[..., str]
) -> None:
    from docflow_notion.handler import app

    tenant = create_tenant(superuser_url, "owner")
    owner = tenant.members["owner"]
    headers = {
        "Authorization": f"Bearer {token_for(owner.user_id, owner.email)}",
        "X-Tenant-Id": str(tenant.id),
    }
    token = "ntn_" + uuid.uuid4().hex
    notion_fake.add_token(token)
    with TestClient(app) as api:
        api.put("/api/v1/notion/connection", json={"token": token}, headers=headers)
        api.put(
            "/api/v1/notion/target", json={"data_source_id": notion_fake.add_data_source()}, headers=headers
        )
    clients = [insert_client(superuser_url, tenant.id, f"Ryhmä {n}") for n in range(3)]
    records = [
        {
            "messageId": f"m{n}",
            "attributes": {"MessageGroupId": str(tenant.id)},
            "body": json.dumps(
                {
                    "outbox_id": n + 1,
                    "tenant_id": str(tenant.id),
                    "provider": "notion",
                    "topic": "client",
                    "entity_id": str(client),
                }
            ),
        }
        for n, client in enumerate(clients)
    ]
    notion_fake.fail_next(*["500"] * 20)
    try:
        answer = _invoke({"Records": records})
    finally:
        notion_fake.reset()
    assert answer == {
        "batchItemFailures": [{"itemIdentifier": "m0"}, {"itemIdentifier": "m1"}, {"itemIdentifier": "m2"}]
    }


def test_given_the_schedule_then_the_outbox_is_drained(postgres: object) -> None:
    event = json.loads((EVENTS / "schedule" / "drain.json").read_text())
    answer = _invoke(event)
    assert set(answer) == {"published", "review_issues"}


def test_given_an_unknown_event_then_it_raises(postgres: object) -> None:
    with pytest.raises(ValueError, match="not an event"):
        _invoke({"something": "else"})
