"""CRUD matrix: each tenant table x {own tenant, other tenant, forged tenant claim, anon, no claims}.

Tenant B's rows are the target. Only B's own members acting for B may see or change them; every other
context sees nothing and changes nothing, even with a tenant id forged straight into the claims.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psycopg
import pytest

from docflow.tenancy import Role
from docflow_local.seed import DemoData, demo_id

pytestmark = pytest.mark.db

TENANT_A = demo_id("tenant:demo-oy")
TENANT_B = demo_id("tenant:esimerkki-ab")


def _user(demo: DemoData, tenant: Any, role: Role) -> Any:
    return next(u for u in demo.users if u.tenant_id == tenant and u.role == role)


def _claims(demo: DemoData, context: str) -> tuple[dict[str, Any] | None, str]:
    owner_a, owner_b = _user(demo, TENANT_A, Role.OWNER), _user(demo, TENANT_B, Role.OWNER)
    return {
        "own": (
            {"sub": str(owner_b.user_id), "role": "authenticated", "tenant_id": str(TENANT_B)},
            "authenticated",
        ),
        "other": (
            {"sub": str(owner_a.user_id), "role": "authenticated", "tenant_id": str(TENANT_A)},
            "authenticated",
        ),
        "forged": (
            {"sub": str(owner_a.user_id), "role": "authenticated", "tenant_id": str(TENANT_B)},
            "authenticated",
        ),
        "no_claims": (None, "authenticated"),
        "anon": (None, "anon"),
    }[context]


FOREIGN_CONTEXTS = ["other", "forged", "no_claims", "anon"]

SELECTS = {
    "tenants": "select count(*) as n from public.tenants where id = %(b)s",
    "tenant_members": "select count(*) as n from public.tenant_members where tenant_id = %(b)s",
    "audit_log": "select count(*) as n from public.audit_log where tenant_id = %(b)s",
    "tenant_invitations": "select count(*) as n from public.tenant_invitations where tenant_id = %(b)s",
    "billing_subscriptions": "select count(*) as n from public.billing_subscriptions where tenant_id = %(b)s",
}
WRITES = {
    "tenants.update": "update public.tenants set name = 'pwned' where id = %(b)s",
    "tenant_members.update": "update public.tenant_members set role = 'owner' where tenant_id = %(b)s",
    "tenant_members.delete": "delete from public.tenant_members where tenant_id = %(b)s",
    "tenant_members.insert": (
        "insert into public.tenant_members (tenant_id, user_id, role) values (%(b)s, %(me)s, 'owner')"
    ),
    "audit_log.insert": (
        "insert into public.audit_log (tenant_id, actor_user_id, action) values (%(b)s, %(me)s, 'x')"
    ),
    "tenant_invitations.insert": (
        "insert into public.tenant_invitations (tenant_id, email, role, invited_by)"
        " values (%(b)s, 'matrix@example.test', 'owner', %(me)s)"
    ),
    "tenant_invitations.delete": "delete from public.tenant_invitations where tenant_id = %(b)s",
    "billing_subscriptions.update": (
        "update public.billing_subscriptions set status = 'active' where tenant_id = %(b)s"
    ),
    "billing_subscriptions.delete": "delete from public.billing_subscriptions where tenant_id = %(b)s",
}


@pytest.fixture(scope="module", autouse=True)
def rows_for_b(superuser_url: str, demo: DemoData) -> None:
    with psycopg.connect(superuser_url) as conn:
        conn.execute(
            "insert into public.audit_log (tenant_id, actor_user_id, action)"
            " values (%s, %s, 'canary.created')",
            (TENANT_B, _user(demo, TENANT_B, Role.OWNER).user_id),
        )
        conn.execute(
            "insert into public.tenant_invitations (tenant_id, email, role, invited_by)"
            " values (%s, 'pending-b@example.test', 'member', %s) on conflict do nothing",
            (TENANT_B, _user(demo, TENANT_B, Role.OWNER).user_id),
        )


def _params(demo: DemoData, claims: dict[str, Any] | None) -> dict[str, Any]:
    me = claims["sub"] if claims else str(_user(demo, TENANT_A, Role.MEMBER).user_id)
    return {"b": TENANT_B, "me": me}


@pytest.mark.parametrize("table", sorted(SELECTS))
def test_own_members_see_their_tenant_rows(act_as: Callable[..., Any], demo: DemoData, table: str) -> None:
    claims, role = _claims(demo, "own")
    with act_as(claims, role) as conn:
        assert conn.execute(SELECTS[table], _params(demo, claims)).fetchone()["n"] > 0


@pytest.mark.parametrize("context", FOREIGN_CONTEXTS)
@pytest.mark.parametrize("table", sorted(SELECTS))
def test_foreign_contexts_see_no_rows(
    act_as: Callable[..., Any], demo: DemoData, table: str, context: str
) -> None:
    claims, role = _claims(demo, context)
    with act_as(claims, role) as conn:
        try:
            visible = conn.execute(SELECTS[table], _params(demo, claims)).fetchone()["n"]
        except psycopg.errors.InsufficientPrivilege:
            visible = 0
    assert visible == 0


@pytest.mark.parametrize("context", FOREIGN_CONTEXTS)
@pytest.mark.parametrize("operation", sorted(WRITES))
def test_foreign_contexts_change_nothing(
    act_as: Callable[..., Any], demo: DemoData, superuser_url: str, operation: str, context: str
) -> None:
    claims, role = _claims(demo, context)
    with act_as(claims, role) as conn:
        try:
            changed = conn.execute(WRITES[operation], _params(demo, claims)).rowcount
        except (psycopg.errors.InsufficientPrivilege, psycopg.errors.UniqueViolation):
            changed = 0
    assert changed == 0
    with psycopg.connect(superuser_url) as conn:
        names = conn.execute("select name from public.tenants where id = %s", (TENANT_B,)).fetchone()
    assert names == ("Esimerkki Ab",)


def test_own_viewer_cannot_manage_members(act_as: Callable[..., Any], demo: DemoData) -> None:
    viewer = _user(demo, TENANT_B, Role.VIEWER)
    claims = {"sub": str(viewer.user_id), "role": "authenticated", "tenant_id": str(TENANT_B)}
    with act_as(claims) as conn:
        changed = conn.execute(
            "update public.tenant_members set role = 'owner' where tenant_id = %s and user_id = %s",
            (TENANT_B, viewer.user_id),
        ).rowcount
    assert changed == 0


def test_settings_from_a_finished_transaction_read_as_no_claims(
    act_as: Callable[..., Any], demo: DemoData
) -> None:
    """``set_config(..., true)`` leaves '' behind on the connection: the helpers must fail closed."""
    claims, _ = _claims(demo, "own")
    from docflow.config import get_settings
    from docflow.db import set_request_claims

    with psycopg.connect(get_settings().database_url) as conn:
        set_request_claims(conn, claims, role="authenticated")
        conn.commit()
        conn.execute("set local role authenticated")
        row = conn.execute(
            "select app_private.current_tenant_id(), (select count(*) from public.tenant_members)"
        ).fetchone()
        conn.rollback()
    assert row == (None, 0)


def test_claims_need_an_open_transaction(postgres: object) -> None:
    from docflow.config import get_settings
    from docflow.db import set_request_claims

    with psycopg.connect(get_settings().database_url, autocommit=True) as conn, pytest.raises(RuntimeError):
        set_request_claims(conn, {"sub": "x"}, role="authenticated")
