"""Fixtures of the leads tests: clients per role and tenant, a clean slate per test."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from docflow.tenancy import Role
from docflow_local.seed import DemoData, demo_id, lead_form_key

TENANT_A = demo_id("tenant:demo-oy")
TENANT_B = demo_id("tenant:esimerkki-ab")
FORM_A = lead_form_key("demo-oy")
FORM_B = lead_form_key("esimerkki-ab")


@pytest.fixture(scope="session")
def leads_app(postgres: object) -> Any:
    from docflow_leads.handler import app

    return app


@pytest.fixture
def public(leads_app: Any) -> Iterator[TestClient]:
    """An anonymous browser at a fixed address."""
    with TestClient(leads_app, raise_server_exceptions=False, client=("203.0.113.10", 40000)) as client:
        yield client


def _clean(superuser_url: str) -> None:
    with psycopg.connect(superuser_url) as conn:
        conn.execute("delete from public.leads where tenant_id in (%s, %s)", (TENANT_A, TENANT_B))
        conn.execute("delete from app_private.rate_limits")


@pytest.fixture(autouse=True)
def clean_leads(superuser_url: str, demo: DemoData) -> Iterator[None]:
    """Every test starts with no leads and no rate-limit windows, and leaves none behind."""
    _clean(superuser_url)
    yield
    _clean(superuser_url)


@pytest.fixture
def auth_headers(
    demo: DemoData, token_for: Callable[..., str]
) -> Callable[[uuid.UUID, Role], dict[str, str]]:
    """Authorization headers of the demo user with ``role`` in ``tenant``."""

    def headers(tenant: uuid.UUID, role: Role = Role.OWNER) -> dict[str, str]:
        user = next(u for u in demo.users if u.tenant_id == tenant and u.role == role)
        return {"Authorization": f"Bearer {token_for(user.user_id, user.email)}"}

    return headers


def user_id(demo: DemoData, tenant: uuid.UUID, role: Role) -> uuid.UUID:
    """The demo user with ``role`` in ``tenant``."""
    return next(u.user_id for u in demo.users if u.tenant_id == tenant and u.role == role)


def submission(**overrides: Any) -> dict[str, Any]:
    """A valid contact-form body for tenant A."""
    body: dict[str, Any] = {
        "form_key": str(FORM_A),
        "name": "Maija Meikäläinen",
        "email": "maija@example.fi",
        "phone": "+358 40 123 4567",
        "company": "Meikäläinen Oy",
        "message": "Tarvitsemme kirjanpitäjän kuitteja varten.",
        "consent": True,
        "website": "",
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}


def insert_lead(superuser_url: str, tenant: uuid.UUID, **values: Any) -> uuid.UUID:
    """A lead written behind the API's back (as the capture job would)."""
    row: dict[str, Any] = {
        "name": "Lead",
        "email": f"{uuid.uuid4().hex[:8]}@example.fi",
        "company": None,
        "message": "Hello",
        "status": "new",
    }
    row.update(values)
    with psycopg.connect(superuser_url) as conn:
        result = conn.execute(
            """
            insert into public.leads (tenant_id, name, email, company, message, message_sha256, status,
                                      consent_at)
            values (%s, %s, %s, %s, %s, encode(sha256(convert_to(%s, 'UTF8')), 'hex'), %s, now())
            returning id
            """,
            (
                tenant,
                row["name"],
                row["email"],
                row["company"],
                row["message"],
                row["message"],
                row["status"],
            ),
        ).fetchone()
    assert result is not None
    return uuid.UUID(str(result[0]))
