"""``docflow.audit``: the one writer of ``public.audit_log``, for tenant requests and for jobs."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from docflow import audit
from docflow_local.seed import DemoData

pytestmark = pytest.mark.db


@dataclass(frozen=True)
class _Tenant:
    conn: Any
    tenant_id: uuid.UUID
    user_id: uuid.UUID


def _rows(conn: Any, correlation_id: str) -> list[dict[str, Any]]:
    return conn.execute(
        "select tenant_id, actor_user_id, action, target_type, target_id, details from public.audit_log"
        " where correlation_id = %s order by id",
        (correlation_id,),
    ).fetchall()


@pytest.fixture
def correlation_id(monkeypatch: pytest.MonkeyPatch) -> str:
    """The correlation id of the request the records are written for."""
    value = uuid.uuid4().hex
    monkeypatch.setattr(audit, "current_correlation_id", lambda: value)
    return value


def test_a_tenant_action_is_recorded_with_its_actor_tenant_and_correlation_id(
    act_as: Callable[..., Any], demo: DemoData, correlation_id: str
) -> None:
    member = demo.users[0]
    client_id = uuid.uuid4()
    with act_as(
        {"sub": str(member.user_id), "tenant_id": str(member.tenant_id)}, role="service_role"
    ) as conn:
        audit.record_tenant_action(
            _Tenant(conn, member.tenant_id, member.user_id),
            action="lead.converted",
            target_type="lead",
            target_id=client_id,
            details={"client_id": client_id, "count": 2},
        )
        rows = _rows(conn, correlation_id)
    assert rows == [
        {
            "tenant_id": member.tenant_id,
            "actor_user_id": member.user_id,
            "action": "lead.converted",
            "target_type": "lead",
            "target_id": str(client_id),
            "details": {"client_id": str(client_id), "count": 2},
        }
    ]


def test_an_anonymous_action_has_no_actor_and_details_refuse_anything_but_ids_and_plain_values(
    act_as: Callable[..., Any], demo: DemoData, correlation_id: str
) -> None:
    tenant_id = demo.users[0].tenant_id
    with act_as({"docflow_job": "leads.capture"}, role="service_role") as conn:
        audit.record(conn, action="lead.captured", actor=None, tenant_id=tenant_id, target_type="lead")
        assert _rows(conn, correlation_id)[0]["actor_user_id"] is None
        with pytest.raises(TypeError):
            audit.record(conn, action="lead.captured", actor=None, details={"when": object()})
