"""The automatic second reading's consumer: a queued receipt is read again under its uploader's
membership when the tenant still wants it; model failures are retried (partial batch response),
everything else is final and writes nothing."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import psycopg
import pytest

from docflow_local.fake_openai import FakeOpenAI
from docflow_local.lambda_context import LocalLambdaContext
from tests.support.paths import REPO_ROOT
from tests.support.tenants import Tenant

pytestmark = pytest.mark.db

Row = Callable[[uuid.UUID], dict[str, Any]]


def _event(*bodies: str) -> dict[str, Any]:
    return {
        "Records": [
            {"messageId": f"m-{n}", "body": body, "eventSource": "aws:sqs"} for n, body in enumerate(bodies)
        ]
    }


def _message(tenant: Tenant, receipt_id: uuid.UUID) -> str:
    return json.dumps({"tenant_id": str(tenant.id), "receipt_id": str(receipt_id)})


def _handler() -> Callable[..., dict[str, Any]]:
    from docflow_ai_reading.handler import handler

    return handler


def _switch(superuser_url: str, tenant: Tenant, on: bool) -> None:
    with psycopg.connect(superuser_url) as conn:
        conn.execute("update public.tenants set ai_auto_second_reading = %s where id = %s", (on, tenant.id))


def _audit(superuser_url: str, receipt_id: uuid.UUID) -> list[Any]:
    with psycopg.connect(superuser_url) as conn:
        return conn.execute(
            "select actor_user_id, details from public.audit_log"
            " where action = 'ai.receipt_read_again' and target_id = %s",
            (str(receipt_id),),
        ).fetchall()


def test_a_queued_receipt_is_read_again_as_its_uploader(
    tenant: Tenant, hard_receipt: Callable[..., uuid.UUID], model: FakeOpenAI, row: Row, superuser_url: str
) -> None:
    _switch(superuser_url, tenant, True)
    uploader = tenant.users["member"]
    receipt_id = hard_receipt(tenant, uploaded_by=uploader)
    result = _handler()(_event(_message(tenant, receipt_id)), LocalLambdaContext("ai_reading"))
    assert result == {"batchItemFailures": []}
    stored = row(receipt_id)
    assert len(stored["readings"]) == 1
    assert stored["readings"][0]["accepted"] > 0
    with psycopg.connect(superuser_url) as conn:
        (created_by,) = conn.execute(
            "select created_by from public.ai_receipt_readings where receipt_id = %s", (receipt_id,)
        ).fetchone() or (None,)
    assert created_by == uploader
    ((actor, details),) = _audit(superuser_url, receipt_id)
    assert actor == uploader
    assert details["automatic"] is True


def test_nothing_is_read_once_the_tenant_switched_it_off(
    tenant: Tenant, hard_receipt: Callable[..., uuid.UUID], model: FakeOpenAI, row: Row, superuser_url: str
) -> None:
    receipt_id = hard_receipt(tenant, uploaded_by=tenant.users["member"])
    result = _handler()(_event(_message(tenant, receipt_id)), LocalLambdaContext("ai_reading"))
    assert result == {"batchItemFailures": []}
    assert row(receipt_id)["readings"] == []
    assert model.requests == []


def test_nothing_is_read_when_the_uploader_is_no_longer_a_member(
    tenant: Tenant, hard_receipt: Callable[..., uuid.UUID], model: FakeOpenAI, row: Row, superuser_url: str
) -> None:
    _switch(superuser_url, tenant, True)
    receipt_id = hard_receipt(tenant, uploaded_by=tenant.users["viewer"])  # viewers may not edit
    assert _handler()(_event(_message(tenant, receipt_id)), LocalLambdaContext("ai_reading")) == {
        "batchItemFailures": []
    }
    assert row(receipt_id)["readings"] == []


def test_a_model_failure_is_retried_and_writes_nothing(
    tenant: Tenant, hard_receipt: Callable[..., uuid.UUID], model: FakeOpenAI, row: Row, superuser_url: str
) -> None:
    _switch(superuser_url, tenant, True)
    receipt_id = hard_receipt(tenant, uploaded_by=tenant.users["owner"])
    model.fail_next(500, 500, 500, 500, 500, 500)
    result = _handler()(_event("not json", _message(tenant, receipt_id)), LocalLambdaContext("ai_reading"))
    assert result == {"batchItemFailures": [{"itemIdentifier": "m-1"}]}  # the malformed one is dropped
    stored = row(receipt_id)
    assert stored["readings"] == []
    assert stored["status"] == "needs_review"


def test_a_receipt_no_longer_hard_is_final(
    tenant: Tenant, hard_receipt: Callable[..., uuid.UUID], model: FakeOpenAI, row: Row, superuser_url: str
) -> None:
    _switch(superuser_url, tenant, True)
    receipt_id = hard_receipt(tenant, uploaded_by=tenant.users["owner"], status="processed", confidence=0.95)
    assert _handler()(_event(_message(tenant, receipt_id)), LocalLambdaContext("ai_reading")) == {
        "batchItemFailures": []
    }
    assert row(receipt_id)["readings"] == []


def test_the_sample_event_runs_through_the_handler(postgres: object) -> None:
    event = json.loads((REPO_ROOT / "events" / "ai_reading" / "sqs" / "auto-reading.json").read_text())
    assert _handler()(event, LocalLambdaContext("ai_reading")) == {"batchItemFailures": []}
