"""Throw-away tenants: the one factory for tests that need a tenant of their own, and what to read back.

A tenant is created behind the API's back (as the database owner) with one fresh user per member label.
A label is a role, optionally followed by digits for a second user in the same role (``admin2``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

import psycopg

from docflow.billing.plans import Plan, price_id
from docflow.tenancy import Role
from docflow_local.seed import ensure_user


class Member(NamedTuple):
    """One user of a throw-away tenant."""

    user_id: uuid.UUID
    email: str


@dataclass(frozen=True, slots=True)
class Tenant:
    """A tenant created for a test; ``members`` maps a label (``owner``, ``admin2``...) to its user."""

    id: uuid.UUID
    name: str
    members: dict[str, Member]

    @property
    def users(self) -> dict[str, uuid.UUID]:
        """User id by label (a :class:`Role` works as a label)."""
        return {label: member.user_id for label, member in self.members.items()}


def create_tenant(superuser_url: str, *labels: str, name: str | None = None, paid: bool = True) -> Tenant:
    """Insert a tenant with a fresh user per label (just an owner when no label is given).

    The tenant is on the Accountant plan, so suites about other features are not held by the free
    plan's limits; ``paid=False`` leaves it on the free plan (the billing suites)."""
    tenant_id = uuid.uuid4()
    name = name or f"Tenant {tenant_id.hex[:6]}"
    members: dict[str, Member] = {}
    with psycopg.connect(superuser_url) as conn:
        conn.execute("insert into public.tenants (id, name) values (%s, %s)", (tenant_id, name))
        if paid:
            conn.execute(
                "insert into public.billing_subscriptions (tenant_id, status, price_id, synced_at)"
                " values (%s, 'active', %s, now())",
                (tenant_id, price_id(Plan.ACCOUNTANT)),
            )
        for label in labels or (Role.OWNER,):
            role = Role(label.rstrip("0123456789"))
            email = f"{label}-{tenant_id.hex[:10]}@tenants.test"
            user_id = ensure_user(conn, email=email)
            conn.execute(
                "insert into public.tenant_members (tenant_id, user_id, role) values (%s, %s, %s)",
                (tenant_id, user_id, role.value),
            )
            members[str(label)] = Member(user_id, email)
    return Tenant(id=tenant_id, name=name, members=members)


Headers = Callable[..., dict[str, str]]


def member_headers(token_for: Callable[..., str], tenant: Tenant, label: str) -> dict[str, str]:
    """The headers of the member ``label`` acting for ``tenant``."""
    member = tenant.members[label]
    return {
        "Authorization": f"Bearer {token_for(member.user_id, member.email)}",
        "X-Tenant-Id": str(tenant.id),
    }


def roles_of(superuser_url: str, tenant: Tenant) -> dict[uuid.UUID, str]:
    """Memberships of a tenant as the database holds them."""
    with psycopg.connect(superuser_url) as conn:
        rows = conn.execute(
            "select user_id, role from public.tenant_members where tenant_id = %s", (tenant.id,)
        )
        return {row[0]: row[1] for row in rows.fetchall()}


def audit_actions(superuser_url: str, tenant: Tenant) -> list[tuple[Any, ...]]:
    """The tenant's audit log: (action, actor, target, details), oldest first."""
    with psycopg.connect(superuser_url) as conn:
        return conn.execute(
            "select action, actor_user_id, target_id, details from public.audit_log"
            " where tenant_id = %s order by id",
            (tenant.id,),
        ).fetchall()
