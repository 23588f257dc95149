"""Demo data for the local stack: two tenants with a user in every role, and a platform admin.

Idempotent: ids are derived from names, rows are inserted with ``on conflict do nothing``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from docflow.tenancy import Role

_NAMESPACE = uuid.UUID("6f1c3c5e-2d7a-4c1e-9b1a-5d0c2f9e8a10")


def demo_id(name: str) -> uuid.UUID:
    """A stable UUID for a demo object's name."""
    return uuid.uuid5(_NAMESPACE, name)


@dataclass(frozen=True, slots=True)
class DemoUser:
    """A seeded user with one membership."""

    email: str
    user_id: uuid.UUID
    tenant_id: uuid.UUID
    tenant_name: str
    role: Role


@dataclass(frozen=True, slots=True)
class DemoData:
    """What :func:`seed_demo` created."""

    users: tuple[DemoUser, ...]
    platform_admin_email: str
    platform_admin_id: uuid.UUID


DEMO_TENANTS: tuple[tuple[str, str], ...] = (("Demo Oy", "demo-oy"), ("Esimerkki Ab", "esimerkki-ab"))
PLATFORM_ADMIN_EMAIL = "staff@docflow.test"


def demo_users() -> tuple[DemoUser, ...]:
    """Every demo user: ``<role>@<tenant slug>.test`` for each tenant and role."""
    return tuple(
        DemoUser(
            email=f"{role.value}@{slug}.test",
            user_id=demo_id(f"user:{role.value}@{slug}"),
            tenant_id=demo_id(f"tenant:{slug}"),
            tenant_name=name,
            role=role,
        )
        for name, slug in DEMO_TENANTS
        for role in Role
    )


def ensure_user(conn: object, *, email: str, user_id: uuid.UUID | None = None) -> uuid.UUID:
    """The id of the ``auth.users`` row for ``email``, created if missing, with the address confirmed
    (local database only)."""
    import psycopg

    assert isinstance(conn, psycopg.Connection)
    row = conn.execute(
        """
        insert into auth.users (id, email, email_confirmed_at)
        values (coalesce(%s, gen_random_uuid()), %s, now())
        on conflict (email) do update
           set email = excluded.email,
               email_confirmed_at = coalesce(auth.users.email_confirmed_at, excluded.email_confirmed_at)
        returning id
        """,
        (user_id, email),
    ).fetchone()
    assert row is not None
    return uuid.UUID(str(row[0]))


def lead_form_key(slug: str) -> uuid.UUID:
    """The public contact-form key of a demo tenant (``demo-oy``, ``esimerkki-ab``)."""
    return demo_id(f"lead-form:{slug}")


def _seed_lead_forms(conn: object) -> None:
    """One website contact form per demo tenant, with a stable public key."""
    import psycopg

    assert isinstance(conn, psycopg.Connection)
    for _, slug in DEMO_TENANTS:
        conn.execute(
            """
            insert into public.lead_forms (id, tenant_id, key, name) values (%s, %s, %s, 'Website')
            on conflict (id) do nothing
            """,
            (demo_id(f"lead-form-id:{slug}"), demo_id(f"tenant:{slug}"), lead_form_key(slug)),
        )


def seed_demo(superuser_url: str) -> DemoData:
    """Create the demo tenants, users and memberships (safe to run again)."""
    import psycopg

    users = demo_users()
    admin_id = demo_id("user:staff")
    with psycopg.connect(superuser_url) as conn:
        for name, slug in DEMO_TENANTS:
            conn.execute(
                "insert into public.tenants (id, name) values (%s, %s) on conflict (id) do nothing",
                (demo_id(f"tenant:{slug}"), name),
            )
        for user in users:
            ensure_user(conn, email=user.email, user_id=user.user_id)
            conn.execute(
                """
                insert into public.tenant_members (tenant_id, user_id, role) values (%s, %s, %s)
                on conflict (tenant_id, user_id) do nothing
                """,
                (user.tenant_id, user.user_id, user.role.value),
            )
        _seed_lead_forms(conn)
        ensure_user(conn, email=PLATFORM_ADMIN_EMAIL, user_id=admin_id)
        conn.execute(
            "insert into public.platform_admins (user_id) values (%s) on conflict do nothing", (admin_id,)
        )
    return DemoData(users=users, platform_admin_email=PLATFORM_ADMIN_EMAIL, platform_admin_id=admin_id)


def seed_demo_receipts(superuser_url: str, today: dt.date | None = None) -> int:
    """A year of processed receipts with VAT rows for each demo tenant, so the finance routes show
    real figures (``make dev`` only: the test suite's demo tenants stay without receipts). Skipped
    for a tenant that has receipts already; returns how many were written."""
    import psycopg

    from docflow_local.finance_data import demo_receipts, insert_receipts

    written = 0
    with psycopg.connect(superuser_url) as conn:
        for _, slug in DEMO_TENANTS:
            tenant_id = demo_id(f"tenant:{slug}")
            if conn.execute(
                "select 1 from public.receipts where tenant_id = %s limit 1", (tenant_id,)
            ).fetchone():
                continue
            written += len(
                insert_receipts(conn, tenant_id, demo_receipts(today or dt.date.today(), tenant_id))
            )
    return written
