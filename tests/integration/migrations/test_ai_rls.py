"""AI usage only grows, through its two functions: no member can lower or rewrite the counts that
enforce the daily budgets, not even the tenant's owner."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psycopg
import pytest

from docflow.tenancy import Role
from docflow_local.seed import DemoData
from tests.support.demo import DEMO_OY, demo_user


def _claims(demo: DemoData, role: Role) -> dict[str, Any]:
    user = demo_user(demo, DEMO_OY, role)
    return {"sub": str(user.user_id), "role": "authenticated", "tenant_id": str(DEMO_OY)}


@pytest.mark.parametrize(
    "statement",
    [
        "update public.ai_usage set requests = 0, tokens = 0 where tenant_id = %(t)s",
        "insert into public.ai_usage (tenant_id, day) values (%(t)s, current_date + 1)",
        "delete from public.ai_usage where tenant_id = %(t)s",
    ],
)
def test_even_the_owner_cannot_write_usage(
    act_as: Callable[..., Any], demo: DemoData, statement: str
) -> None:
    with act_as(_claims(demo, Role.OWNER)) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(statement, {"t": DEMO_OY})


def test_usage_grows_through_its_functions(act_as: Callable[..., Any], demo: DemoData) -> None:
    today = "select requests, tokens from public.ai_usage where day = (now() at time zone 'utc')::date"
    with act_as(_claims(demo, Role.VIEWER)) as conn:
        before = conn.execute(today).fetchone() or {"requests": 0, "tokens": 0}
        conn.execute("select app_private.ai_count_request()")
        conn.execute("select app_private.ai_add_tokens(40)")
        conn.execute("select app_private.ai_add_tokens(-500)")  # never lowers the count
        after = conn.execute(today).fetchone()
    assert after == {"requests": before["requests"] + 1, "tokens": before["tokens"] + 40}


def test_outsiders_cannot_count(act_as: Callable[..., Any], demo: DemoData) -> None:
    import uuid

    claims = {"sub": str(uuid.uuid4()), "role": "authenticated", "tenant_id": str(DEMO_OY)}
    with act_as(claims) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("select app_private.ai_count_request()")
