"""Pending invitations: the same answer for known and unknown addresses, the tenant's list and revoke,
the invitee's list, accept and decline (confirmed address only), and row level security."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from docflow_local.fake_supabase import FakeSupabaseAuth
from docflow_local.seed import ensure_user
from tests.support.tenants import Headers, Tenant, audit_actions, roles_of

pytestmark = pytest.mark.db

INVITATIONS = "/api/users/invitations"
MINE = "/api/users/me/invitations"


@pytest.fixture
def person(superuser_url: str, token_for: Callable[..., str]) -> Callable[..., tuple[str, dict[str, str]]]:
    """``person(confirmed=True)``: a new account in no tenant; its e-mail and its request headers."""

    def make(*, confirmed: bool = True, email: str | None = None) -> tuple[str, dict[str, str]]:
        address = email or f"kutsuttu-{uuid.uuid4().hex[:10]}@example.test"
        with psycopg.connect(superuser_url) as conn:
            user_id = ensure_user(conn, email=address)
            if not confirmed:
                conn.execute("update auth.users set email_confirmed_at = null where id = %s", (user_id,))
        return address, {"Authorization": f"Bearer {token_for(user_id)}"}

    return make


def _invite(http: TestClient, headers: dict[str, str], email: str, role: str = "member") -> dict[str, Any]:
    response = http.post(INVITATIONS, json={"email": email, "role": role}, headers=headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def _expire(superuser_url: str, *invitations: dict[str, Any]) -> None:
    """Let invitations run out, behind the API's back."""
    with psycopg.connect(superuser_url) as conn:
        conn.execute(
            "update public.tenant_invitations set expires_at = now() - interval '1 second'"
            " where id = any(%s)",
            ([uuid.UUID(invitation["id"]) for invitation in invitations],),
        )


def _user_id(superuser_url: str, email: str) -> uuid.UUID:
    with psycopg.connect(superuser_url) as conn:
        row = conn.execute("select id from auth.users where lower(email) = lower(%s)", (email,)).fetchone()
    assert row is not None
    return uuid.UUID(str(row[0]))


def test_known_and_unknown_addresses_get_the_same_answer(
    *,
    http: TestClient,
    make_tenant: Callable[..., Tenant],
    auth: Headers,
    fake_auth: FakeSupabaseAuth,
    person: Callable[..., tuple[str, dict[str, str]]],
    superuser_url: str,
) -> None:
    tenant = make_tenant("owner")
    known, _ = person()
    unknown = f"tuntematon-{uuid.uuid4().hex[:8]}@example.test"
    answers = [
        http.post(INVITATIONS, json={"email": email, "role": "viewer"}, headers=auth(tenant, "owner"))
        for email in (known, unknown)
    ]
    assert [a.status_code for a in answers] == [201, 201]
    bodies = [a.json() for a in answers]
    fields = {"id", "email", "role", "invited_at", "expires_at", "invited_by"}
    assert set(bodies[0]) == set(bodies[1]) == fields
    assert all("user_id" not in a.text and "status" not in a.json() for a in answers)
    assert [b["email"] for b in bodies] == [known, unknown]
    # only the unknown address got a Supabase Auth user and link (both get DocFlow's e-mail); nobody
    # joined yet
    assert [link.email for link in fake_auth.state.links if link.email in {known, unknown}] == [unknown]
    assert _user_id(superuser_url, known) not in roles_of(superuser_url, tenant)
    assert len(roles_of(superuser_url, tenant)) == 1


def test_the_tenant_lists_its_pending_invitations_in_pages(
    http: TestClient, make_tenant: Callable[..., Tenant], auth: Headers, superuser_url: str
) -> None:
    tenant = make_tenant("owner", "admin")
    other = make_tenant("owner")
    emails = [f"sivu{n}-{uuid.uuid4().hex[:8]}@example.test" for n in range(3)]
    ids = [_invite(http, auth(tenant, "owner"), email)["id"] for email in emails]
    _invite(http, auth(other, "owner"), f"muualla-{uuid.uuid4().hex[:8]}@example.test")
    expired = _invite(http, auth(tenant, "owner"), f"vanha-{uuid.uuid4().hex[:8]}@example.test")
    _expire(superuser_url, expired)
    first = http.get(INVITATIONS, params={"limit": 2}, headers=auth(tenant, "admin"))
    assert first.status_code == 200, first.text
    seen = [i["id"] for i in first.json()["items"]]
    cursor = first.json()["next_cursor"]
    assert cursor
    params = {"limit": 2, "cursor": cursor}
    second = http.get(INVITATIONS, params=params, headers=auth(tenant, "admin")).json()
    seen += [i["id"] for i in second["items"]]
    assert second["next_cursor"] is None
    assert seen == ids  # oldest first, the expired one and the other tenant's left out
    assert http.get(INVITATIONS, params={"limit": 101}, headers=auth(tenant, "owner")).status_code == 422
    assert http.get(INVITATIONS, params={"cursor": "%%%"}, headers=auth(tenant, "owner")).status_code == 422
    # an expired invitation can be sent again
    again = http.post(INVITATIONS, json={"email": expired["email"]}, headers=auth(tenant, "owner"))
    assert again.status_code == 201
    assert again.json()["id"] != expired["id"]


def test_inviting_sweeps_the_tenants_expired_invitations(
    http: TestClient, make_tenant: Callable[..., Tenant], auth: Headers, superuser_url: str
) -> None:
    tenant = make_tenant("owner")
    other = make_tenant("owner")
    stale = _invite(http, auth(tenant, "owner"), f"vanha-{uuid.uuid4().hex[:8]}@example.test")
    elsewhere = _invite(http, auth(other, "owner"), f"muualla-{uuid.uuid4().hex[:8]}@example.test")
    _expire(superuser_url, stale, elsewhere)
    _invite(http, auth(tenant, "owner"), f"uusi-{uuid.uuid4().hex[:8]}@example.test")
    with psycopg.connect(superuser_url) as conn:
        left = {
            str(row[0])
            for row in conn.execute(
                "select id from public.tenant_invitations where id = any(%s)",
                ([uuid.UUID(stale["id"]), uuid.UUID(elsewhere["id"])],),
            )
        }
    assert left == {elsewhere["id"]}  # this tenant's expired invitation is gone, the other's stays


def test_revoke_removes_the_invitation_and_is_404_elsewhere(
    http: TestClient,
    make_tenant: Callable[..., Tenant],
    auth: Headers,
    person: Callable[..., tuple[str, dict[str, str]]],
    superuser_url: str,
) -> None:
    tenant = make_tenant("owner", "admin")
    other = make_tenant("owner", "admin")
    email, invitee = person()
    invitation = _invite(http, auth(tenant, "owner"), email)
    for label in ("owner", "admin"):
        stranger = http.delete(f"{INVITATIONS}/{invitation['id']}", headers=auth(other, label))
        assert stranger.status_code == 404
    revoked = http.delete(f"{INVITATIONS}/{invitation['id']}", headers=auth(tenant, "admin"))
    assert revoked.status_code == 204
    assert http.get(INVITATIONS, headers=auth(tenant, "owner")).json()["items"] == []
    assert http.delete(f"{INVITATIONS}/{invitation['id']}", headers=auth(tenant, "owner")).status_code == 404
    assert http.get(MINE, headers=invitee).json()["items"] == []
    assert http.post(f"{MINE}/{invitation['id']}/accept", headers=invitee).status_code == 404
    entry = audit_actions(superuser_url, tenant)[-1]
    assert entry == ("member.invitation_revoked", tenant.users["admin"], invitation["id"], {"role": "member"})
    assert "member.invitation_revoked" not in [e[0] for e in audit_actions(superuser_url, other)]


def test_the_invitee_lists_and_accepts_and_becomes_a_member_with_the_invited_role(
    http: TestClient,
    make_tenant: Callable[..., Tenant],
    auth: Headers,
    person: Callable[..., tuple[str, dict[str, str]]],
    superuser_url: str,
) -> None:
    tenant = make_tenant("owner")
    email, invitee = person()
    invitation = _invite(http, auth(tenant, "owner"), email.upper(), role="admin")
    mine = http.get(MINE, headers=invitee)
    assert mine.status_code == 200, mine.text
    items = mine.json()["items"]
    assert [(i["id"], i["tenant_id"], i["tenant_name"], i["role"]) for i in items] == [
        (invitation["id"], str(tenant.id), tenant.name, "admin")
    ]
    accepted = http.post(f"{MINE}/{invitation['id']}/accept", headers=invitee)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json() == {"tenant_id": str(tenant.id), "role": "admin"}
    user_id = _user_id(superuser_url, email)
    assert roles_of(superuser_url, tenant)[user_id] == "admin"
    action, actor, target, details = audit_actions(superuser_url, tenant)[-1]
    assert (action, actor, target, details) == (
        "member.joined",
        user_id,
        str(user_id),
        {"role": "admin", "invitation_id": invitation["id"]},
    )
    # used up: a second accept is 404, the lists are empty, and the new admin acts for the tenant
    assert http.post(f"{MINE}/{invitation['id']}/accept", headers=invitee).status_code == 404
    assert http.get(MINE, headers=invitee).json()["items"] == []
    member_headers = {**invitee, "X-Tenant-Id": str(tenant.id)}
    assert http.get(INVITATIONS, headers=member_headers).json()["items"] == []
    assert http.get("/api/users", headers=member_headers).status_code == 200


def test_expired_or_someone_elses_invitation_cannot_be_accepted(
    http: TestClient,
    make_tenant: Callable[..., Tenant],
    auth: Headers,
    person: Callable[..., tuple[str, dict[str, str]]],
    superuser_url: str,
) -> None:
    tenant = make_tenant("owner")
    email, invitee = person()
    _, somebody_else = person()
    invitation = _invite(http, auth(tenant, "owner"), email)
    for path in (f"{MINE}/{invitation['id']}/accept", f"{MINE}/{invitation['id']}/decline"):
        refused = http.post(path, headers=somebody_else)
        assert refused.status_code == 404
        assert refused.json()["code"] == "not_found"
    assert http.get(MINE, headers=somebody_else).json()["items"] == []
    _expire(superuser_url, invitation)
    assert http.get(MINE, headers=invitee).json()["items"] == []
    assert http.post(f"{MINE}/{invitation['id']}/accept", headers=invitee).status_code == 404
    assert http.post(f"{MINE}/{uuid.uuid4()}/accept", headers=invitee).status_code == 404
    assert len(roles_of(superuser_url, tenant)) == 1


def test_an_unconfirmed_address_sees_and_accepts_nothing(
    http: TestClient,
    make_tenant: Callable[..., Tenant],
    auth: Headers,
    person: Callable[..., tuple[str, dict[str, str]]],
    superuser_url: str,
) -> None:
    tenant = make_tenant("owner")
    email, invitee = person(confirmed=False)
    invitation = _invite(http, auth(tenant, "owner"), email)
    assert http.get(MINE, headers=invitee).json()["items"] == []
    assert http.post(f"{MINE}/{invitation['id']}/accept", headers=invitee).status_code == 404
    with psycopg.connect(superuser_url) as conn:
        conn.execute("update auth.users set email_confirmed_at = now() where lower(email) = %s", (email,))
    assert [i["id"] for i in http.get(MINE, headers=invitee).json()["items"]] == [invitation["id"]]


def test_the_invitee_declines(
    http: TestClient,
    make_tenant: Callable[..., Tenant],
    auth: Headers,
    person: Callable[..., tuple[str, dict[str, str]]],
    superuser_url: str,
) -> None:
    tenant = make_tenant("owner")
    email, invitee = person()
    invitation = _invite(http, auth(tenant, "owner"), email)
    declined = http.post(f"{MINE}/{invitation['id']}/decline", headers=invitee)
    assert declined.status_code == 204
    assert http.get(MINE, headers=invitee).json()["items"] == []
    assert http.get(INVITATIONS, headers=auth(tenant, "owner")).json()["items"] == []
    assert http.post(f"{MINE}/{invitation['id']}/decline", headers=invitee).status_code == 404
    assert http.post(f"{MINE}/{invitation['id']}/accept", headers=invitee).status_code == 404
    assert len(roles_of(superuser_url, tenant)) == 1
    entry = audit_actions(superuser_url, tenant)[-1]
    assert entry[0] == "member.invitation_declined"
    assert entry[2:] == (invitation["id"], {"role": "member"})


def test_admins_neither_invite_owners_nor_revoke_their_invitations(
    http: TestClient,
    make_tenant: Callable[..., Tenant],
    auth: Headers,
    act_as: Callable[..., Any],
) -> None:
    tenant = make_tenant("owner", "admin")
    email = f"omistaja-{uuid.uuid4().hex[:8]}@example.test"
    refused = http.post(INVITATIONS, json={"email": email, "role": "owner"}, headers=auth(tenant, "admin"))
    assert refused.status_code == 403
    owner_invitation = _invite(http, auth(tenant, "owner"), email, role="owner")
    revoke = http.delete(f"{INVITATIONS}/{owner_invitation['id']}", headers=auth(tenant, "admin"))
    assert revoke.status_code == 403
    assert [i["id"] for i in http.get(INVITATIONS, headers=auth(tenant, "admin")).json()["items"]] == [
        owner_invitation["id"]
    ]
    # the database says the same, whoever asks it
    claims = {"sub": str(tenant.users["admin"]), "role": "authenticated", "tenant_id": str(tenant.id)}
    with act_as(claims) as conn:
        deleted = conn.execute(
            "delete from public.tenant_invitations where id = %s", (owner_invitation["id"],)
        ).rowcount
        assert deleted == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "insert into public.tenant_invitations (tenant_id, email, role, invited_by)"
                " values (%s, 'x@example.test', 'owner', %s)",
                (tenant.id, tenant.users["admin"]),
            )


@pytest.mark.parametrize("label", ["member", "viewer"])
def test_members_and_viewers_neither_list_nor_revoke(
    http: TestClient,
    make_tenant: Callable[..., Tenant],
    auth: Headers,
    act_as: Callable[..., Any],
    label: str,
) -> None:
    tenant = make_tenant("owner", label)
    invitation = _invite(http, auth(tenant, "owner"), f"salainen-{uuid.uuid4().hex[:8]}@example.test")
    assert http.get(INVITATIONS, headers=auth(tenant, label)).status_code == 403
    assert http.delete(f"{INVITATIONS}/{invitation['id']}", headers=auth(tenant, label)).status_code == 403
    invite = http.post(INVITATIONS, json={"email": "x@example.test"}, headers=auth(tenant, label))
    assert invite.status_code == 403
    claims = {"sub": str(tenant.users[label]), "role": "authenticated", "tenant_id": str(tenant.id)}
    with act_as(claims) as conn:
        assert conn.execute("select count(*) as n from public.tenant_invitations").fetchone() == {"n": 0}
        assert conn.execute("delete from public.tenant_invitations").rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "insert into public.tenant_invitations (tenant_id, email, role, invited_by)"
                " values (%s, 'x@example.test', 'viewer', %s)",
                (tenant.id, tenant.users[label]),
            )
    assert [i["id"] for i in http.get(INVITATIONS, headers=auth(tenant, "owner")).json()["items"]] == [
        invitation["id"]
    ]


def test_an_invitation_names_its_inviter(
    make_tenant: Callable[..., Tenant], act_as: Callable[..., Any]
) -> None:
    tenant = make_tenant("owner", "owner2")
    claims = {"sub": str(tenant.users["owner"]), "role": "authenticated", "tenant_id": str(tenant.id)}
    with act_as(claims) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(
            "insert into public.tenant_invitations (tenant_id, email, role, invited_by)"
            " values (%s, 'x@example.test', 'viewer', %s)",
            (tenant.id, tenant.users["owner2"]),
        )


def test_a_suspended_tenants_invitation_cannot_be_accepted(
    http: TestClient,
    make_tenant: Callable[..., Tenant],
    auth: Headers,
    person: Callable[..., tuple[str, dict[str, str]]],
    superuser_url: str,
) -> None:
    tenant = make_tenant("owner")
    email, invitee = person()
    invitation = _invite(http, auth(tenant, "owner"), email)
    with psycopg.connect(superuser_url) as conn:
        conn.execute("update public.tenants set status = 'suspended' where id = %s", (tenant.id,))
    assert http.get(MINE, headers=invitee).json()["items"] == []
    refused = http.post(f"{MINE}/{invitation['id']}/accept", headers=invitee)
    assert refused.status_code == 403
    assert refused.json()["code"] == "tenant_suspended"
    assert _user_id(superuser_url, email) not in roles_of(superuser_url, tenant)
