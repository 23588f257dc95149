"""Membership SQL on the request's RLS-bound transaction. The trigger on ``tenant_members`` has the
last word on the owner rules; :func:`docflow.db.translate_errors` makes its errors a 409 (last owner)
or a 403 (admin and owner)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from docflow.db import translate_errors
from docflow.db.compose import Conditions, statement
from docflow.errors import NotFound
from docflow.http.deps import TenantContext
from docflow.http.pagination import Keyset, Page, PageParams, fetch_page
from docflow.tenancy import Role
from docflow_users.schemas import MemberPublic

MEMBER_ORDER = Keyset("members", ("joined_at", "user_id"), (datetime, uuid.UUID))


def list_members(tenant: TenantContext, page: PageParams) -> Page[MemberPublic]:
    """One page of the current tenant's members in joining order."""
    select = statement(
        "select user_id, email, display_name, role, joined_at, user_id = auth.uid() as is_me"
        " from app_private.tenant_member_directory()"
    )
    return fetch_page(
        tenant.conn, select, Conditions(), order=MEMBER_ORDER, page=page, item=MemberPublic.model_validate
    )


def get_member(tenant: TenantContext, user_id: uuid.UUID) -> dict[str, Any]:
    """One member of the current tenant (404 otherwise)."""
    row = tenant.conn.execute(
        """
        select user_id, email, display_name, role, joined_at, user_id = auth.uid() as is_me
          from app_private.tenant_member_directory() where user_id = %s
        """,
        (user_id,),
    ).fetchone()
    if row is None:
        raise NotFound("No such member in this tenant")
    return row


def lock_role(tenant: TenantContext, user_id: uuid.UUID) -> Role:
    """The member's current role, row locked for the change that follows."""
    row = tenant.conn.execute(
        "select role from public.tenant_members where tenant_id = %s and user_id = %s for update",
        (tenant.tenant_id, user_id),
    ).fetchone()
    if row is None:
        raise NotFound("No such member in this tenant")
    return Role(row["role"])


def set_role(tenant: TenantContext, user_id: uuid.UUID, role: Role) -> None:
    with translate_errors():
        tenant.conn.execute(
            "update public.tenant_members set role = %s where tenant_id = %s and user_id = %s",
            (role.value, tenant.tenant_id, user_id),
        )


def remove_member(tenant: TenantContext, user_id: uuid.UUID) -> None:
    with translate_errors():
        row = tenant.conn.execute(
            "delete from public.tenant_members where tenant_id = %s and user_id = %s returning user_id",
            (tenant.tenant_id, user_id),
        ).fetchone()
    if row is None:
        raise NotFound("No such member in this tenant")
