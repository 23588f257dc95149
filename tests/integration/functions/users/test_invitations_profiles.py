"""Sending invitations (the link from the real Supabase Auth client against the local fake, the e-mail
through DocFlow's template and the fake Resend, in the invitee's language) and the caller's profile."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable

import psycopg
import pytest
from fastapi.testclient import TestClient

from docflow.config import reset_settings
from docflow_local.fake_resend import FakeResend
from docflow_local.fake_supabase import FakeSupabaseAuth
from docflow_local.postgres import free_port
from tests.support.tenants import Headers, Tenant, audit_actions, roles_of

pytestmark = pytest.mark.db


def test_an_invitation_waits_for_the_invitee_and_a_new_address_gets_a_supabase_link_by_our_mail(
    *,
    http: TestClient,
    make_tenant: Callable[..., Tenant],
    auth: Headers,
    fake_auth: FakeSupabaseAuth,
    resend: FakeResend,
    superuser_url: str,
) -> None:
    tenant = make_tenant("owner", "admin")
    email = f"Uusi.Kayttaja-{uuid.uuid4().hex[:6]}@Example.TEST"
    response = http.post(
        "/api/users/invitations", json={"email": email, "role": "member"}, headers=auth(tenant, "admin")
    )
    assert response.status_code == 201, response.text
    body = response.json()
    stored_email = email.lower()
    assert set(body) == {"id", "email", "role", "invited_at", "expires_at", "invited_by"}
    assert (body["email"], body["role"], body["invited_by"]) == (
        stored_email,
        "member",
        str(tenant.users["admin"]),
    )
    invitation = fake_auth.state.links[-1]
    assert (invitation.type, invitation.email) == ("invite", stored_email)
    assert invitation.data == {"tenant_id": str(tenant.id), "role": "member"}
    assert not any(i.email == stored_email for i in fake_auth.state.invitations)  # Supabase mailed nothing
    [mail] = resend.sent_to(stored_email)
    assert mail["subject"] == f"Kutsu DocFlow'hun: {tenant.name}"
    assert invitation.action_link in mail["text"]
    assert "14 päivää" in mail["text"]
    # nobody joins before accepting
    assert invitation.user_id not in roles_of(superuser_url, tenant)
    entry = audit_actions(superuser_url, tenant)[-1]
    assert entry[:3] == ("member.invited", tenant.users["admin"], body["id"])
    assert entry[3] == {"role": "member"}
    assert "@" not in json.dumps(entry[3])


@pytest.mark.parametrize(
    ("requested", "invitee", "inviter", "subject"),
    [
        ("sv", None, "en", "Inbjudan till DocFlow"),
        (None, "en", "sv", "Invitation to DocFlow"),
        (None, None, "sv", "Inbjudan till DocFlow"),
        (None, None, None, "Kutsu DocFlow'hun"),
    ],
)
def test_the_invitation_is_mailed_once_in_the_invitees_language(
    *,
    http: TestClient,
    make_tenant: Callable[..., Tenant],
    auth: Headers,
    resend: FakeResend,
    superuser_url: str,
    requested: str | None,
    invitee: str | None,
    inviter: str | None,
    subject: str,
) -> None:
    from docflow_local.seed import ensure_user

    tenant = make_tenant("owner")
    email = f"kieli-{uuid.uuid4().hex[:8]}@example.test"
    with psycopg.connect(superuser_url) as conn:
        if invitee:
            user_id = ensure_user(conn, email=email)
            conn.execute("insert into public.profiles (user_id, locale) values (%s, %s)", (user_id, invitee))
        if inviter:
            conn.execute(
                "insert into public.profiles (user_id, locale) values (%s, %s)"
                " on conflict (user_id) do update set locale = excluded.locale",
                (tenant.users["owner"], inviter),
            )
    body = {"email": email, **({"locale": requested} if requested else {})}
    response = http.post("/api/users/invitations", json=body, headers=auth(tenant, "owner"))
    assert response.status_code == 201, response.text
    [mail] = resend.sent_to(email)
    assert mail["subject"] == f"{subject}: {tenant.name}"
    if invitee:  # an account: the link is the app's invitations page, no Supabase user was made
        assert "/invitations" in mail["text"]
    with psycopg.connect(superuser_url) as conn:
        logged = conn.execute(
            "select idempotency_key, kind, status from public.email_sends where tenant_id = %s", (tenant.id,)
        ).fetchall()
    assert logged == [(f"invitation/{response.json()['id']}/v2", "invitation", "sent")]


def test_a_bad_invitation_language_is_422(
    http: TestClient, make_tenant: Callable[..., Tenant], auth: Headers
) -> None:
    tenant = make_tenant("owner")
    response = http.post(
        "/api/users/invitations",
        json={"email": "a@example.test", "locale": "de"},
        headers=auth(tenant, "owner"),
    )
    assert response.status_code == 422


def test_supabase_auth_is_asked_only_after_the_invitation_is_committed(
    http: TestClient,
    make_tenant: Callable[..., Tenant],
    auth: Headers,
    superuser_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from docflow_users import routes

    tenant = make_tenant("owner")
    email = f"committed-{uuid.uuid4().hex[:6]}@example.test"
    committed: list[object] = []

    def check_then_link(address: str, *, data: dict[str, object]) -> str:
        with psycopg.connect(superuser_url) as conn:
            committed.append(
                conn.execute(
                    "select count(*) from public.tenant_invitations where tenant_id = %s and email = %s",
                    (tenant.id, address),
                ).fetchone()
            )
        return "https://auth.example.test/verify?token=x"

    monkeypatch.setattr(routes, "invitation_link", check_then_link)
    response = http.post("/api/users/invitations", json={"email": email}, headers=auth(tenant, "owner"))
    assert response.status_code == 201
    assert committed == [(1,)]


def test_a_member_or_a_pending_invitation_is_a_409(
    http: TestClient, make_tenant: Callable[..., Tenant], auth: Headers, fake_auth: FakeSupabaseAuth
) -> None:
    tenant = make_tenant("owner", "viewer")
    member_email = tenant.members["viewer"].email
    sent_before = len(fake_auth.state.links)
    member = http.post(
        "/api/users/invitations",
        json={"email": member_email.upper(), "role": "admin"},
        headers=auth(tenant, "owner"),
    )
    assert member.status_code == 409
    assert member.json()["code"] == "conflict"
    email = f"kahdesti-{uuid.uuid4().hex[:8]}@example.test"
    first = http.post("/api/users/invitations", json={"email": email}, headers=auth(tenant, "owner"))
    again = http.post(
        "/api/users/invitations", json={"email": email, "role": "admin"}, headers=auth(tenant, "owner")
    )
    assert (first.status_code, again.status_code) == (201, 409)
    assert len(fake_auth.state.links) == sent_before + 1


@pytest.mark.parametrize(
    ("actor", "role", "status"),
    [
        ("owner", "owner", 201),
        ("owner", "admin", 201),
        ("admin", "owner", 403),
        ("admin", "admin", 201),
        ("admin", "viewer", 201),
        ("member", "viewer", 403),
        ("viewer", "viewer", 403),
    ],
)
def test_who_may_invite_whom(
    *,
    http: TestClient,
    make_tenant: Callable[..., Tenant],
    auth: Headers,
    fake_auth: FakeSupabaseAuth,
    actor: str,
    role: str,
    status: int,
) -> None:
    tenant = make_tenant("owner", "admin", "member", "viewer")
    sent_before = len(fake_auth.state.links)
    email = f"kutsu-{uuid.uuid4().hex[:8]}@example.test"
    response = http.post(
        "/api/users/invitations", json={"email": email, "role": role}, headers=auth(tenant, actor)
    )
    assert response.status_code == status, response.text
    assert len(fake_auth.state.links) == sent_before + (1 if status == 201 else 0)


@pytest.mark.parametrize(
    "body",
    [
        {"email": "not an address", "role": "member"},
        {"email": "a@b.test", "role": "root"},
        {"email": "a@b.test", "role": "member", "tenant_id": str(uuid.uuid4())},
        {"role": "member"},
    ],
)
def test_invitation_bodies_are_strict(
    http: TestClient, make_tenant: Callable[..., Tenant], auth: Headers, body: dict[str, str]
) -> None:
    tenant = make_tenant("owner")
    response = http.post("/api/users/invitations", json=body, headers=auth(tenant, "owner"))
    assert response.status_code == 422
    assert "not an address" not in response.text


def test_supabase_auth_down_is_503_and_adds_no_one(
    http: TestClient,
    make_tenant: Callable[..., Tenant],
    auth: Headers,
    superuser_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tenant = make_tenant("owner")
    monkeypatch.setenv("SUPABASE_AUTH_URL", f"http://127.0.0.1:{free_port()}/auth/v1")
    reset_settings()
    try:
        response = http.post(
            "/api/users/invitations",
            json={"email": "nobody-home@example.test"},
            headers=auth(tenant, "owner"),
        )
    finally:
        monkeypatch.undo()
        reset_settings()
    assert response.status_code == 503
    assert "nobody-home" not in response.text
    assert len(roles_of(superuser_url, tenant)) == 1
    assert [entry[0] for entry in audit_actions(superuser_url, tenant)] == [
        "member.invited",
        "member.invitation_withdrawn",
    ]
    with psycopg.connect(superuser_url) as conn:
        pending = conn.execute(
            "select count(*) from public.tenant_invitations where tenant_id = %s", (tenant.id,)
        ).fetchone()
    assert pending == (0,)


def test_a_wrong_service_key_is_a_502(
    http: TestClient, make_tenant: Callable[..., Tenant], auth: Headers, monkeypatch: pytest.MonkeyPatch
) -> None:
    tenant = make_tenant("owner")
    monkeypatch.setenv("SUPABASE_SERVICE_ROLE_KEY", "a-key-the-fake-does-not-know")
    reset_settings()
    try:
        response = http.post(
            "/api/users/invitations", json={"email": "k@example.test"}, headers=auth(tenant, "owner")
        )
    finally:
        monkeypatch.undo()
        reset_settings()
    assert response.status_code == 502


def test_profile_defaults_update_and_validation(
    http: TestClient, make_tenant: Callable[..., Tenant], auth: Headers
) -> None:
    tenant = make_tenant("owner", "member")
    mine, theirs = auth(tenant, "owner"), auth(tenant, "member")
    assert http.get("/api/users/me/profile", headers=mine).json() == {
        "display_name": None,
        "locale": "fi",
        "time_zone": "Europe/Helsinki",
    }
    saved = http.patch(
        "/api/users/me/profile", json={"display_name": " Maija ", "locale": "sv"}, headers=mine
    )
    assert saved.status_code == 200
    assert saved.json() == {"display_name": "Maija", "locale": "sv", "time_zone": "Europe/Helsinki"}
    moved = http.patch("/api/users/me/profile", json={"time_zone": "America/New_York"}, headers=mine).json()
    assert moved == {"display_name": "Maija", "locale": "sv", "time_zone": "America/New_York"}
    assert http.get("/api/users/me/profile", headers=theirs).json()["display_name"] is None
    for bad in (
        {"locale": "de"},
        {"time_zone": "Mars/Olympus"},
        {"time_zone": "../../etc/passwd"},
        {"locale": None},
        {"display_name": ""},
        {"user_id": str(tenant.users["member"])},
    ):
        assert http.patch("/api/users/me/profile", json=bad, headers=mine).status_code == 422, bad
    names = {m["user_id"]: m["display_name"] for m in http.get("/api/users", headers=theirs).json()["items"]}
    assert names[str(tenant.users["owner"])] == "Maija"


def test_profiles_are_private_to_their_owner(
    make_tenant: Callable[..., Tenant], act_as: Callable[..., object], superuser_url: str
) -> None:
    tenant = make_tenant("owner", "member")
    with psycopg.connect(superuser_url) as conn:
        conn.execute(
            "insert into public.profiles (user_id, display_name) values (%s, 'Salainen')",
            (tenant.users["owner"],),
        )
    with act_as({"sub": str(tenant.users["member"]), "role": "authenticated"}) as conn:  # type: ignore[attr-defined]
        assert conn.execute("select count(*) as n from public.profiles").fetchone() == {"n": 0}
        updated = conn.execute(
            "update public.profiles set display_name = 'Hijacked' returning user_id"
        ).fetchall()
        assert updated == []
        with pytest.raises(psycopg.Error):
            conn.execute(
                "insert into public.profiles (user_id, display_name) values (%s, 'Toinen')",
                (tenant.users["owner"],),
            )
    with act_as({"sub": str(tenant.users["owner"]), "role": "authenticated"}) as conn:  # type: ignore[attr-defined]
        assert conn.execute("select display_name from public.profiles").fetchall() == [
            {"display_name": "Salainen"}
        ]


def test_requests_without_a_token_are_401(http: TestClient) -> None:
    assert http.get("/api/users").status_code == 401
    assert http.get("/api/users/me/profile").status_code == 401
    assert http.post("/api/users/invitations", json={"email": "x@y.test"}).status_code == 401
    some = uuid.uuid4()
    for method, path in (
        ("GET", "/api/users/invitations"),
        ("DELETE", f"/api/users/invitations/{some}"),
        ("GET", "/api/users/me/invitations"),
        ("POST", f"/api/users/me/invitations/{some}/accept"),
        ("POST", f"/api/users/me/invitations/{some}/decline"),
    ):
        assert http.request(method, path).status_code == 401, path


def test_invitations_are_rate_limited_per_tenant(
    http: TestClient, make_tenant: Callable[..., Tenant], auth: Headers, monkeypatch: pytest.MonkeyPatch
) -> None:
    tenant = make_tenant("owner")
    monkeypatch.setenv("INVITATIONS_RATE_LIMIT_PER_TENANT", "2")
    reset_settings()
    try:
        statuses = [
            http.post(
                "/api/users/invitations",
                json={"email": f"raja-{uuid.uuid4().hex[:8]}@example.test"},
                headers=auth(tenant, "owner"),
            ).status_code
            for _ in range(3)
        ]
    finally:
        monkeypatch.undo()
        reset_settings()
    assert statuses == [201, 201, 429]
