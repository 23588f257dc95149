"""Throw-away tenants for tests that change a tenant's state (suspension, usage)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import psycopg

from docflow.tenancy import Role
from docflow_local.seed import ensure_user


@dataclass(frozen=True, slots=True)
class ScratchTenant:
    """A tenant created for one test, with one user per requested role."""

    tenant_id: uuid.UUID
    name: str
    users: dict[Role, tuple[uuid.UUID, str]]


def create_tenant(superuser_url: str, name: str, roles: tuple[Role, ...] = (Role.OWNER,)) -> ScratchTenant:
    """Insert a tenant with a fresh user in each role (behind the API's back, as the owner)."""
    tenant_id = uuid.uuid4()
    users: dict[Role, tuple[uuid.UUID, str]] = {}
    with psycopg.connect(superuser_url) as conn:
        conn.execute("insert into public.tenants (id, name) values (%s, %s)", (tenant_id, name))
        for role in roles:
            email = f"{role.value}-{tenant_id.hex[:8]}@scratch.test"
            user_id = ensure_user(conn, email=email)
            conn.execute(
                "insert into public.tenant_members (tenant_id, user_id, role) values (%s, %s, %s)",
                (tenant_id, user_id, role.value),
            )
            users[role] = (user_id, email)
    return ScratchTenant(tenant_id=tenant_id, name=name, users=users)
