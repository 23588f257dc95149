"""``/api/v1/admin`` routes: platform administrators only, every action audited.

Platform staff act across tenants, so data access runs in named ``system_transaction``s; the
``PlatformAdmin`` dependency (the ``platform_admins`` table, never a tenant role) guards each route.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from docflow import audit
from docflow.db import system_transaction
from docflow.http.deps import PlatformAdmin
from docflow.http.pagination import Page
from docflow.pii import scrub_text
from docflow_admin.audit_log import read_audit_log
from docflow_admin.schemas import (
    AuditEntryPublic,
    AuditQuery,
    TenantQuery,
    TenantStatus,
    TenantStatusChange,
    TenantUsagePublic,
)
from docflow_admin.tenants import get_tenant, list_tenants, set_status

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])


@router.get("/tenants", summary="List and search tenants with their usage")
def tenants(admin: PlatformAdmin, query: Annotated[TenantQuery, Query()]) -> Page[TenantUsagePublic]:
    """Tenants oldest first with members, receipts and storage bytes."""
    with system_transaction("admin.tenants.list") as conn:
        page = list_tenants(conn, query)
        audit.record(
            conn,
            action="admin.tenants.list",
            actor=admin.user_id,
            details={"searched": query.q is not None, "status": query.status, "returned": len(page.items)},
        )
    return page


@router.get("/tenants/{tenant_id}", summary="One tenant with its usage")
def tenant(admin: PlatformAdmin, tenant_id: uuid.UUID) -> TenantUsagePublic:
    """404 when no tenant has this id."""
    with system_transaction("admin.tenants.read") as conn:
        found = get_tenant(conn, tenant_id)
        audit.record(
            conn,
            action="admin.tenant.read",
            actor=admin.user_id,
            tenant_id=tenant_id,
            target_type="tenant",
            target_id=str(tenant_id),
        )
    return found


def _change_status(
    admin: PlatformAdmin, tenant_id: uuid.UUID, body: TenantStatusChange, *, to: TenantStatus
) -> TenantUsagePublic:
    verb = "suspend" if to == "suspended" else "reactivate"
    with system_transaction(f"admin.tenants.{verb}") as conn:
        changed = set_status(conn, tenant_id, to=to)
        audit.record(
            conn,
            action=f"admin.tenant.{verb}",
            actor=admin.user_id,
            tenant_id=tenant_id,
            target_type="tenant",
            target_id=str(tenant_id),
            details={"reason": scrub_text(body.reason)},
        )
    return changed


@router.post("/tenants/{tenant_id}/suspend", summary="Suspend a tenant")
def suspend(admin: PlatformAdmin, tenant_id: uuid.UUID, body: TenantStatusChange) -> TenantUsagePublic:
    """Its members get 403 ``tenant_suspended`` from their next request; its data is kept."""
    return _change_status(admin, tenant_id, body, to="suspended")


@router.post("/tenants/{tenant_id}/reactivate", summary="Reactivate a suspended tenant")
def reactivate(admin: PlatformAdmin, tenant_id: uuid.UUID, body: TenantStatusChange) -> TenantUsagePublic:
    """Its members can act for it again from their next request."""
    return _change_status(admin, tenant_id, body, to="active")


@router.get("/audit-log", summary="Read the audit log, newest first")
def audit_log(admin: PlatformAdmin, query: Annotated[AuditQuery, Query()]) -> Page[AuditEntryPublic]:
    """Every filter narrows the result; pages follow ``next_cursor``."""
    with system_transaction("admin.audit.read") as conn:
        page = read_audit_log(conn, query)
        audit.record(
            conn,
            action="admin.audit.read",
            actor=admin.user_id,
            details={
                "tenant_id": str(query.tenant_id) if query.tenant_id else None,
                "filtered_by_action": query.action is not None,
                "returned": len(page.items),
            },
        )
    return page
