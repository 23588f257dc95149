"""``/api/users``: members of the current tenant, invitations, roles, leaving, and the caller's profile
and pending invitations.

Only owners and admins manage members and invitations; nobody joins a tenant without accepting an
invitation; admins can neither touch owners nor make them; the last owner can neither leave nor be
demoted (the database enforces the same). Every change is audited.
"""

from __future__ import annotations

import uuid
from functools import partial
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Response, status

from docflow import audit
from docflow.billing import entitlements
from docflow.config import get_settings
from docflow.db import user_transaction
from docflow.errors import Conflict, DocflowError
from docflow.http.deps import CurrentUser, TenantConn, TenantContext, require_role
from docflow.http.pagination import Page, PageQuery
from docflow.ratelimit import bucket_key, check_rate_limit
from docflow.tenancy import Role
from docflow_users import invitation_store, members, profiles
from docflow_users.invitations import AlreadyRegistered, get_invitation_timing, invitation_link, time_floor
from docflow_users.rules import check_member_change
from docflow_users.schemas import (
    AcceptedInvitation,
    InvitationCreate,
    InvitationPublic,
    MemberPublic,
    MyInvitation,
    MyInvitationList,
    ProfilePublic,
    ProfileUpdate,
    RoleChange,
)

if TYPE_CHECKING:
    from docflow.auth import Principal

router = APIRouter(prefix="/api/users", tags=["users"])

Manager = Annotated[TenantContext, require_role(Role.OWNER, Role.ADMIN)]


@router.get("", summary="Members of the current tenant")
def list_members(tenant: TenantConn, page: PageQuery) -> Page[MemberPublic]:
    """Every member sees the others (e-mail, name, role), in the order they joined."""
    return members.list_members(tenant, page)


@router.post("/invitations", status_code=status.HTTP_201_CREATED, summary="Invite someone by e-mail")
def invite_member(body: InvitationCreate, tenant: Manager) -> InvitationPublic:
    """A pending invitation, which the person accepts or declines in DocFlow; DocFlow mails it in the
    invitee's language (``locale``, else their profile's, else the inviter's), with a Supabase Auth
    invite link for an address it does not know yet. The answer is the same whether or not the address
    has an account.
    A member of the tenant, or an address with a pending invitation, is a 409. Supabase Auth is asked
    once the invitation is committed; when it fails, the invitation is withdrawn and the answer is its
    502 or 503."""
    check_member_change(tenant.role, None, body.role)
    settings = get_settings()
    check_rate_limit(
        tenant.conn,
        bucket_key("users.invitations.tenant", str(tenant.tenant_id)),
        limit=settings.invitations_rate_limit_per_tenant,
        window_seconds=settings.invitations_rate_limit_window_seconds,
    )
    email = body.email.lower()
    if invitation_store.is_member(tenant, email):
        raise Conflict("This person is already a member of the tenant")
    entitlements.require(tenant.conn, entitlements.Limit.MEMBERS)
    invitation = InvitationPublic.model_validate(invitation_store.create_invitation(tenant, email, body.role))
    tenant.after_commit(
        partial(
            _deliver_invitation,
            tenant.principal,
            tenant.tenant_id,
            invitation.id,
            email,
            body.role,
            body.locale,
        ),
        propagate=True,
    )
    audit.record_tenant_action(
        tenant,
        action="member.invited",
        target_type="invitation",
        target_id=invitation.id,
        details={"role": body.role.value},
    )
    return invitation


def _deliver_invitation(  # noqa: PLR0917 - the after-commit partial binds them in order
    principal: Principal,
    tenant_id: uuid.UUID,
    invitation_id: uuid.UUID,
    email: str,
    role: Role,
    requested_locale: str | None = None,
) -> None:
    """Mail a committed invitation: a Supabase Auth invite link for a new address (the app's
    invitations page for an address with an account), through our template in the invitee's language.
    When Supabase Auth fails, withdraw the invitation, so the address can be invited again."""
    from docflow.email.settings import get_email_settings
    from docflow_users.invitation_mail import invitee_locale, mail_invitation

    try:
        # as long for a known address as for a new one; an existing account answers it in DocFlow
        with time_floor(get_invitation_timing().invitations_delivery_floor_seconds):
            try:
                link = invitation_link(email, data={"tenant_id": str(tenant_id), "role": role.value})
            except AlreadyRegistered:
                link = f"{get_email_settings().email_app_url}/invitations"
    except DocflowError:
        with user_transaction(principal, tenant_id=str(tenant_id)) as conn:
            if invitation_store.withdraw(conn, tenant_id, invitation_id):
                audit.record(
                    conn,
                    action="member.invitation_withdrawn",
                    actor=principal.user_id,
                    tenant_id=tenant_id,
                    target_type="invitation",
                    target_id=invitation_id,
                    details={"reason": "delivery_failed"},
                )
        raise
    locale = invitee_locale(principal, email, requested_locale)
    mail_invitation(principal, tenant_id, invitation_id, email, link=link, locale=locale)


@router.get("/invitations", summary="Pending invitations of the current tenant")
def list_invitations(tenant: Manager, page: PageQuery) -> Page[InvitationPublic]:
    """Owners and admins see the invitations nobody has answered yet, oldest first."""
    return invitation_store.list_invitations(tenant, page)


@router.delete(
    "/invitations/{invitation_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Revoke an invitation"
)
def revoke_invitation(invitation_id: uuid.UUID, tenant: Manager) -> Response:
    """Admins cannot revoke an invitation to become an owner."""
    role = invitation_store.invitation_role(tenant, invitation_id)
    check_member_change(tenant.role, None, role)
    invitation_store.revoke_invitation(tenant, invitation_id)
    audit.record_tenant_action(
        tenant,
        action="member.invitation_revoked",
        target_type="invitation",
        target_id=invitation_id,
        details={"role": role.value},
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me/invitations", summary="Invitations waiting for the caller")
def list_my_invitations(principal: CurrentUser) -> MyInvitationList:
    """Pending invitations to the caller's confirmed e-mail address, in any tenant; no tenant needed."""
    with user_transaction(principal) as conn:
        rows = invitation_store.my_invitations(conn)
    return MyInvitationList(items=[MyInvitation.model_validate(row) for row in rows])


@router.post("/me/invitations/{invitation_id}/accept", summary="Accept an invitation")
def accept_invitation(invitation_id: uuid.UUID, principal: CurrentUser) -> AcceptedInvitation:
    """Join the inviting tenant with the invited role. An unknown, expired, revoked or someone else's
    invitation is a 404."""
    with user_transaction(principal) as conn:
        return AcceptedInvitation.model_validate(invitation_store.accept(conn, invitation_id))


@router.post(
    "/me/invitations/{invitation_id}/decline",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Decline an invitation",
)
def decline_invitation(invitation_id: uuid.UUID, principal: CurrentUser) -> Response:
    with user_transaction(principal) as conn:
        invitation_store.decline(conn, invitation_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


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
    audit.record_tenant_action(
        tenant,
        action="member.left",
        target_type="user",
        target_id=tenant.user_id,
        details={"role": tenant.role.value},
    )
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
        audit.record_tenant_action(
            tenant,
            action="member.role_changed",
            target_type="user",
            target_id=user_id,
            details={"from": current.value, "to": body.role.value},
        )
    return MemberPublic.model_validate(members.get_member(tenant, user_id))


@router.delete("/{user_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Remove a member")
def remove_member(user_id: uuid.UUID, tenant: Manager) -> Response:
    """The account stays; only its membership of this tenant ends."""
    current = members.lock_role(tenant, user_id)
    check_member_change(tenant.role, current, None)
    audit.record_tenant_action(
        tenant,
        action="member.removed",
        target_type="user",
        target_id=user_id,
        details={"role": current.value},
    )
    members.remove_member(tenant, user_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
