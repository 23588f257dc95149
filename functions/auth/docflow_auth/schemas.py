"""Response models of the auth route group."""

from __future__ import annotations

import uuid

from pydantic import BaseModel

from docflow.tenancy import Role


class MembershipPublic(BaseModel):
    """One tenant the user belongs to."""

    tenant_id: uuid.UUID
    tenant_name: str
    role: Role
    active: bool


class Me(BaseModel):
    """The caller as DocFlow sees them."""

    user_id: uuid.UUID
    email: str | None
    is_platform_admin: bool
    memberships: list[MembershipPublic]
    current_tenant: MembershipPublic | None
