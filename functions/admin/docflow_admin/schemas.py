"""Request and response models of the admin route group."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from docflow.http.pagination import PageParams
from docflow.http.types import Text

TenantStatus = Literal["active", "suspended"]


class TenantUsagePublic(BaseModel):
    """A tenant as platform staff see it, with what it uses.

    ``receipts`` and ``storage_bytes`` are null while the deployment has no receipts table.
    """

    id: uuid.UUID
    name: str
    status: TenantStatus
    created_at: datetime
    suspended_at: datetime | None
    members: int
    receipts: int | None
    storage_bytes: int | None


class TenantStatusChange(BaseModel):
    """Why a tenant is suspended or reactivated (kept, scrubbed, in the audit log)."""

    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, Text(min_length=3, max_length=500, multiline=True)]


class AuditEntryPublic(BaseModel):
    """One audit log row."""

    id: int
    tenant_id: uuid.UUID | None
    actor_user_id: uuid.UUID | None
    action: str
    target_type: str | None
    target_id: str | None
    details: dict[str, Any]
    correlation_id: str | None
    created_at: datetime


class TenantQuery(PageParams):
    """Filters of the tenant list."""

    q: Annotated[str, Text(min_length=1, max_length=200, strip=False)] | None = Field(
        default=None, description="Name part or id"
    )
    status: TenantStatus | None = None


class AuditQuery(PageParams):
    """Filters of the audit log; each one given narrows the result."""

    model_config = ConfigDict(extra="forbid")

    tenant_id: uuid.UUID | None = None
    actor_user_id: uuid.UUID | None = None
    action: Annotated[str, Text(max_length=100, strip=False, pattern=r"^[a-z0-9_.:-]+(\.\*)?$")] | None = (
        Field(default=None, description="An exact action, or a prefix ending in `.*`")
    )
    since: datetime | None = Field(default=None, description="Entries at or after this instant")
    until: datetime | None = Field(default=None, description="Entries before this instant")
