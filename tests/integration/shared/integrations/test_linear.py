"""Linear: connect, choose the team, one issue per failed receipt (also under duplicate deliveries
and retries), support requests, receipts waiting too long, GraphQL errors and faults."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import psycopg
import pytest
from fastapi.testclient import TestClient

from docflow.integrations import linear
from docflow.integrations.errors import ProviderError
from docflow_local.fake_linear import FakeLinear, Workspace
from tests.integration.shared.integrations.conftest import insert_receipt, rows
from tests.support.integrations import run_outbox
from tests.support.tenants import Tenant

pytestmark = pytest.mark.db


@pytest.fixture
def workspace(
    linear_api: TestClient, linear_fake: FakeLinear, as_role: Callable[..., dict[str, str]]
) -> Workspace:
    """The tenant connected to a fresh fake workspace, its team chosen."""
    space = linear_fake.add_workspace()
    answer = linear_api.put(
        "/api/v1/linear/connection",
        json={"api_key": space.api_key, "webhook_secret": space.webhook_secret},
        headers=as_role("owner"),
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["organization_id"] == space.organization_id
    teams = linear_api.get("/api/v1/linear/teams", headers=as_role("admin")).json()
    assert [t["key"] for t in teams] == ["DOC"]
    chosen = linear_api.put(
        "/api/v1/linear/settings",
        json={"team_id": teams[0]["id"], "review_after_hours": 1},
        headers=as_role("owner"),
    )
    assert chosen.status_code == 200
    return space


def test_given_a_failed_receipt_when_delivered_twice_then_one_issue(
    *,
    workspace: Workspace,
    tenant: Tenant,
    superuser_url: str,
    linear_fake: FakeLinear,
    linear_api: TestClient,
    as_role: Callable[..., dict[str, str]],
) -> None:
    from docflow.integrations.consumer import handle
    from docflow.integrations.outbox import SyncMessage

    receipt = insert_receipt(superuser_url, tenant.id)
    message = SyncMessage(
        outbox_id=9, tenant_id=tenant.id, provider="linear", topic="receipt_failed", entity_id=receipt
    )
    assert run_outbox(tenant.id) == ["created"]
    assert handle(message) == "exists"
    issues = [
        i for i in linear_fake.state.issues.values() if i["organizationId"] == workspace.organization_id
    ]
    assert len(issues) == 1
    assert issues[0]["id"] == str(linear.issue_id(tenant.id, "receipt", receipt))
    listed = linear_api.get("/api/v1/linear/issues", headers=as_role("viewer")).json()["items"]
    assert [(i["subject_id"], i["status"], i["identifier"]) for i in listed] == [
        (str(receipt), "created", issues[0]["identifier"])
    ]


def test_given_a_crash_after_linear_created_the_issue_when_rerun_then_it_is_found_not_duplicated(
    *, workspace: Workspace, tenant: Tenant, superuser_url: str, linear_fake: FakeLinear
) -> None:
    receipt = insert_receipt(superuser_url, tenant.id)
    run_outbox(tenant.id)
    with psycopg.connect(superuser_url) as conn:
        conn.execute("update public.linear_issues set status = 'pending' where subject_id = %s", (receipt,))
        conn.execute(
            "insert into public.integration_outbox (tenant_id, provider, topic, entity_id)"
            " values (%s, 'linear', 'receipt_failed', %s)",
            (tenant.id, receipt),
        )
    assert run_outbox(tenant.id) == ["created"]
    assert (
        sum(1 for i in linear_fake.state.issues.values() if i["organizationId"] == workspace.organization_id)
        == 1
    )


def test_given_a_support_request_when_posted_then_an_issue_is_opened_in_the_background(
    *,
    workspace: Workspace,
    tenant: Tenant,
    linear_api: TestClient,
    linear_fake: FakeLinear,
    as_role: Callable[..., dict[str, str]],
) -> None:
    answer = linear_api.post(
        "/api/v1/linear/support",
        json={"title": "Kuitti puuttuu", "body": "Rivi 2\nei näy"},
        headers=as_role("member"),
    )
    assert answer.status_code == 202
    request_id = answer.json()["id"]
    assert run_outbox(tenant.id) == ["created"]
    titles = [
        i["title"]
        for i in linear_fake.state.issues.values()
        if i["organizationId"] == workspace.organization_id
    ]
    assert titles == ["Support: Kuitti puuttuu"]
    listed = linear_api.get("/api/v1/linear/issues?subject_kind=support", headers=as_role("member")).json()[
        "items"
    ]
    assert [i["subject_id"] for i in listed] == [request_id]


def test_given_linear_not_connected_when_support_is_asked_then_409(
    *, linear_api: TestClient, as_role: Callable[..., dict[str, str]]
) -> None:
    answer = linear_api.post(
        "/api/v1/linear/support", json={"title": "x", "body": "y"}, headers=as_role("member")
    )
    assert answer.status_code == 409
    assert answer.json()["code"] == "integration_not_connected"


def test_given_a_receipt_waiting_for_review_past_the_threshold_when_swept_then_one_issue(
    *, workspace: Workspace, tenant: Tenant, superuser_url: str, linear_fake: FakeLinear
) -> None:
    from docflow.db import system_transaction
    from docflow.integrations import outbox

    old = insert_receipt(superuser_url, tenant.id, status="needs_review")
    fresh = insert_receipt(superuser_url, tenant.id, status="needs_review")
    with psycopg.connect(superuser_url) as conn:
        conn.execute(
            "update public.receipts set updated_at = now() - interval '2 hours' where id = %s", (old,)
        )
    with system_transaction("tests.sweep") as conn:
        assert outbox.sweep_reviews(conn) >= 1
    with system_transaction("tests.sweep") as conn:
        outbox.sweep_reviews(conn)
    assert run_outbox(tenant.id) == ["created"]
    subjects = rows(
        superuser_url, "select subject_id from public.linear_issues where tenant_id = %s", tenant.id
    )
    assert subjects == [(old,)]
    assert fresh != old


def test_given_a_refused_key_when_connecting_then_422_and_nothing_stored(
    *, linear_api: TestClient, tenant: Tenant, superuser_url: str, as_role: Callable[..., dict[str, str]]
) -> None:
    answer = linear_api.put(
        "/api/v1/linear/connection",
        json={"api_key": "lin_api_" + "0" * 30, "webhook_secret": "lin_wh_" + "1" * 20},
        headers=as_role("owner"),
    )
    assert answer.status_code == 422
    assert rows(
        superuser_url, "select count(*) from public.integrations where tenant_id = %s", tenant.id
    ) == [(0,)]


@pytest.mark.parametrize(
    ("fault", "upstream", "transient"),
    [
        ("429", "ratelimited", True),
        ("500", "http_500", True),
        ("slow", "timeout", True),
        ("redirect", "http_307", False),
        ("oversized", "oversized", False),
    ],
)
def test_given_a_fault_when_linear_is_called_then_a_clear_bounded_error(
    *, linear_fake: FakeLinear, fault: str, upstream: str, transient: bool
) -> None:
    space = linear_fake.add_workspace()
    linear_fake.fail_next(fault)
    with pytest.raises(ProviderError) as caught:
        linear.execute(space.api_key, linear.VIEWER)
    assert (caught.value.upstream, caught.value.transient) == (upstream, transient)


def test_given_a_graphql_error_then_its_user_presentable_message_is_kept(linear_fake: FakeLinear) -> None:
    space = linear_fake.add_workspace()
    with pytest.raises(ProviderError) as caught:
        linear.create_issue(
            space.api_key, issue=uuid.uuid4(), team_id="no-such-team", title="t", description="d"
        )
    assert caught.value.upstream == "invalid_input"
    assert caught.value.detail == "Team not found"
    assert not caught.value.transient


def test_given_a_rate_limited_call_when_retried_then_it_succeeds(
    *, workspace: Workspace, tenant: Tenant, superuser_url: str, linear_fake: FakeLinear
) -> None:
    insert_receipt(superuser_url, tenant.id)
    linear_fake.fail_next("429", "500")
    assert run_outbox(tenant.id) == ["created"]
