"""Request and response models of the users route group (inputs forbid unknown fields)."""

from __future__ import annotations

import uuid
import zoneinfo
from datetime import datetime
from functools import lru_cache
from typing import Annotated, Any, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, model_validator

from docflow.http.types import Text
from docflow.tenancy import Role

Locale = Literal["fi", "sv", "en"]


@lru_cache(maxsize=1)
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _time_zone(value: str) -> str:
    if value not in _time_zones():
        raise ValueError("not an IANA time zone (e.g. Europe/Helsinki)")
    return value


def _email(value: str) -> str:
    text = value.strip()
    local, _, domain = text.rpartition("@")
    if not local or "." not in domain or any(ch.isspace() or ch in '<>,;"' for ch in text) or len(text) > 254:
        raise ValueError("not a valid e-mail address")
    return f"{local}@{domain.lower()}"


TimeZone = Annotated[str, Text(max_length=64, strip=False), AfterValidator(_time_zone)]
Email = Annotated[str, Text(max_length=254, plain=True), AfterValidator(_email)]
DisplayName = Annotated[str, Text(min_length=1, max_length=120, plain=True)]


class MemberPublic(BaseModel):
    """A member of the current tenant."""

    user_id: uuid.UUID
    email: str | None
    display_name: str | None
    role: Role
    joined_at: datetime
    is_me: bool


class InvitationCreate(BaseModel):
    """Invite someone by e-mail into the current tenant with a role (admins cannot invite owners)."""

    model_config = ConfigDict(extra="forbid")

    email: Email
    role: Role = Role.MEMBER
    #: The language of the invitation e-mail (else the invitee's profile's, else the inviter's).
    locale: Literal["fi", "sv", "en"] | None = None


class InvitationPublic(BaseModel):
    """A pending invitation of the current tenant (the same answer whether or not the address has an
    account)."""

    id: uuid.UUID
    email: str
    role: Role
    invited_at: datetime
    expires_at: datetime
    invited_by: uuid.UUID


class MyInvitation(BaseModel):
    """An invitation addressed to the caller, waiting for them to accept or decline it."""

    id: uuid.UUID
    tenant_id: uuid.UUID
    tenant_name: str
    role: Role
    invited_at: datetime
    expires_at: datetime


class MyInvitationList(BaseModel):
    """The caller's pending invitations, newest first."""

    items: list[MyInvitation]


class AcceptedInvitation(BaseModel):
    """The tenant the caller joined and their role there (send the id as ``X-Tenant-Id``)."""

    tenant_id: uuid.UUID
    role: Role


class RoleChange(BaseModel):
    """A member's new role."""

    model_config = ConfigDict(extra="forbid")

    role: Role


class ProfilePublic(BaseModel):
    """The caller's own profile (defaults until first saved)."""

    display_name: str | None
    locale: Locale
    time_zone: str


class ProfileUpdate(BaseModel):
    """A partial update of the caller's profile; ``display_name: null`` clears the name."""

    model_config = ConfigDict(extra="forbid")

    display_name: DisplayName | None = None
    locale: Locale | None = None
    time_zone: TimeZone | None = None

    @model_validator(mode="after")
    def _required_fields_not_cleared(self) -> Self:
        for name in ("locale", "time_zone"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self

    def changes(self) -> dict[str, Any]:
        """The fields the request sent."""
        return self.model_dump(include=self.model_fields_set)
