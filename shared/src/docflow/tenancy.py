"""Which tenant a request acts for, and with which role.

The tenant comes from the ``X-Tenant-Id`` header, or is the user's only membership; it is always
checked against ``tenant_members`` (read under row level security), never taken from token metadata.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from docflow.errors import BadRequest, Forbidden, TenantSuspended

if TYPE_CHECKING:
    from docflow.db import Connection


class Role(StrEnum):
    """Tenant roles, from most to least privileged."""

    OWNER = "owner"
    ADMIN = "admin"
    MEMBER = "member"
    VIEWER = "viewer"


@dataclass(frozen=True, slots=True)
class Membership:
    """A user's membership of one tenant."""

    tenant_id: uuid.UUID
    tenant_name: str
    tenant_status: str
    role: Role

    @property
    def is_active(self) -> bool:
        """Suspended tenants keep their data but their members cannot act for them."""
        return self.tenant_status == "active"


#: The acting user's memberships, ordered by tenant name. ``app_private.my_memberships()`` runs with
#: the caller's rights under row level security, its plan kept per connection (migration 0093). A
#: constant statement without parameters, so it can travel in the message that opens the transaction
#: (:func:`docflow.db.transactions.user_transaction_reading`). Its rows do not depend on a
#: ``tenant_id`` claim: ``members_select`` admits the user's own rows whatever tenant is claimed, and
#: the query asks for nothing else; so a requested tenant may be bound before it is checked here.
MEMBERSHIPS_QUERY = """
    select m.tenant_id, m.tenant_name, m.tenant_status, m.role
      from app_private.my_memberships() as m
     order by m.tenant_name, m.tenant_id
"""

#: :data:`MEMBERSHIPS_QUERY` and whether the user is a platform administrator, in one statement
#: (one row with null membership columns when the user belongs to no tenant).
MEMBERSHIPS_AND_ADMIN_QUERY = """
    select admin.is_admin, member.*
      from (select app_private.is_platform_admin() as is_admin) as admin
      left join app_private.my_memberships() as member on true
     order by member.tenant_name, member.tenant_id
"""


def _membership(row: Mapping[str, Any]) -> Membership:
    return Membership(
        tenant_id=row["tenant_id"],
        tenant_name=row["tenant_name"],
        tenant_status=row["tenant_status"],
        role=Role(row["role"]),
    )


def memberships_from_rows(rows: Iterable[Mapping[str, Any]]) -> list[Membership]:
    """The memberships of :data:`MEMBERSHIPS_QUERY`'s rows."""
    return [_membership(row) for row in rows]


def memberships_and_admin_from_rows(rows: Sequence[Mapping[str, Any]]) -> tuple[list[Membership], bool]:
    """The memberships and the platform admin flag of :data:`MEMBERSHIPS_AND_ADMIN_QUERY`'s rows."""
    is_admin = bool(rows and rows[0]["is_admin"])
    return [_membership(row) for row in rows if row["tenant_id"] is not None], is_admin


def load_memberships(conn: Connection) -> list[Membership]:
    """The acting user's memberships, ordered by tenant name (read under RLS as the user)."""
    return memberships_from_rows(conn.execute(MEMBERSHIPS_QUERY).fetchall())


def load_memberships_and_admin(conn: Connection) -> tuple[list[Membership], bool]:
    """:func:`load_memberships` and whether the user is a platform administrator, in one statement."""
    return memberships_and_admin_from_rows(conn.execute(MEMBERSHIPS_AND_ADMIN_QUERY).fetchall())


def parse_tenant_header(value: str | None) -> uuid.UUID | None:
    """The ``X-Tenant-Id`` header as a UUID; a malformed value is a 400, never a lookup."""
    if value is None or not value.strip():
        return None
    try:
        return uuid.UUID(value.strip())
    except ValueError:
        raise BadRequest("X-Tenant-Id must be a UUID") from None


def choose_membership(memberships: list[Membership], requested: uuid.UUID | None) -> Membership:
    """The membership the request acts through.

    Asking for a tenant the user does not belong to is 403 with the same message whether or not the
    tenant exists, so the answer reveals nothing about other tenants.
    """
    if requested is None:
        if len(memberships) == 1:
            chosen = memberships[0]
        elif not memberships:
            raise Forbidden("You are not a member of any tenant")
        else:
            raise BadRequest("You belong to several tenants: choose one with the X-Tenant-Id header")
    else:
        match = [m for m in memberships if m.tenant_id == requested]
        if not match:
            raise Forbidden("You are not a member of this tenant")
        chosen = match[0]
    if not chosen.is_active:
        raise TenantSuspended("This tenant is suspended; contact DocFlow support")
    return chosen
