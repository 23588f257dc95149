"""The database's own guards on clients: the Y-tunnus check digit and tenant-consistent contacts."""

from __future__ import annotations

import random
import uuid

import psycopg
import pytest
from stdnum.fi import ytunnus

from tests.support.tenants import Tenant

pytestmark = pytest.mark.db


def test_database_ytunnus_check_agrees_with_python_stdnum(superuser_url: str) -> None:
    rng = random.Random(20261127)
    values = [f"{rng.randrange(10**7):07d}-{rng.randrange(10)}" for _ in range(3000)]
    values += ["0737546-2", "0737546-3", "1234567-8", "07375462", "0737546-22", "", "abcdefg-h"]
    with psycopg.connect(superuser_url) as conn:
        rows = conn.execute(
            "select v, coalesce(app_private.is_valid_ytunnus(v), false) from unnest(%s::text[]) as v",
            (values,),
        ).fetchall()
    mismatches = [value for value, valid in rows if valid != bool(ytunnus.is_valid(value) and "-" in value)]
    assert mismatches == []
    assert sum(valid for _, valid in rows) > 200  # about one random check digit in ten is right


def test_invalid_ytunnus_cannot_be_stored_even_behind_the_api(superuser_url: str, tenant_a: Tenant) -> None:
    with psycopg.connect(superuser_url) as conn, pytest.raises(psycopg.errors.CheckViolation):
        conn.execute(
            "insert into public.clients (tenant_id, kind, name, business_id)"
            " values (%s, 'company', 'X', '1234567-8')",
            (tenant_a.id,),
        )


def test_a_contact_cannot_point_at_another_tenants_client(
    superuser_url: str, tenant_a: Tenant, tenant_b: Tenant
) -> None:
    client_id = uuid.uuid4()
    with psycopg.connect(superuser_url) as conn:
        conn.execute(
            "insert into public.clients (id, tenant_id, kind, name) values (%s, %s, 'company', 'A asiakas')",
            (client_id, tenant_a.id),
        )
    with psycopg.connect(superuser_url) as conn, pytest.raises(psycopg.errors.ForeignKeyViolation):
        conn.execute(
            "insert into public.client_contacts (tenant_id, client_id, name) values (%s, %s, 'Vieras')",
            (tenant_b.id, client_id),
        )


def test_viewers_cannot_write_even_with_sql(act_as: object, tenant_a: Tenant) -> None:
    from docflow.tenancy import Role

    claims = {"sub": str(tenant_a.users[Role.VIEWER]), "role": "authenticated", "tenant_id": str(tenant_a.id)}
    with act_as(claims) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):  # type: ignore[operator]
        conn.execute(
            "insert into public.clients (tenant_id, kind, name) values (%s, 'company', 'V')", (tenant_a.id,)
        )


def test_requests_cannot_delete_clients_or_set_server_columns(act_as: object, tenant_a: Tenant) -> None:
    from docflow.tenancy import Role

    claims = {"sub": str(tenant_a.users[Role.OWNER]), "role": "authenticated", "tenant_id": str(tenant_a.id)}
    with act_as(claims) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):  # type: ignore[operator]
        conn.execute("delete from public.clients where tenant_id = %s", (tenant_a.id,))
    with act_as(claims) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):  # type: ignore[operator]
        conn.execute("update public.clients set created_by = null where tenant_id = %s", (tenant_a.id,))
