"""Lead -> client conversion: one transaction creates the client and marks the lead won.

The client goes through the shared clients domain (:mod:`docflow.clients`), so it is validated and
normalised exactly as ``POST /api/v1/clients`` would: a VAT number that does not match the Y-tunnus,
or a lead's e-mail address or phone number the clients API refuses, is a 422 naming the field. A
duplicate Y-tunnus in the tenant is a generic 409 that says nothing about which client holds it.
``created_by`` is the database default (``auth.uid()``), so it cannot be forged.
"""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import ValidationError

from docflow import audit
from docflow.clients import ClientCreate, insert_clients
from docflow.db.compose import statement
from docflow.errors import Conflict, Unprocessable
from docflow.http.deps import TenantContext
from docflow_leads.schemas import ConversionResult, LeadConvert, LeadPublic, LeadStatus
from docflow_leads.service import LEAD_COLUMNS, load_lead


def client_from_lead(lead: dict[str, Any], data: LeadConvert) -> ClientCreate:
    """The client a lead becomes: the request's details first, the lead's for the rest (422 when
    the result is not a client the clients API accepts)."""
    kind = data.kind or ("company" if lead["company"] else "person")
    default_name = lead["company"] if kind == "company" and lead["company"] else lead["name"]
    values = {
        "kind": kind,
        "name": data.name or default_name,
        "business_id": data.business_id,
        "vat_number": data.vat_number,
        "email": data.email or lead["email"],
        "phone": data.phone or lead["phone"],
        "tags": data.tags,
    }
    try:
        return ClientCreate.model_validate(values)
    except ValidationError as exc:
        errors = [
            {
                "field": ".".join(str(part) for part in error["loc"]) or None,
                "message": str(error["msg"]).removeprefix("Value error, "),
            }
            for error in exc.errors(include_input=False, include_url=False, include_context=False)
        ]
        raise Unprocessable("These details cannot make a client", extra={"errors": errors}) from None


def convert_lead(tenant: TenantContext, lead_id: uuid.UUID, data: LeadConvert) -> ConversionResult:
    """Create a client from the lead and mark the lead won and converted (409 if already converted)."""
    lead = load_lead(tenant, lead_id, lock=True)
    if lead["client_id"] is not None:
        raise Conflict("This lead is already converted")
    if lead["status"] == LeadStatus.LOST:
        raise Conflict("A lost lead cannot be converted")
    client = client_from_lead(lead, data)
    (row,) = insert_clients(tenant.conn, tenant.tenant_id, [client], source_lead_id=lead_id)
    client_id: uuid.UUID = row["id"]
    updated = tenant.conn.execute(
        statement(
            """
            update public.leads
               set status = 'won', client_id = %s, converted_at = now(), updated_at = now()
             where id = %s and tenant_id = %s and client_id is null
            returning {columns}
            """,
            columns=LEAD_COLUMNS,
        ),
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
