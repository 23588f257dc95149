"""Fixtures of the admin route group tests: its app, and tokens of staff and tenant users."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from docflow.local.seed import DemoData
from docflow_admin.handler import app


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def staff(demo: DemoData, token_for: Callable[..., str]) -> dict[str, str]:
    """Headers of a platform administrator (a row in ``platform_admins``, no tenant role)."""
    token = token_for(demo.platform_admin_id, demo.platform_admin_email)
    return {"Authorization": f"Bearer {token}"}
