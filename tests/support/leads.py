"""Leads test data: the demo tenants' contact forms, a valid submission, leads written behind the API."""

from __future__ import annotations

import uuid
from typing import Any

import psycopg

from docflow.tenancy import Role
from docflow_local.seed import DemoData, lead_form_key
from tests.support.demo import DEMO_OY as TENANT_A
from tests.support.demo import ESIMERKKI as TENANT_B
from tests.support.demo import demo_user

__all__ = ["FORM_A", "FORM_B", "TENANT_A", "TENANT_B", "insert_lead", "submission", "user_id"]

FORM_A = lead_form_key("demo-oy")
FORM_B = lead_form_key("esimerkki-ab")


def user_id(demo: DemoData, tenant: uuid.UUID, role: Role) -> uuid.UUID:
    """The demo user with ``role`` in ``tenant``."""
    return demo_user(demo, tenant, role).user_id


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
