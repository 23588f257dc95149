"""Response models of the auth route group."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict

from docflow.http.types import Text
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


class CallbackRequest(BaseModel):
    """The end of an OAuth / magic-link sign-in: the ``code`` from the redirect and the PKCE verifier."""

    model_config = ConfigDict(extra="forbid")

    code: Annotated[str, Text(min_length=1, max_length=512, strip=False, pattern=r"^[A-Za-z0-9._~-]+$")]
    code_verifier: Annotated[
        str, Text(min_length=43, max_length=128, strip=False, pattern=r"^[A-Za-z0-9._~-]+$")
    ]


class SessionUser(BaseModel):
    """Who signed in."""

    id: uuid.UUID
    email: str | None = None


class Session(BaseModel):
    """A Supabase session for the client to keep (never logged by DocFlow)."""

    access_token: str
    token_type: str
    expires_in: int
    expires_at: int | None = None
    refresh_token: str
    user: SessionUser


class SignOutRequest(BaseModel):
    """``local``: this session; ``global``: every session of the user; ``others``: all but this one."""

    model_config = ConfigDict(extra="forbid")

    scope: Literal["local", "global", "others"] = "local"


class SwitchTenantRequest(BaseModel):
    """The tenant to act for next (its id)."""

    model_config = ConfigDict(extra="forbid")

    tenant: uuid.UUID


class CurrentTenant(BaseModel):
    """The tenant to send as the ``X-Tenant-Id`` header from now on."""

    tenant_id: uuid.UUID
    tenant_name: str
    role: Role
    header: Literal["X-Tenant-Id"] = "X-Tenant-Id"


class TenantCreate(BaseModel):
    """A new tenant for the caller, who becomes its owner."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Text(min_length=1, max_length=200, plain=True)]
