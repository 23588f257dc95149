"""``/api/auth`` flows against the local fake of Supabase Auth: the PKCE callback, sign-out, switching
tenant and creating one."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Iterator

import psycopg
import pytest
from fastapi.testclient import TestClient

from docflow.config import reset_settings
from docflow_local.fake_supabase import FakeSupabaseAuth, pkce_challenge
from docflow_local.postgres import free_port
from docflow_local.seed import ensure_user

pytestmark = pytest.mark.db


@pytest.fixture(scope="module")
def fake_auth(supabase_auth: FakeSupabaseAuth) -> FakeSupabaseAuth:
    """The session's fake Supabase Auth (tests/conftest.py), where the functions send their calls."""
    return supabase_auth


@pytest.fixture(scope="module")
def http(postgres: object, fake_auth: FakeSupabaseAuth) -> Iterator[TestClient]:
    from docflow_auth.handler import app

    with TestClient(app, raise_server_exceptions=False, client=("203.0.113.77", 50000)) as client:
        yield client


@pytest.fixture
def new_user(superuser_url: str) -> Callable[[], tuple[uuid.UUID, str]]:
    def make() -> tuple[uuid.UUID, str]:
        email = f"signup-{uuid.uuid4().hex[:10]}@auth.test"
        with psycopg.connect(superuser_url) as conn:
            return ensure_user(conn, email=email), email

    return make


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _sign_in(http: TestClient, fake: FakeSupabaseAuth, user_id: uuid.UUID, email: str) -> dict[str, object]:
    verifier = secrets.token_urlsafe(48)
    code = fake.authorize(user_id=user_id, email=email, code_challenge=pkce_challenge(verifier))
    response = http.post("/api/auth/callback", json={"code": code, "code_verifier": verifier})
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_pkce_callback_returns_a_session_that_works(
    http: TestClient,
    fake_auth: FakeSupabaseAuth,
    new_user: Callable[[], tuple[uuid.UUID, str]],
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    user_id, email = new_user()
    session = _sign_in(http, fake_auth, user_id, email)
    assert session["token_type"] == "bearer"
    assert session["user"] == {"id": str(user_id), "email": email}
    assert isinstance(session["refresh_token"], str)
    me = http.get("/api/auth/me", headers=_bearer(str(session["access_token"])))
    assert me.status_code == 200
    assert me.json()["user_id"] == str(user_id)
    assert me.json()["memberships"] == []
    captured = capsys.readouterr()
    for secret in (str(session["access_token"]), str(session["refresh_token"])):
        assert secret not in captured.out + captured.err + caplog.text


def test_callback_refuses_a_wrong_verifier_and_a_reused_code(
    http: TestClient, fake_auth: FakeSupabaseAuth, new_user: Callable[[], tuple[uuid.UUID, str]]
) -> None:
    user_id, email = new_user()
    verifier = secrets.token_urlsafe(48)
    code = fake_auth.authorize(user_id=user_id, email=email, code_challenge=pkce_challenge(verifier))
    wrong = http.post("/api/auth/callback", json={"code": code, "code_verifier": secrets.token_urlsafe(48)})
    assert wrong.status_code == 400
    assert wrong.json()["code"] == "bad_request"
    # the code is spent: the right verifier is too late now
    assert http.post("/api/auth/callback", json={"code": code, "code_verifier": verifier}).status_code == 400
    assert (
        http.post(
            "/api/auth/callback", json={"code": str(uuid.uuid4()), "code_verifier": verifier}
        ).status_code
        == 400
    )


@pytest.mark.parametrize(
    "body",
    [
        {"code": "abc", "code_verifier": "short"},
        {"code": "abc", "code_verifier": "x" * 129},
        {"code": "a b", "code_verifier": "x" * 43},
        {"code": "abc", "code_verifier": "x" * 43, "redirect_to": "https://evil.example"},
        {"code_verifier": "x" * 43},
    ],
)
def test_callback_bodies_are_strict(http: TestClient, body: dict[str, str]) -> None:
    assert http.post("/api/auth/callback", json=body).status_code == 422


def test_callback_with_supabase_down_is_503(http: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUPABASE_AUTH_URL", f"http://127.0.0.1:{free_port()}/auth/v1")
    reset_settings()
    try:
        response = http.post("/api/auth/callback", json={"code": "abc", "code_verifier": "x" * 43})
    finally:
        monkeypatch.undo()
        reset_settings()
    assert response.status_code == 503


@pytest.mark.parametrize("scope", ["local", "global", "others"])
def test_signout_revokes_through_supabase(
    http: TestClient, fake_auth: FakeSupabaseAuth, new_user: Callable[[], tuple[uuid.UUID, str]], scope: str
) -> None:
    user_id, email = new_user()
    session = _sign_in(http, fake_auth, user_id, email)
    response = http.post(
        "/api/auth/signout", json={"scope": scope}, headers=_bearer(str(session["access_token"]))
    )
    assert response.status_code == 204
    session_id = next(sid for sid, uid in fake_auth.state.sessions.items() if uid == user_id)
    assert (session_id, scope) in fake_auth.state.revoked_sessions


def test_signout_needs_a_token_and_a_known_scope(
    http: TestClient, fake_auth: FakeSupabaseAuth, new_user: Callable[[], tuple[uuid.UUID, str]]
) -> None:
    assert http.post("/api/auth/signout").status_code == 401
    user_id, email = new_user()
    token = str(_sign_in(http, fake_auth, user_id, email)["access_token"])
    assert (
        http.post("/api/auth/signout", json={"scope": "everyone"}, headers=_bearer(token)).status_code == 422
    )
    assert http.post("/api/auth/signout", headers=_bearer(token)).status_code == 204


def test_create_tenant_makes_the_caller_its_owner_and_audits_it(
    http: TestClient,
    new_user: Callable[[], tuple[uuid.UUID, str]],
    token_for: Callable[..., str],
    superuser_url: str,
) -> None:
    user_id, email = new_user()
    headers = _bearer(token_for(user_id, email))
    response = http.post("/api/auth/tenants", json={"name": "  Uusi Tilitoimisto Oy "}, headers=headers)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["tenant_name"] == "Uusi Tilitoimisto Oy"
    assert body["role"] == "owner"
    me = http.get("/api/auth/me", headers=headers).json()
    assert me["current_tenant"]["tenant_id"] == body["tenant_id"]
    assert me["current_tenant"]["role"] == "owner"
    with psycopg.connect(superuser_url) as conn:
        entry = conn.execute(
            "select action, actor_user_id, target_id from public.audit_log where tenant_id = %s",
            (body["tenant_id"],),
        ).fetchall()
    assert entry == [("tenant.created", user_id, body["tenant_id"])]


def test_tenant_creation_is_limited_per_user(
    http: TestClient,
    new_user: Callable[[], tuple[uuid.UUID, str]],
    token_for: Callable[..., str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    user_id, email = new_user()
    headers = _bearer(token_for(user_id, email))
    monkeypatch.setenv("MAX_TENANTS_PER_USER", "2")
    reset_settings()
    try:
        statuses = [
            http.post("/api/auth/tenants", json={"name": f"T{i}"}, headers=headers).status_code
            for i in range(3)
        ]
    finally:
        monkeypatch.undo()
        reset_settings()
    assert statuses == [201, 201, 403]


@pytest.mark.parametrize(
    "body",
    [
        {"name": ""},
        {"name": "x" * 201},
        {"name": "Oy", "owner_id": str(uuid.uuid4())},
        {"name": "Oy", "status": "active"},
    ],
)
def test_tenant_creation_bodies_are_strict(
    http: TestClient,
    new_user: Callable[[], tuple[uuid.UUID, str]],
    token_for: Callable[..., str],
    body: dict[str, str],
) -> None:
    user_id, email = new_user()
    response = http.post("/api/auth/tenants", json=body, headers=_bearer(token_for(user_id, email)))
    assert response.status_code == 422


def test_anonymous_sessions_and_unknown_accounts_create_no_tenant(
    http: TestClient, new_user: Callable[[], tuple[uuid.UUID, str]], token_for: Callable[..., str]
) -> None:
    user_id, _ = new_user()
    anonymous = token_for(user_id, None, extra_claims={"is_anonymous": True})
    assert (
        http.post("/api/auth/tenants", json={"name": "Anon Oy"}, headers=_bearer(anonymous)).status_code
        == 403
    )
    ghost = token_for(uuid.uuid4(), "ghost@auth.test")
    assert (
        http.post("/api/auth/tenants", json={"name": "Ghost Oy"}, headers=_bearer(ghost)).status_code == 403
    )
    assert http.post("/api/auth/tenants", json={"name": "No token Oy"}).status_code == 401


def test_switch_tenant_checks_membership_and_records_nothing(
    http: TestClient,
    new_user: Callable[[], tuple[uuid.UUID, str]],
    token_for: Callable[..., str],
    superuser_url: str,
) -> None:
    user_id, email = new_user()
    headers = _bearer(token_for(user_id, email))
    first = http.post("/api/auth/tenants", json={"name": "Ensimmäinen Oy"}, headers=headers).json()
    second = http.post("/api/auth/tenants", json={"name": "Toinen Oy"}, headers=headers).json()
    stranger_id, stranger_email = new_user()
    foreign = http.post(
        "/api/auth/tenants",
        json={"name": "Vieras Oy"},
        headers=_bearer(token_for(stranger_id, stranger_email)),
    ).json()
    with psycopg.connect(superuser_url) as conn:
        before = conn.execute("select count(*) from public.audit_log").fetchone()
    for tenant in (first, second):
        response = http.post("/api/auth/switch-tenant", json={"tenant": tenant["tenant_id"]}, headers=headers)
        assert response.status_code == 200
        assert response.json() == {**tenant, "header": "X-Tenant-Id"}
    denied = http.post("/api/auth/switch-tenant", json={"tenant": foreign["tenant_id"]}, headers=headers)
    missing = http.post("/api/auth/switch-tenant", json={"tenant": str(uuid.uuid4())}, headers=headers)
    assert denied.status_code == missing.status_code == 403
    assert denied.json()["detail"] == missing.json()["detail"]
    assert "Vieras" not in denied.text
    with psycopg.connect(superuser_url) as conn:
        conn.execute("update public.tenants set status = 'suspended' where id = %s", (second["tenant_id"],))
        after = conn.execute("select count(*) from public.audit_log").fetchone()
    suspended = http.post("/api/auth/switch-tenant", json={"tenant": second["tenant_id"]}, headers=headers)
    assert suspended.status_code == 403
    assert suspended.json()["code"] == "tenant_suspended"
    assert before == after
    assert http.post("/api/auth/switch-tenant", json={"tenant": "nope"}, headers=headers).status_code == 422


def test_callbacks_are_rate_limited_per_address(
    http: TestClient, fake_auth: FakeSupabaseAuth, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docflow_auth.handler import app

    monkeypatch.setenv("AUTH_CALLBACK_RATE_LIMIT_PER_IP", "2")
    reset_settings()
    body = {"code": str(uuid.uuid4()), "code_verifier": "x" * 43}
    address = f"198.51.100.{secrets.randbelow(250) + 1}"
    try:
        with TestClient(app, raise_server_exceptions=False, client=(address, 40000)) as client:
            statuses = [client.post("/api/auth/callback", json=body).status_code for _ in range(3)]
            refused = client.post("/api/auth/callback", json=body)
        with TestClient(app, raise_server_exceptions=False, client=("192.0.2.200", 40000)) as elsewhere:
            other = elsewhere.post("/api/auth/callback", json=body).status_code
    finally:
        monkeypatch.undo()
        reset_settings()
    assert statuses == [400, 400, 429]
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 300
    assert other == 400
