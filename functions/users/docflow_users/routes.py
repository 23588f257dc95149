"""``/api/users``: members of the current tenant, invitations, roles, leaving, and the caller's profile.

Only owners and admins manage members; admins can neither touch owners nor make them; the last owner
can neither leave nor be demoted (the database enforces the same). Every change is audited.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from docflow.config import get_settings
from docflow.db import user_transaction
from docflow.errors import UpstreamError
from docflow.http.deps import CurrentUser, TenantConn, TenantContext, require_role
from docflow.ratelimit import bucket_key, check_rate_limit
from docflow.tenancy import Role
from docflow_users import audit, members, profiles
from docflow_users.invitations import AlreadyRegistered, send_invitation
from docflow_users.rules import check_member_change
from docflow_users.schemas import (
    InvitationCreate,
    InvitationResult,
    MemberPage,
    MemberPublic,
    ProfilePublic,
    ProfileUpdate,
    RoleChange,
)

router = APIRouter(prefix="/api/users", tags=["users"])

Manager = Annotated[TenantContext, require_role(Role.OWNER, Role.ADMIN)]


@router.get("", summary="Members of the current tenant")
def list_members(
    tenant: TenantConn,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> MemberPage:
    """Every member sees the others (e-mail, name, role), in the order they joined."""
    after = members.decode_cursor(cursor) if cursor else None
    rows = members.list_members(tenant, after=after, limit=limit)
    items = [MemberPublic.model_validate(row) for row in rows[:limit]]
    next_cursor = members.encode_cursor(items[-1].joined_at, items[-1].user_id) if len(rows) > limit else None
    return MemberPage(items=items, next_cursor=next_cursor)


@router.post("/invitations", status_code=status.HTTP_201_CREATED, summary="Invite someone by e-mail")
def invite_member(body: InvitationCreate, tenant: Manager) -> InvitationResult:
    """A new address gets an invitation e-mail from Supabase Auth; an existing DocFlow user is added
    directly. Someone already in the tenant is a 409."""
    check_member_change(tenant.role, None, body.role)
    settings = get_settings()
    check_rate_limit(
        tenant.conn,
        bucket_key("users.invitations.tenant", str(tenant.tenant_id)),
        limit=settings.invitations_rate_limit_per_tenant,
        window_seconds=settings.invitations_rate_limit_window_seconds,
    )
    user_id = members.existing_user_id(tenant, body.email)
    result: str = "added"
    if user_id is None:
        try:
            user_id = send_invitation(
                body.email, data={"tenant_id": str(tenant.tenant_id), "role": body.role.value}
            )
            result = "invited"
        except AlreadyRegistered:
            user_id = members.existing_user_id(tenant, body.email)
            if user_id is None:
                raise UpstreamError(
                    "Supabase Auth knows this address but DocFlow does not yet; try again"
                ) from None
    members.add_member(tenant, user_id, body.role)
    audit.record(
        tenant, "member.invited", target_user=user_id, details={"role": body.role.value, "result": result}
    )
    return InvitationResult(
        status="invited" if result == "invited" else "added",
        member=MemberPublic.model_validate(members.get_member(tenant, user_id)),
    )


@router.get("/me/profile", summary="The caller's profile")
def get_profile(principal: CurrentUser) -> ProfilePublic:
    with user_transaction(principal) as conn:
        return ProfilePublic.model_validate(profiles.read_profile(conn))


@router.patch("/me/profile", summary="Change the caller's profile")
def update_profile(body: ProfileUpdate, principal: CurrentUser) -> ProfilePublic:
    """Name, locale (fi, sv, en) and IANA time zone; only the fields sent change."""
    with user_transaction(principal) as conn:
        return ProfilePublic.model_validate(profiles.save_profile(conn, body.changes()))


@router.delete("/me/membership", status_code=status.HTTP_204_NO_CONTENT, summary="Leave the current tenant")
def leave_tenant(tenant: TenantConn) -> Response:
    """Any member may leave, except the last owner (409)."""
    audit.record(tenant, "member.left", target_user=tenant.user_id, details={"role": tenant.role.value})
    members.remove_member(tenant, tenant.user_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{user_id}", summary="One member of the current tenant")
def get_member(user_id: uuid.UUID, tenant: TenantConn) -> MemberPublic:
    return MemberPublic.model_validate(members.get_member(tenant, user_id))


@router.patch("/{user_id}", summary="Change a member's role")
def change_role(user_id: uuid.UUID, body: RoleChange, tenant: Manager) -> MemberPublic:
    """Owners change anyone; admins change admins, members and viewers, and never make owners."""
    current = members.lock_role(tenant, user_id)
    check_member_change(tenant.role, current, body.role)
    if current != body.role:
        members.set_role(tenant, user_id, body.role)
        audit.record(
            tenant,
            "member.role_changed",
            target_user=user_id,
            details={"from": current.value, "to": body.role.value},
        )
    return MemberPublic.model_validate(members.get_member(tenant, user_id))


@router.delete("/{user_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Remove a member")
def remove_member(user_id: uuid.UUID, tenant: Manager) -> Response:
    """The account stays; only its membership of this tenant ends."""
    current = members.lock_role(tenant, user_id)
    check_member_change(tenant.role, current, None)
    audit.record(tenant, "member.removed", target_user=user_id, details={"role": current.value})
    members.remove_member(tenant, user_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
