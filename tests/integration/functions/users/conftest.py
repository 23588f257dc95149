"""Fixtures of the users tests: the fake Supabase Auth on a free port, throw-away tenants, callers."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from docflow_local.fake_supabase import FakeSupabaseAuth
from tests.support.email import resend
from tests.support.tenants import Headers, Tenant, create_tenant, member_headers

__all__ = ["resend"]


@pytest.fixture(scope="module")
def fake_auth(supabase_auth: FakeSupabaseAuth) -> FakeSupabaseAuth:
    """The session's fake Supabase Auth (tests/conftest.py), where the functions send their calls."""
    return supabase_auth


@pytest.fixture(scope="module")
def http(postgres: object, fake_auth: FakeSupabaseAuth) -> Iterator[TestClient]:
    from docflow_users.handler import app

    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def make_tenant(superuser_url: str) -> Callable[..., Tenant]:
    """``make_tenant("owner", "admin", "member")``: a tenant with one new user per listed role label."""

    def make(*labels: str) -> Tenant:
        return create_tenant(superuser_url, *labels)

    return make


@pytest.fixture
def auth(token_for: Callable[..., str]) -> Headers:
    def headers(tenant: Tenant, label: str) -> dict[str, str]:
        return member_headers(token_for, tenant, label)

    return headers


@pytest.fixture(autouse=True)
def no_invitation_floor(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Invitations without their time floor (``test_invitation_timing`` sets one), so the suite stays fast."""
    from docflow_users.invitations import get_invitation_timing

    monkeypatch.setenv("INVITATIONS_DELIVERY_FLOOR_SECONDS", "0")
    get_invitation_timing.cache_clear()
    yield
    monkeypatch.undo()
    get_invitation_timing.cache_clear()
