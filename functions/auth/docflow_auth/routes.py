"""``/api/auth`` routes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from docflow.db import read_as_user
from docflow.errors import DocflowError
from docflow.http.deps import CurrentUser
from docflow.tenancy import (
    MEMBERSHIPS_AND_ADMIN_QUERY,
    Membership,
    choose_membership,
    memberships_and_admin_from_rows,
    parse_tenant_header,
)
from docflow_auth.schemas import Me, MembershipPublic

router = APIRouter(prefix="/api/auth", tags=["auth"])


def _public(membership: Membership) -> MembershipPublic:
    return MembershipPublic(
        tenant_id=membership.tenant_id,
        tenant_name=membership.tenant_name,
        role=membership.role,
        active=membership.is_active,
    )


@router.get("/me", summary="The current user, their memberships and current tenant")
async def me(request: Request, principal: CurrentUser) -> Me:
    """Memberships come from the database under row level security, never from token metadata.

    The current tenant is the one named by ``X-Tenant-Id`` (or the only membership); it is null
    when the user has several and names none.

    A coroutine whose one blocking call, the read (one round trip), goes to a worker thread: a sync
    route would take a second thread hop for FastAPI's check of the answer.
    """
    requested = parse_tenant_header(request.headers.get("x-tenant-id"))
    rows = await run_in_threadpool(read_as_user, principal, MEMBERSHIPS_AND_ADMIN_QUERY)
    memberships, is_admin = memberships_and_admin_from_rows(rows)
    current: Membership | None
    try:
        current = choose_membership(memberships, requested)
    except DocflowError:
        if requested is not None:
            raise
        current = None
    return Me(
        user_id=principal.user_id,
        email=principal.email,
        is_platform_admin=is_admin,
        memberships=[_public(m) for m in memberships],
        current_tenant=_public(current) if current else None,
    )
