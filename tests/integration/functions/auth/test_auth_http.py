"""``/api/auth/me`` end to end: real tokens, real memberships under RLS, and forged tokens refused
with 401 before any database work."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from docflow.auth import reset_verifier
from docflow.config import get_settings, reset_settings
from docflow.tenancy import Role
from docflow_auth.handler import app
from docflow_local.seed import DemoData, demo_id
from tests.support.forged_tokens import forged_authorization_headers, forged_tokens, signing_keys, valid_token
from tests.support.jwks_server import serve_jwks

pytestmark = pytest.mark.db

TENANT_A = demo_id("tenant:demo-oy")
TENANT_B = demo_id("tenant:esimerkki-ab")


@pytest.fixture(scope="module", autouse=True)
def supabase_with_jwks() -> Iterator[None]:
    """Verify with both key systems: the HS256 secret and the ES256/RS256 keys of a served JWKS."""
    with serve_jwks(signing_keys().jwks()) as server:
        patch = pytest.MonkeyPatch()
        patch.setenv("SUPABASE_URL", server.base_url)
        patch.setenv("SUPABASE_AUTH_ENABLED", "true")
        reset_settings()
        reset_verifier()
        yield
        patch.undo()
        reset_settings()
        reset_verifier()


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.mark.parametrize("algorithm", ["ES256", "RS256"])
def test_me_accepts_asymmetric_tokens_from_the_projects_jwks(
    client: TestClient, demo: DemoData, algorithm: str
) -> None:
    owner = _owner(demo, TENANT_A)
    token = valid_token(get_settings(), algorithm=algorithm, user_id=str(owner.user_id))  # type: ignore[attr-defined]
    response = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json()["current_tenant"]["tenant_name"] == "Demo Oy"


def _owner(demo: DemoData, tenant: object) -> object:
    return next(u for u in demo.users if u.tenant_id == tenant and u.role == Role.OWNER)


def test_me_shows_the_callers_only_tenant(
    client: TestClient, demo: DemoData, token_for: Callable[..., str]
) -> None:
    owner = _owner(demo, TENANT_A)
    token = token_for(owner.user_id, owner.email)  # type: ignore[attr-defined]
    response = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    body = response.json()
    assert body["user_id"] == str(owner.user_id)  # type: ignore[attr-defined]
    assert body["email"] == "owner@demo-oy.test"
    assert body["is_platform_admin"] is False
    assert [m["tenant_name"] for m in body["memberships"]] == ["Demo Oy"]
    assert body["current_tenant"] == {
        "tenant_id": str(TENANT_A),
        "tenant_name": "Demo Oy",
        "role": "owner",
        "active": True,
    }
    assert "Esimerkki" not in response.text


def test_me_refuses_a_tenant_the_user_does_not_belong_to(
    client: TestClient, demo: DemoData, token_for: Callable[..., str]
) -> None:
    owner = _owner(demo, TENANT_A)
    token = token_for(owner.user_id, owner.email)  # type: ignore[attr-defined]
    headers = {"Authorization": f"Bearer {token}"}
    other = client.get("/api/auth/me", headers={**headers, "X-Tenant-Id": str(TENANT_B)})
    missing = client.get("/api/auth/me", headers={**headers, "X-Tenant-Id": str(demo_id("tenant:none"))})
    assert other.status_code == missing.status_code == 403
    assert other.json()["detail"] == missing.json()["detail"]


def test_me_rejects_a_malformed_tenant_header(
    client: TestClient, demo: DemoData, token_for: Callable[..., str]
) -> None:
    owner = _owner(demo, TENANT_A)
    token = token_for(owner.user_id, owner.email)  # type: ignore[attr-defined]
    response = client.get(
        "/api/auth/me", headers={"Authorization": f"Bearer {token}", "X-Tenant-Id": "1 or 1=1"}
    )
    assert response.status_code == 400


def test_tenant_metadata_in_the_token_grants_nothing(
    client: TestClient, demo: DemoData, token_for: Callable[..., str]
) -> None:
    owner = _owner(demo, TENANT_A)
    token = token_for(
        owner.user_id,  # type: ignore[attr-defined]
        owner.email,  # type: ignore[attr-defined]
        extra_claims={
            "user_metadata": {"tenant_id": str(TENANT_B), "role": "owner"},
            "tenant_id": str(TENANT_B),
        },
    )
    response = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json()["current_tenant"]["tenant_id"] == str(TENANT_A)


def test_platform_admin_flag_comes_from_the_database(
    client: TestClient, demo: DemoData, token_for: Callable[..., str]
) -> None:
    staff = token_for(demo.platform_admin_id, demo.platform_admin_email)
    member = _owner(demo, TENANT_A)
    pretender = token_for(
        member.user_id,  # type: ignore[attr-defined]
        member.email,  # type: ignore[attr-defined]
        app_metadata={"docflow_platform_admin": True},
    )
    assert client.get("/api/auth/me", headers={"Authorization": f"Bearer {staff}"}).json()[
        "is_platform_admin"
    ]
    response = client.get("/api/auth/me", headers={"Authorization": f"Bearer {pretender}"})
    assert response.json()["is_platform_admin"] is False


@pytest.fixture
def no_database(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Any attempt to use the pool is recorded (and fails)."""
    calls: list[str] = []

    def forbidden() -> None:
        calls.append("get_pool")
        raise AssertionError("database used before authentication")

    monkeypatch.setattr("docflow.db.pool.get_pool", forbidden)
    return calls


def test_forged_token_corpus_is_refused_with_401_and_no_database_work(
    client: TestClient, no_database: list[str]
) -> None:
    corpus = forged_tokens(get_settings())
    assert len(corpus) >= 25
    statuses = {}
    for name, token in corpus:
        response = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
        statuses[name] = response.status_code
        assert response.headers["content-type"] == "application/problem+json", name
        assert response.headers["www-authenticate"].startswith("Bearer"), name
    assert {name for name, status in statuses.items() if status != 401} == set()
    assert no_database == []


def test_forged_authorization_headers_are_refused(
    client: TestClient, demo: DemoData, token_for: Callable[..., str], no_database: list[str]
) -> None:
    owner = _owner(demo, TENANT_A)
    token = token_for(owner.user_id, owner.email)  # type: ignore[attr-defined]
    for name, values in forged_authorization_headers(token):
        headers = [("authorization", value) for value in values]
        response = client.get("/api/auth/me", headers=headers)
        assert response.status_code == 401, name
    assert no_database == []
