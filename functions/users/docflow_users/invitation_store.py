"""Pending invitations (``public.tenant_invitations``, migration 0043).

The inviting side runs on the request's RLS-bound tenant transaction (owners and admins only); the
invitee's side goes through the SECURITY DEFINER functions ``app_private.my_invitations()``,
``accept_invitation()`` and ``decline_invitation()``, which match the caller's confirmed e-mail address.
"""

from __future__ import annotations

import uuid
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

from docflow.db import Connection, SqlState, translate_errors
from docflow.db.compose import Conditions, statement
from docflow.errors import Conflict, Forbidden, NotFound
from docflow.http.deps import TenantContext
from docflow.http.pagination import Keyset, Page, PageParams, fetch_page
from docflow.observability import current_correlation_id
from docflow.tenancy import Role
from docflow_users.schemas import InvitationPublic


def invitation_rules() -> AbstractContextManager[None]:
    """The database's answers about invitations as problems (DF003 no such invitation, DF005 tenant
    suspended, a refused role)."""
    refused = Forbidden("Your role in this tenant does not allow this invitation")
    return translate_errors({SqlState.INSUFFICIENT_PRIVILEGE: refused})


def is_member(tenant: TenantContext, email: str) -> bool:
    """Whether a member of the current tenant has this address (members see each other anyway)."""
    row = tenant.conn.execute(
        "select exists (select from app_private.tenant_member_directory() where lower(email) = %s) as found",
        (email,),
    ).fetchone()
    return bool(row and row["found"])


def create_invitation(tenant: TenantContext, email: str, role: Role) -> dict[str, Any]:
    """A new pending invitation; a pending one for the same address is a 409. The tenant's expired
    invitations are deleted first (those the caller's role may revoke), so they never pile up."""
    with invitation_rules():
        tenant.conn.execute(
            "delete from public.tenant_invitations where tenant_id = %s and expires_at <= now()",
            (tenant.tenant_id,),
        )
        row = tenant.conn.execute(
            """
            insert into public.tenant_invitations (tenant_id, email, role, invited_by)
            values (%s, %s, %s, auth.uid())
            on conflict (tenant_id, email) do nothing
            returning id, email, role, created_at as invited_at, expires_at, invited_by
            """,
            (tenant.tenant_id, email, role.value),
        ).fetchone()
    if row is None:
        raise Conflict("This address already has a pending invitation to the tenant")
    return row


INVITATION_ORDER = Keyset(
    "invitations", ("created_at", "id"), (datetime, uuid.UUID), fields=("invited_at", "id")
)


def list_invitations(tenant: TenantContext, page: PageParams) -> Page[InvitationPublic]:
    """One page of the current tenant's pending invitations, oldest first."""
    where = Conditions()
    where.add("tenant_id = %(tenant)s", tenant=tenant.tenant_id)
    where.add("expires_at > now()")
    select = statement(
        "select id, email, role, created_at as invited_at, expires_at, invited_by"
        " from public.tenant_invitations"
    )
    return fetch_page(
        tenant.conn, select, where, order=INVITATION_ORDER, page=page, item=InvitationPublic.model_validate
    )


def invitation_role(tenant: TenantContext, invitation_id: uuid.UUID) -> Role:
    """The role of one of the current tenant's invitations (404 otherwise); the delete policy checks it
    again, so a change in between cannot slip through."""
    row = tenant.conn.execute(
        "select role from public.tenant_invitations where tenant_id = %s and id = %s",
        (tenant.tenant_id, invitation_id),
    ).fetchone()
    if row is None:
        raise NotFound("No such invitation in this tenant")
    return Role(row["role"])


def revoke_invitation(tenant: TenantContext, invitation_id: uuid.UUID) -> None:
    with invitation_rules():
        row = tenant.conn.execute(
            "delete from public.tenant_invitations where tenant_id = %s and id = %s returning id",
            (tenant.tenant_id, invitation_id),
        ).fetchone()
    if row is None:
        raise NotFound("No such invitation in this tenant")


def withdraw(conn: Connection, tenant_id: uuid.UUID, invitation_id: uuid.UUID) -> bool:
    """Delete an invitation that could not be delivered; whether it was still there."""
    row = conn.execute(
        "delete from public.tenant_invitations where tenant_id = %s and id = %s returning id",
        (tenant_id, invitation_id),
    ).fetchone()
    return row is not None


def my_invitations(conn: Connection) -> list[dict[str, Any]]:
    """The caller's pending invitations (nothing until their address is confirmed)."""
    return conn.execute(
        "select id, tenant_id, tenant_name, role, invited_at, expires_at from app_private.my_invitations()"
    ).fetchall()


def accept(conn: Connection, invitation_id: uuid.UUID) -> dict[str, Any]:
    """Join the tenant of one of the caller's invitations; its tenant id and the caller's role there."""
    with invitation_rules():
        row = conn.execute(
            "select app_private.accept_invitation(%s, %s) as tenant_id",
            (invitation_id, current_correlation_id()),
        ).fetchone()
    assert row is not None
    membership = conn.execute(
        "select tenant_id, role from public.tenant_members where tenant_id = %s and user_id = auth.uid()",
        (row["tenant_id"],),
    ).fetchone()
    assert membership is not None
    return dict(membership)


def decline(conn: Connection, invitation_id: uuid.UUID) -> None:
    with invitation_rules():
        conn.execute(
            "select app_private.decline_invitation(%s, %s)", (invitation_id, current_correlation_id())
        )
