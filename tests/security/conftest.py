"""Security suite fixtures: clients for every function app and headers for every kind of caller."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from docflow.tenancy import Role
from docflow_local.seed import DemoData
from tests.security.inventory import function_modules
from tests.support.demo import DEMO_OY, demo_user


@pytest.fixture(scope="session")
def clients() -> Iterator[dict[str, TestClient]]:
    """A test client per function (its real app, unhandled errors answered as problems)."""
    opened = {
        name: TestClient(importlib.import_module(module).app, raise_server_exceptions=False)
        for name, module in function_modules().items()
    }
    yield opened
    for client in opened.values():
        client.close()


@pytest.fixture
def headers_for(token_for: Callable[..., str]) -> Callable[..., dict[str, str]]:
    """``Authorization`` (and optionally ``X-Tenant-Id``) headers for a user id and email."""

    def headers(user_id: object, email: str | None = None, tenant_id: object = None) -> dict[str, str]:
        result = {"Authorization": f"Bearer {token_for(user_id, email)}"}
        if tenant_id is not None:
            result["X-Tenant-Id"] = str(tenant_id)
        return result

    return headers


@pytest.fixture
def owner_headers(demo: DemoData, headers_for: Callable[..., dict[str, str]]) -> dict[str, str]:
    """The owner of Demo Oy, naming the tenant."""
    owner = demo_user(demo, DEMO_OY, Role.OWNER)
    return headers_for(owner.user_id, owner.email, DEMO_OY)


@pytest.fixture
def staff_headers(demo: DemoData, headers_for: Callable[..., dict[str, str]]) -> dict[str, str]:
    """A platform administrator."""
    return headers_for(demo.platform_admin_id, demo.platform_admin_email)
