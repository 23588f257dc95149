"""Billing tables: members read their tenant's subscription and nothing else; nobody but the webhook
(service_role) writes it, not even the tenant's owner; webhook events are invisible to requests; the
customer helper is for the current tenant's owners and admins only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psycopg
import pytest

from docflow.tenancy import Role
from docflow_local.seed import DemoData
from tests.support.demo import DEMO_OY, demo_user

pytestmark = pytest.mark.db


def _claims(demo: DemoData, role: Role) -> dict[str, Any]:
    user = demo_user(demo, DEMO_OY, role)
    return {"sub": str(user.user_id), "role": "authenticated", "tenant_id": str(DEMO_OY)}


@pytest.mark.parametrize(
    "statement",
    [
        "update public.billing_subscriptions set price_id = 'price_free_upgrade' where tenant_id = %(t)s",
        "insert into public.billing_subscriptions (tenant_id, status) values (%(t)s, 'active')",
        "delete from public.billing_subscriptions where tenant_id = %(t)s",
        "insert into public.stripe_events (event_id, event_type, stripe_created)"
        " values ('evt_x', 'x', now())",
        "select count(*) from public.stripe_events",
    ],
)
def test_even_the_owner_cannot_write_billing_state(
    act_as: Callable[..., Any], demo: DemoData, statement: str
) -> None:
    with act_as(_claims(demo, Role.OWNER)) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(statement, {"t": DEMO_OY})


@pytest.mark.parametrize("role", [Role.MEMBER, Role.VIEWER])
def test_members_and_viewers_cannot_set_the_customer(
    act_as: Callable[..., Any], demo: DemoData, role: Role
) -> None:
    with act_as(_claims(demo, role)) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("select app_private.billing_set_customer('cus_Stolen')")


def test_the_first_customer_of_a_tenant_is_kept(act_as: Callable[..., Any], demo: DemoData) -> None:
    with act_as(_claims(demo, Role.ADMIN)) as conn:
        first = conn.execute("select app_private.billing_set_customer('cus_First') as id").fetchone()
        second = conn.execute("select app_private.billing_set_customer('cus_Second') as id").fetchone()
    assert first == second == {"id": "cus_First"}
