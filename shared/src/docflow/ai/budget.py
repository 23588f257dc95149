"""Per-tenant daily AI budgets, counted in PostgreSQL (``ai_usage``) so every Lambda instance sees
the same figures: requests per day from the tenant's plan (``Limit.AI_REQUESTS_PER_DAY``, 402 when
used up) and tokens per day (``AI_TOKENS_PER_DAY``, 429 until the next UTC day).

A request is counted before the model is called, under the plan's per-tenant lock, so concurrent
requests cannot both take the last one; its tokens are added once the model has answered. The counts
only grow, through two database functions: members cannot write the table itself.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from docflow.errors import RateLimited

if TYPE_CHECKING:
    from docflow.db import Connection


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def _seconds_to_midnight() -> int:
    now = dt.datetime.now(dt.UTC)
    tomorrow = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    return max(1, int((tomorrow - now).total_seconds()))


def used_today(conn: Connection) -> tuple[int, int]:
    """Requests and tokens the current tenant used today (UTC)."""
    row = conn.execute(
        """
        select requests, tokens from public.ai_usage
         where tenant_id = app_private.current_tenant_id() and day = %s
        """,
        (_today(),),
    ).fetchone()
    return (int(row["requests"]), int(row["tokens"])) if row else (0, 0)


def take_request(conn: Connection) -> None:
    """Count one AI request of the current tenant, or refuse: 402 past the plan's requests, 429 past
    the day's tokens."""
    from docflow.ai.settings import get_ai_settings
    from docflow.billing import entitlements

    requests, tokens = used_today(conn)
    entitlements.require(conn, entitlements.Limit.AI_REQUESTS_PER_DAY, used=requests)
    if tokens >= get_ai_settings().ai_tokens_per_day:
        raise RateLimited(_seconds_to_midnight(), "The tenant's AI token budget for today is used up")
    conn.execute("select app_private.ai_count_request()")


def add_tokens(conn: Connection, tokens: int) -> None:
    """Add the tokens of an answered call to today's count."""
    conn.execute("select app_private.ai_add_tokens(%s)", (max(0, tokens),))
