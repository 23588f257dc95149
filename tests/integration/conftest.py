"""Integration tests run against the session's real PostgreSQL with the real migrations."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row

from docflow.config import get_settings
from docflow.db import set_request_claims
from docflow_local.seed import DemoData

pytestmark = pytest.mark.db


@pytest.fixture
def act_as(postgres: object) -> Callable[..., Any]:
    """Open a transaction on the runtime role as API requests do, with the given claims and role.

    Always rolled back: a test sees exactly what a request would, and changes nothing.
    """

    @contextmanager
    def open_as(
        claims: dict[str, Any] | None, role: str = "authenticated"
    ) -> Iterator[psycopg.Connection[Any]]:
        with psycopg.connect(get_settings().database_url, row_factory=dict_row) as conn:
            if role == "anon":
                conn.execute("set local role anon")
            elif claims is not None:
                set_request_claims(conn, claims, role=role)
            else:
                conn.execute("set local role authenticated")
            try:
                yield conn
            finally:
                conn.rollback()

    return open_as


@pytest.fixture
def staff(demo: DemoData, token_for: Callable[..., str]) -> dict[str, str]:
    """Headers of a platform administrator (a row in ``platform_admins``, no tenant role)."""
    token = token_for(demo.platform_admin_id, demo.platform_admin_email)
    return {"Authorization": f"Bearer {token}"}
