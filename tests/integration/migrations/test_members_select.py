"""members_select (0092): the same rows as before, and the membership read of ``/api/auth/me`` (the
user's own rows, no tenant claimed) answered without calling ``app_private.is_tenant_member()``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from docflow.tenancy import MEMBERSHIPS_QUERY, Role
from docflow_local.seed import DemoData, demo_id

pytestmark = pytest.mark.db

TENANT_A = demo_id("tenant:demo-oy")
TENANT_B = demo_id("tenant:esimerkki-ab")


@pytest.fixture
def as_user(superuser_url: str, demo: DemoData) -> Iterator[Any]:
    """Run a query as a demo user (role ``authenticated``, claims bound), counting the calls of
    ``is_tenant_member`` it made (``track_functions`` on for the transaction)."""
    with psycopg.connect(superuser_url) as conn:

        def run(user: Any, tenant: Any, query: str) -> tuple[list[tuple[Any, ...]], int]:
            claims = {"sub": str(user.user_id), "role": "authenticated"}
            if tenant is not None:
                claims["tenant_id"] = str(tenant)
            conn.execute("set local track_functions = 'all'")
            conn.execute("select set_config('request.jwt.claims', %s, true)", (json.dumps(claims),))
            conn.execute("set local role authenticated")
            rows = conn.execute(query).fetchall()
            conn.execute("reset role")
            calls = conn.execute(
                "select coalesce(pg_stat_get_xact_function_calls("
                "'app_private.is_tenant_member'::regproc::oid), 0)"
            ).fetchone()
            conn.rollback()
            assert calls is not None
            return rows, int(calls[0])

        yield run


def _user(demo: DemoData, tenant: Any, role: Role) -> Any:
    return next(u for u in demo.users if u.tenant_id == tenant and u.role == role)


def test_the_membership_read_naming_no_tenant_skips_the_member_check(as_user: Any, demo: DemoData) -> None:
    # /api/auth/me: the user's own rows, no tenant claimed
    owner = _user(demo, TENANT_A, Role.OWNER)
    rows, calls = as_user(owner, None, MEMBERSHIPS_QUERY)
    assert [row[0] for row in rows] == [TENANT_A]
    assert calls == 0


@pytest.mark.parametrize("claimed", [TENANT_A, TENANT_B])
def test_the_membership_read_naming_a_tenant_sees_only_the_users_own_rows(
    as_user: Any, demo: DemoData, claimed: Any
) -> None:
    # the claimed tenant's other rows are still fetched by the index and refused by the query's own
    # filter; the member check may run once for them
    owner = _user(demo, TENANT_A, Role.OWNER)
    rows, calls = as_user(owner, claimed, MEMBERSHIPS_QUERY)
    assert [row[0] for row in rows] == [TENANT_A]
    assert calls <= 1


def test_a_member_acting_for_the_tenant_still_sees_its_other_members(as_user: Any, demo: DemoData) -> None:
    viewer = _user(demo, TENANT_A, Role.VIEWER)
    rows, calls = as_user(viewer, TENANT_A, "select user_id from public.tenant_members order by user_id")
    expected = sorted(u.user_id for u in demo.users if u.tenant_id == TENANT_A)
    assert [row[0] for row in rows] == expected
    assert calls == 1  # the other rows are admitted by the member check, evaluated once


def test_claiming_a_foreign_tenant_shows_none_of_its_members(as_user: Any, demo: DemoData) -> None:
    owner = _user(demo, TENANT_A, Role.OWNER)
    rows, _ = as_user(owner, TENANT_B, "select tenant_id, user_id from public.tenant_members")
    assert rows == [(TENANT_A, owner.user_id)]
