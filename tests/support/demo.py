"""The seeded demo tenants of the local stack, and their users by role."""

from __future__ import annotations

import uuid

from docflow.tenancy import Role
from docflow_local.seed import DemoData, DemoUser, demo_id

DEMO_OY = demo_id("tenant:demo-oy")
ESIMERKKI = demo_id("tenant:esimerkki-ab")


def demo_user(demo: DemoData, tenant: uuid.UUID, role: Role = Role.OWNER) -> DemoUser:
    """The demo user with ``role`` in ``tenant``."""
    return next(u for u in demo.users if u.tenant_id == tenant and u.role == role)
