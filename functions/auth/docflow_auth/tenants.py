"""Tenant choice and creation: ``POST /api/auth/switch-tenant`` and ``POST /api/auth/tenants``."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from docflow.config import get_settings
from docflow.db import DocflowCode, SqlState, read_as_user, translate_errors, user_transaction
from docflow.errors import Forbidden
from docflow.http.deps import CurrentUser
from docflow.observability import current_correlation_id
from docflow.tenancy import MEMBERSHIPS_QUERY, Role, choose_membership, memberships_from_rows
from docflow_auth.schemas import CurrentTenant, SwitchTenantRequest, TenantCreate

router = APIRouter(prefix="/api/auth", tags=["auth"])


@router.post("/switch-tenant", summary="Check a tenant before acting for it")
def switch_tenant(body: SwitchTenantRequest, principal: CurrentUser) -> CurrentTenant:
    """The tenant must be one of the caller's active memberships (403 otherwise, whether or not it
    exists). Nothing is stored: the client sends the id as ``X-Tenant-Id`` on later requests."""
    rows = read_as_user(principal, MEMBERSHIPS_QUERY)
    membership = choose_membership(memberships_from_rows(rows), body.tenant)
    return CurrentTenant(
        tenant_id=membership.tenant_id, tenant_name=membership.tenant_name, role=membership.role
    )


@router.post("/tenants", status_code=status.HTTP_201_CREATED, summary="Create a tenant owned by the caller")
def create_tenant(body: TenantCreate, principal: CurrentUser, response: Response) -> CurrentTenant:
    """For a signed-up user: the new tenant has the caller as its only owner. One user may create a
    limited number of tenants (``MAX_TENANTS_PER_USER``); anonymous sessions may create none."""
    if principal.is_anonymous:
        raise Forbidden("Sign up before creating a tenant")
    limit = get_settings().max_tenants_per_user
    refusals = translate_errors(
        {
            DocflowCode.TENANT_LIMIT: Forbidden(f"You can create at most {limit} tenants"),
            SqlState.INSUFFICIENT_PRIVILEGE: Forbidden("This account cannot create tenants"),
        }
    )
    with refusals, user_transaction(principal) as conn:
        row = conn.execute(
            "select app_private.create_owned_tenant(%s, %s, %s) as tenant_id",
            (body.name, limit, current_correlation_id()),
        ).fetchone()
    assert row is not None
    response.headers["X-Tenant-Id"] = str(row["tenant_id"])
    return CurrentTenant(tenant_id=row["tenant_id"], tenant_name=body.name, role=Role.OWNER)
