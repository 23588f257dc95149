"""``/api/lead-forms``: the tenant's contact forms and their public keys.

Members read them (the key is public: it is embedded in the website); owners and admins create,
rename and switch them off. A prefix of its own keeps ``forms`` from ever being read as a lead id.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, status

from docflow import audit
from docflow.db.compose import statement
from docflow.errors import NotFound, Unprocessable
from docflow.http.deps import TenantConn, TenantContext, require_role
from docflow.tenancy import Role
from docflow_leads.schemas import LeadFormCreate, LeadFormPublic, LeadFormUpdate

router = APIRouter(prefix="/api/lead-forms", tags=["lead forms"])

Manager = Annotated[TenantContext, require_role(Role.OWNER, Role.ADMIN)]

FORM_COLUMNS = "id, key, name, active, created_at"
_PROBLEMS: dict[int | str, dict[str, Any]] = {
    code: {"description": text, "content": {"application/problem+json": {}}}
    for code, text in {
        401: "Authentication required",
        403: "Owners and admins only",
        404: "Not found (or another tenant's)",
        422: "Validation failed",
    }.items()
}


@router.get("", summary="The tenant's contact forms", responses=_PROBLEMS)
def list_forms(tenant: TenantConn) -> list[LeadFormPublic]:
    """Oldest first; at most a handful per tenant."""
    rows = tenant.conn.execute(
        statement(
            "select {columns} from public.lead_forms where tenant_id = %s order by created_at, id",
            columns=FORM_COLUMNS,
        ),
        (tenant.tenant_id,),
    ).fetchall()
    return [LeadFormPublic.model_validate(row) for row in rows]


@router.post("", status_code=status.HTTP_201_CREATED, summary="Create a contact form", responses=_PROBLEMS)
def create_form(tenant: Manager, form: LeadFormCreate | None = None) -> LeadFormPublic:
    """A new form with a fresh public key."""
    data = form or LeadFormCreate()
    row = tenant.conn.execute(
        statement(
            "insert into public.lead_forms (tenant_id, name) values (%s, %s) returning {columns}",
            columns=FORM_COLUMNS,
        ),
        (tenant.tenant_id, data.name),
    ).fetchone()
    assert row is not None
    audit.record_tenant_action(
        tenant, action="lead_form.created", target_type="lead_form", target_id=row["id"]
    )
    return LeadFormPublic.model_validate(row)


@router.patch("/{form_id}", summary="Rename or switch off a contact form", responses=_PROBLEMS)
def update_form(form_id: uuid.UUID, change: LeadFormUpdate, tenant: Manager) -> LeadFormPublic:
    """``active: false`` stops the key from taking submissions (404 to the website)."""
    fields = {name: getattr(change, name) for name in change.model_fields_set}
    if not fields or any(value is None for value in fields.values()):
        raise Unprocessable("Give name and/or active, not null")
    row = tenant.conn.execute(
        statement(
            """
            update public.lead_forms set name = coalesce(%s, name), active = coalesce(%s, active)
             where id = %s and tenant_id = %s
            returning {columns}
            """,
            columns=FORM_COLUMNS,
        ),
        (fields.get("name"), fields.get("active"), form_id, tenant.tenant_id),
    ).fetchone()
    if row is None:
        raise NotFound("Form not found")
    audit.record_tenant_action(
        tenant,
        action="lead_form.updated",
        target_type="lead_form",
        target_id=form_id,
        details={"fields": sorted(fields)},
    )
    return LeadFormPublic.model_validate(row)
