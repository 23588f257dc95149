"""Categories: the tenant's rules first, the model only for what no rule places, its choice a
suggestion until a member decides, and an accepted suggestion can become a rule."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import psycopg
from fastapi.testclient import TestClient

from docflow.tenancy import Role
from docflow_local.fake_openai import FakeOpenAI
from tests.support.tenants import Headers, Tenant

Insert = Callable[..., uuid.UUID]
Read = Callable[[uuid.UUID], dict[str, Any]]


def categorise(
    http: TestClient, auth: Headers, tenant: Tenant, receipt_id: uuid.UUID, role: Role = Role.OWNER
) -> Any:
    return http.post(f"/api/v1/ai/receipts/{receipt_id}/category", headers=auth(tenant, role))


def decide(
    http: TestClient,
    auth: Headers,
    tenant: Tenant,
    receipt_id: uuid.UUID,
    role: Role = Role.OWNER,
    **body: Any,
) -> Any:
    return http.post(
        f"/api/v1/ai/receipts/{receipt_id}/category/decision", json=body, headers=auth(tenant, role)
    )


def test_a_rule_places_the_receipt_without_the_model(
    http: TestClient,
    auth: Headers,
    tenant: Tenant,
    *,
    hard_receipt: Insert,
    row: Read,
    superuser_url: str,
    model: FakeOpenAI,
) -> None:
    receipt_id = hard_receipt(tenant)
    with psycopg.connect(superuser_url) as conn:
        conn.execute(
            """
            insert into public.category_rules (tenant_id, category_id, match_kind, pattern)
            select tenant_id, id, 'merchant', 'k-market' from public.expense_categories
             where tenant_id = %s and code = 'tarvikkeet'
            """,
            (tenant.id,),
        )
    body = categorise(http, auth, tenant, receipt_id).json()
    assert body == {
        "receipt_id": str(receipt_id),
        "category": "tarvikkeet",
        "source": "rule",
        "status": "accepted",
        "rule_id": None,
    }
    assert row(receipt_id)["category"] == "tarvikkeet"
    assert model.requests == []


def test_the_model_suggests_one_of_the_tenant_s_categories(
    http: TestClient, auth: Headers, tenant: Tenant, *, hard_receipt: Insert, row: Read, model: FakeOpenAI
) -> None:
    receipt_id = hard_receipt(tenant, merchant="Neste Espoo Kilo")
    response = categorise(http, auth, tenant, receipt_id, Role.MEMBER)
    assert response.status_code == 200, response.text
    assert response.json()["source"] == "model"
    assert response.json()["status"] == "suggested"
    assert response.json()["category"] == "polttoaine"
    assert row(receipt_id)["category"] is None  # only a suggestion until a member decides
    schema = model.requests[-1]["response_format"]["json_schema"]["schema"]
    assert "polttoaine" in schema["properties"]["category"]["enum"]
    assert len(schema["properties"]["category"]["enum"]) == 15
    assert "24,93" not in model.requests[-1]["messages"][1]["content"]  # no OCR text or amounts


def test_a_category_the_tenant_lacks_is_refused_and_nothing_stored(
    http: TestClient,
    auth: Headers,
    tenant: Tenant,
    *,
    hard_receipt: Insert,
    superuser_url: str,
    model: FakeOpenAI,
) -> None:
    receipt_id = hard_receipt(tenant)
    model.reply_next('{"category": "yacht"}')
    response = categorise(http, auth, tenant, receipt_id)
    assert response.status_code == 502
    with psycopg.connect(superuser_url) as conn:
        stored = conn.execute(
            "select count(*) from public.ai_category_suggestions where receipt_id = %s", (receipt_id,)
        ).fetchone()
    assert stored == (0,)


def test_accepting_makes_it_a_person_s_choice_and_a_rule(
    http: TestClient,
    auth: Headers,
    tenant: Tenant,
    *,
    hard_receipt: Insert,
    row: Read,
    superuser_url: str,
    model: FakeOpenAI,
) -> None:
    receipt_id = hard_receipt(tenant, merchant="Neste Espoo Kilo")
    categorise(http, auth, tenant, receipt_id)
    assert decide(http, auth, tenant, receipt_id, Role.MEMBER, make_rule=True).status_code == 403
    response = decide(http, auth, tenant, receipt_id, Role.ADMIN, make_rule=True)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "accepted"
    assert response.json()["rule_id"] is not None
    stored = row(receipt_id)
    assert stored["category"] == "polttoaine"
    assert "category" in stored["corrected_fields"]
    with psycopg.connect(superuser_url) as conn:
        rule = conn.execute(
            "select match_kind, pattern from public.category_rules where id = %s",
            (response.json()["rule_id"],),
        ).fetchone()
    assert rule == ("merchant", "Neste Espoo Kilo")
    assert decide(http, auth, tenant, receipt_id).status_code == 409  # decided once
    assert categorise(http, auth, tenant, receipt_id).status_code == 409  # a person chose it


def test_changing_the_suggestion(
    http: TestClient, auth: Headers, tenant: Tenant, *, hard_receipt: Insert, row: Read, model: FakeOpenAI
) -> None:
    receipt_id = hard_receipt(tenant)
    categorise(http, auth, tenant, receipt_id)
    assert decide(http, auth, tenant, receipt_id, category="no_such").status_code == 422
    response = decide(http, auth, tenant, receipt_id, Role.MEMBER, category="toimisto")
    assert response.json()["status"] == "changed"
    assert row(receipt_id)["category"] == "toimisto"


def test_no_suggestion_no_decision(
    http: TestClient, auth: Headers, tenant: Tenant, hard_receipt: Insert
) -> None:
    assert decide(http, auth, tenant, hard_receipt(tenant)).status_code == 404
