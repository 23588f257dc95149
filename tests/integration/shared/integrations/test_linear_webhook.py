"""``POST /api/v1/webhooks/linear``: valid, wrong secret, stale, tampered, duplicate; the state
recorded back on the receipt's issue."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from docflow.integrations.linear_webhook import sign
from docflow_local.fake_linear import FakeLinear, Workspace
from tests.integration.shared.integrations.conftest import insert_receipt, rows
from tests.support.integrations import run_outbox
from tests.support.tenants import Tenant

pytestmark = pytest.mark.db

PATH = "/api/v1/webhooks/linear"


@pytest.fixture
def issue(
    linear_api: TestClient,
    linear_fake: FakeLinear,
    tenant: Tenant,
    superuser_url: str,
    as_role: Callable[..., dict[str, str]],
) -> tuple[Workspace, str]:
    """A connected tenant with one failed receipt's issue; the workspace and the issue id."""
    space = linear_fake.add_workspace()
    linear_api.put(
        "/api/v1/linear/connection",
        json={"api_key": space.api_key, "webhook_secret": space.webhook_secret},
        headers=as_role("owner"),
    )
    linear_api.put(
        "/api/v1/linear/settings", json={"team_id": space.teams[0]["id"]}, headers=as_role("owner")
    )
    receipt = insert_receipt(superuser_url, tenant.id)
    run_outbox(tenant.id)
    found = rows(
        superuser_url, "select issue_id::text from public.linear_issues where subject_id = %s", receipt
    )
    return space, str(found[0][0])


def _state(superuser_url: str, issue_id: str) -> tuple[str | None, str | None]:
    found = rows(
        superuser_url,
        "select state_name, state_type from public.linear_issues where issue_id::text = %s",
        issue_id,
    )
    return found[0][0], found[0][1]


def test_given_a_valid_delivery_then_the_state_is_recorded_once(
    linear_hook: TestClient, linear_fake: FakeLinear, issue: tuple[Workspace, str], superuser_url: str
) -> None:
    _, issue_id = issue
    body, headers = linear_fake.move_issue(issue_id, "Done", "completed")
    first = linear_hook.post(PATH, content=body, headers=headers)
    assert first.status_code == 200
    assert first.json()["outcome"] == "applied"
    assert _state(superuser_url, issue_id) == ("Done", "completed")
    again = linear_hook.post(PATH, content=body, headers=headers)
    assert again.json()["outcome"] == "duplicate"


def test_given_a_wrong_secret_then_400_and_nothing_changes(
    linear_hook: TestClient, linear_fake: FakeLinear, issue: tuple[Workspace, str], superuser_url: str
) -> None:
    _, issue_id = issue
    body, headers = linear_fake.move_issue(issue_id, "Done", "completed")
    headers["Linear-Signature"] = sign("lin_wh_not_the_right_secret_at_all", body)
    answer = linear_hook.post(PATH, content=body, headers=headers)
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid_signature"
    assert _state(superuser_url, issue_id) == ("Todo", "unstarted")


def test_given_a_stale_delivery_then_400(
    linear_hook: TestClient, linear_fake: FakeLinear, issue: tuple[Workspace, str], superuser_url: str
) -> None:
    _, issue_id = issue
    body, headers = linear_fake.move_issue(
        issue_id, "Done", "completed", timestamp_ms=int((time.time() - 61) * 1000)
    )
    answer = linear_hook.post(PATH, content=body, headers=headers)
    assert answer.status_code == 400
    assert _state(superuser_url, issue_id) == ("Todo", "unstarted")


def test_given_a_tampered_body_then_400(
    linear_hook: TestClient, linear_fake: FakeLinear, issue: tuple[Workspace, str], superuser_url: str
) -> None:
    _, issue_id = issue
    body, headers = linear_fake.move_issue(issue_id, "Done", "completed")
    tampered = json.loads(body)
    tampered["data"]["state"]["name"] = "Canceled"
    answer = linear_hook.post(PATH, content=json.dumps(tampered).encode(), headers=headers)
    assert answer.status_code == 400
    assert _state(superuser_url, issue_id) == ("Todo", "unstarted")


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Linear-Delivery": "abc", "Linear-Signature": "zz"},
        {"Linear-Delivery": "a b", "Linear-Signature": "0" * 64},
    ],
)
def test_given_missing_or_malformed_headers_then_400(
    linear_hook: TestClient, headers: dict[str, str]
) -> None:
    answer = linear_hook.post(
        PATH, content=b'{"webhookTimestamp": 1, "organizationId": "x"}', headers=headers
    )
    assert answer.status_code == 400
