"""Lead -> client conversion: one transaction creates the client and marks the lead won.

The client row follows the shared ``public.clients`` contract (migration 0020). A duplicate
Y-tunnus in the tenant is a generic 409 that says nothing about which client holds it. ``created_by``
is the database default (``auth.uid()``), so it cannot be forged.
"""

from __future__ import annotations

import uuid
from typing import Any

from docflow import audit
from docflow.errors import Conflict, ServiceUnavailable, Unprocessable
from docflow.http.deps import TenantContext
from docflow.receipts.identifiers import is_valid_vat_number, is_valid_ytunnus
from docflow_leads.schemas import ConversionResult, LeadConvert, LeadPublic, LeadStatus
from docflow_leads.service import LEAD_COLUMNS, _load


def _client_values(lead: dict[str, Any], data: LeadConvert) -> dict[str, Any]:
    kind = data.kind or ("company" if lead["company"] else "person")
    default_name = lead["company"] if kind == "company" and lead["company"] else lead["name"]
    if data.business_id and not is_valid_ytunnus(data.business_id):
        raise Unprocessable("business_id is not a valid Y-tunnus (check digit)")
    if data.vat_number and not is_valid_vat_number(data.vat_number):
        raise Unprocessable("vat_number is not a valid Finnish VAT number")
    return {
        "kind": kind,
        "name": data.name or default_name,
        "business_id": data.business_id,
        "vat_number": data.vat_number,
        "email": lead["email"],
        "phone": lead["phone"],
        "tags": data.tags,
    }


def convert_lead(tenant: TenantContext, lead_id: uuid.UUID, data: LeadConvert) -> ConversionResult:
    """Create a client from the lead and mark the lead won and converted (409 if already converted)."""
    conn = tenant.conn
    exists = conn.execute("select to_regclass('public.clients') is not null as present").fetchone()
    if not exists or not exists["present"]:
        raise ServiceUnavailable("Clients are not available yet")
    lead = _load(tenant, lead_id, lock=True)
    if lead["client_id"] is not None:
        raise Conflict("This lead is already converted")
    if lead["status"] == LeadStatus.LOST:
        raise Conflict("A lost lead cannot be converted")
    values = _client_values(lead, data)
    from psycopg import errors

    try:
        with conn.transaction():  # a savepoint: a constraint error leaves the request transaction usable
            row = conn.execute(
                """
                insert into public.clients
                  (tenant_id, kind, name, business_id, vat_number, email, phone, tags, source_lead_id)
                values (%(tenant)s, %(kind)s, %(name)s, %(business_id)s, %(vat_number)s, %(email)s,
                        %(phone)s, %(tags)s, %(lead)s)
                returning id
                """,
                {**values, "tenant": tenant.tenant_id, "lead": lead_id},
            ).fetchone()
    except errors.UniqueViolation:
        raise Conflict("A client with these details already exists") from None
    except (errors.CheckViolation, errors.NotNullViolation):
        raise Unprocessable("The client details are not valid") from None
    assert row is not None
    client_id: uuid.UUID = row["id"]
    updated = conn.execute(
        f"""
        update public.leads
           set status = 'won', client_id = %s, converted_at = now(), updated_at = now()
         where id = %s and tenant_id = %s and client_id is null
        returning {LEAD_COLUMNS}
        """,  # noqa: S608
        (client_id, lead_id, tenant.tenant_id),
    ).fetchone()
    if updated is None:
        raise Conflict("The lead changed meanwhile; reload it")
    audit.record_tenant_action(
        tenant,
        action="lead.converted",
        target_type="lead",
        target_id=lead_id,
        details={"client_id": client_id, "from": lead["status"]},
    )
    return ConversionResult(lead=LeadPublic.model_validate(updated), client_id=client_id)
