"""``/api/users`` members: the role matrix, the last-owner rule (API and database), removal and leaving,
listing without leaks, audit entries without personal data."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable

import psycopg
import pytest
from fastapi.testclient import TestClient

from tests.support.tenants import Headers, Tenant, audit_actions, roles_of

pytestmark = pytest.mark.db

ROLES = ("owner", "admin", "member", "viewer")
EVERYONE = ("owner", "owner2", "admin", "admin2", "member", "member2", "viewer", "viewer2")


def _expected(actor: str, target: str, new_role: str | None) -> int:
    if actor not in {"owner", "admin"}:
        return 403
    if actor == "admin" and "owner" in {target, new_role}:
        return 403
    return 200 if new_role is not None else 204


@pytest.mark.parametrize("actor", ROLES)
@pytest.mark.parametrize("target", ROLES)
def test_role_change_matrix(
    *,
    http: TestClient,
    make_tenant: Callable[..., Tenant],
    auth: Headers,
    superuser_url: str,
    actor: str,
    target: str,
) -> None:
    tenant = make_tenant(*EVERYONE)
    target_label = f"{target}2"
    new_role = "viewer" if target != "viewer" else "member"
    response = http.patch(
        f"/api/users/{tenant.users[target_label]}", json={"role": new_role}, headers=auth(tenant, actor)
    )
    assert response.status_code == _expected(actor, target, new_role), response.text
    stored = roles_of(superuser_url, tenant)[tenant.users[target_label]]
    assert stored == (new_role if response.status_code == 200 else target)
    promote = http.patch(
        f"/api/users/{tenant.users[target_label]}", json={"role": "owner"}, headers=auth(tenant, actor)
    )
    assert promote.status_code == _expected(actor, target, "owner")


@pytest.mark.parametrize("actor", ROLES)
@pytest.mark.parametrize("target", ROLES)
def test_removal_matrix(
    *,
    http: TestClient,
    make_tenant: Callable[..., Tenant],
    auth: Headers,
    superuser_url: str,
    actor: str,
    target: str,
) -> None:
    tenant = make_tenant(*EVERYONE)
    target_id = tenant.users[f"{target}2"]
    response = http.delete(f"/api/users/{target_id}", headers=auth(tenant, actor))
    assert response.status_code == _expected(actor, target, None), response.text
    assert (target_id in roles_of(superuser_url, tenant)) == (response.status_code != 204)


def test_the_last_owner_can_neither_leave_nor_be_demoted_nor_removed(
    http: TestClient, make_tenant: Callable[..., Tenant], auth: Headers, superuser_url: str
) -> None:
    tenant = make_tenant("owner", "admin")
    owner = tenant.users["owner"]
    attempts = [
        http.patch(f"/api/users/{owner}", json={"role": "admin"}, headers=auth(tenant, "owner")),
        http.delete(f"/api/users/{owner}", headers=auth(tenant, "owner")),
        http.delete("/api/users/me/membership", headers=auth(tenant, "owner")),
    ]
    assert [r.status_code for r in attempts] == [409, 409, 409]
    assert all(r.json()["code"] == "conflict" for r in attempts)
    assert roles_of(superuser_url, tenant)[owner] == "owner"
    assert [a[0] for a in audit_actions(superuser_url, tenant)] == []  # rolled back with the change

    # with a second owner, the first may step down; then the second is the last one
    promote = http.patch(
        f"/api/users/{tenant.users['admin']}", json={"role": "owner"}, headers=auth(tenant, "owner")
    )
    assert promote.status_code == 200
    assert (
        http.patch(f"/api/users/{owner}", json={"role": "member"}, headers=auth(tenant, "owner")).status_code
        == 200
    )
    assert http.delete("/api/users/me/membership", headers=auth(tenant, "admin")).status_code == 409


def test_the_database_keeps_the_last_owner_whoever_asks(
    make_tenant: Callable[..., Tenant], superuser_url: str
) -> None:
    tenant = make_tenant("owner", "member")
    with psycopg.connect(superuser_url) as conn, pytest.raises(psycopg.Error) as raised:
        conn.execute(
            "update public.tenant_members set role = 'member' where tenant_id = %s and user_id = %s",
            (tenant.id, tenant.users["owner"]),
        )
    assert raised.value.sqlstate == "DF001"
    # deleting the tenant itself (or the account) is not blocked
    with psycopg.connect(superuser_url) as conn:
        conn.execute("delete from public.tenants where id = %s", (tenant.id,))
        assert conn.execute(
            "select count(*) from public.tenant_members where tenant_id = %s", (tenant.id,)
        ).fetchone() == (0,)


def test_the_database_stops_an_admin_changing_an_owner(
    make_tenant: Callable[..., Tenant], act_as: Callable[..., object]
) -> None:
    tenant = make_tenant("owner", "owner2", "admin")
    claims = {"sub": str(tenant.users["admin"]), "role": "authenticated", "tenant_id": str(tenant.id)}
    with act_as(claims) as conn, pytest.raises(psycopg.Error) as raised:  # type: ignore[attr-defined]
        conn.execute(
            "update public.tenant_members set role = 'viewer' where tenant_id = %s and user_id = %s",
            (tenant.id, tenant.users["owner2"]),
        )
    assert raised.value.sqlstate == "42501"


@pytest.mark.parametrize("role", ROLES)
def test_anyone_but_the_last_owner_may_leave(
    http: TestClient, make_tenant: Callable[..., Tenant], auth: Headers, superuser_url: str, role: str
) -> None:
    tenant = make_tenant("owner2", *ROLES)
    response = http.delete("/api/users/me/membership", headers=auth(tenant, role))
    assert response.status_code == 204
    assert tenant.users[role] not in roles_of(superuser_url, tenant)
    assert http.get("/api/users", headers=auth(tenant, role)).status_code == 403
    action, actor, target, details = audit_actions(superuser_url, tenant)[-1]
    assert (action, actor, target, details) == (
        "member.left",
        tenant.users[role],
        str(tenant.users[role]),
        {"role": role},
    )


def test_members_list_shows_this_tenant_only_and_pages(
    http: TestClient, make_tenant: Callable[..., Tenant], auth: Headers
) -> None:
    tenant = make_tenant(*EVERYONE)
    other = make_tenant("owner", "member")
    response = http.get("/api/users", params={"limit": 3}, headers=auth(tenant, "viewer"))
    assert response.status_code == 200
    seen = [m["user_id"] for m in response.json()["items"]]
    cursor = response.json()["next_cursor"]
    while cursor:
        page = http.get(
            "/api/users", params={"limit": 3, "cursor": cursor}, headers=auth(tenant, "viewer")
        ).json()
        seen += [m["user_id"] for m in page["items"]]
        cursor = page["next_cursor"]
    assert sorted(seen) == sorted(str(u) for u in tenant.users.values())
    full = http.get("/api/users", params={"limit": 100}, headers=auth(tenant, "viewer")).json()["items"]
    me = [m for m in full if m["is_me"]]
    assert [m["user_id"] for m in me] == [str(tenant.users["viewer"])]
    assert {m["email"] for m in full} == {member.email for member in tenant.members.values()}
    assert not any(str(u) in response.text for u in other.users.values())
    # another tenant's member ids are unknown here, whoever asks
    outsider = other.users["member"]
    assert http.get(f"/api/users/{outsider}", headers=auth(tenant, "owner")).status_code == 404
    assert (
        http.patch(
            f"/api/users/{outsider}", json={"role": "viewer"}, headers=auth(tenant, "owner")
        ).status_code
        == 404
    )
    assert http.delete(f"/api/users/{outsider}", headers=auth(tenant, "owner")).status_code == 404


@pytest.mark.parametrize("params", [{"limit": 101}, {"limit": 0}, {"cursor": "%%%"}])
def test_member_list_limits(
    http: TestClient, make_tenant: Callable[..., Tenant], auth: Headers, params: dict[str, object]
) -> None:
    tenant = make_tenant("owner")
    assert http.get("/api/users", params=params, headers=auth(tenant, "owner")).status_code == 422


@pytest.mark.parametrize(
    "body", [{"role": "superuser"}, {"role": "admin", "tenant_id": str(uuid.uuid4())}, {}]
)
def test_role_change_bodies_are_strict(
    http: TestClient, make_tenant: Callable[..., Tenant], auth: Headers, body: dict[str, str]
) -> None:
    tenant = make_tenant("owner", "member")
    response = http.patch(f"/api/users/{tenant.users['member']}", json=body, headers=auth(tenant, "owner"))
    assert response.status_code == 422


def test_role_changes_are_audited_without_personal_data(
    http: TestClient, make_tenant: Callable[..., Tenant], auth: Headers, superuser_url: str
) -> None:
    tenant = make_tenant("owner", "member")
    http.patch(f"/api/users/{tenant.users['member']}", json={"role": "admin"}, headers=auth(tenant, "owner"))
    http.delete(f"/api/users/{tenant.users['member']}", headers=auth(tenant, "owner"))
    entries = audit_actions(superuser_url, tenant)
    assert [(e[0], e[3]) for e in entries] == [
        ("member.role_changed", {"from": "member", "to": "admin"}),
        ("member.removed", {"role": "admin"}),
    ]
    assert "@" not in json.dumps([list(map(str, e)) for e in entries])


def test_the_database_stops_an_admin_adding_an_owner(
    make_tenant: Callable[..., Tenant], act_as: Callable[..., object], superuser_url: str
) -> None:
    tenant = make_tenant("owner", "admin")
    outsider = make_tenant("viewer").users["viewer"]
    for role, label in (("admin", "admin"), ("owner", "owner")):
        claims = {"sub": str(tenant.users[label]), "role": "authenticated", "tenant_id": str(tenant.id)}
        with act_as(claims) as conn:  # type: ignore[attr-defined]
            statement = (
                "insert into public.tenant_members (tenant_id, user_id, role) values (%s, %s, 'owner')"
            )
            if role == "admin":
                with pytest.raises(psycopg.Error) as raised:
                    conn.execute(statement, (tenant.id, outsider))
                assert raised.value.sqlstate == "42501"
            else:
                conn.execute(statement, (tenant.id, outsider))  # owners may; rolled back by act_as
    assert outsider not in roles_of(superuser_url, tenant)


def test_one_member_is_shown_to_every_role_of_the_tenant(
    http: TestClient, make_tenant: Callable[..., Tenant], auth: Headers, superuser_url: str
) -> None:
    """GIVEN a tenant with every role WHEN each asks for a colleague and for itself THEN 200 with the
    member's id, email, role and whether it is the caller."""
    tenant = make_tenant(*EVERYONE)
    stored = roles_of(superuser_url, tenant)
    for caller in ("owner", "admin", "member", "viewer"):
        for label, member in tenant.members.items():
            response = http.get(f"/api/users/{member.user_id}", headers=auth(tenant, caller))
            assert response.status_code == 200, response.text
            body = response.json()
            assert body["user_id"] == str(member.user_id)
            assert body["email"] == member.email
            assert body["role"] == stored[member.user_id]
            assert body["is_me"] is (label == caller)
