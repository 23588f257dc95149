"""Tenant resolution: the ``X-Tenant-Id`` header and the choice among the user's memberships."""

from __future__ import annotations

import uuid

import pytest

from docflow.errors import BadRequest, Forbidden, TenantSuspended
from docflow.tenancy import Membership, Role, choose_membership, parse_tenant_header

TENANT_A = uuid.UUID("00000000-0000-4000-8000-00000000000a")
TENANT_B = uuid.UUID("00000000-0000-4000-8000-00000000000b")


def _member(tenant: uuid.UUID, *, status: str = "active", role: Role = Role.MEMBER) -> Membership:
    return Membership(
        tenant_id=tenant, tenant_name=f"Tenant {tenant.hex[-1]}", tenant_status=status, role=role
    )


@pytest.mark.parametrize("value", [None, "", "   "])
def test_no_header_asks_for_no_tenant(value: str | None) -> None:
    assert parse_tenant_header(value) is None


def test_the_header_is_read_as_a_uuid_around_spaces() -> None:
    assert parse_tenant_header(f"  {TENANT_A}\t") == TENANT_A


@pytest.mark.parametrize("value", ["tenant-a", "1", f"{TENANT_A}x", "' or 1=1 --"])
def test_a_malformed_header_is_a_400_before_any_lookup(value: str) -> None:
    with pytest.raises(BadRequest) as refused:
        parse_tenant_header(value)
    assert refused.value.detail == "X-Tenant-Id must be a UUID"
    assert refused.value.status == 400


def test_the_only_membership_is_chosen_without_a_header() -> None:
    only = _member(TENANT_A, role=Role.ADMIN)
    assert choose_membership([only], None) is only


def test_no_membership_is_a_403() -> None:
    with pytest.raises(Forbidden) as refused:
        choose_membership([], None)
    assert refused.value.detail == "You are not a member of any tenant"
    assert not isinstance(refused.value, TenantSuspended)


def test_several_memberships_without_a_header_ask_to_choose() -> None:
    with pytest.raises(BadRequest) as refused:
        choose_membership([_member(TENANT_A), _member(TENANT_B)], None)
    assert refused.value.detail == "You belong to several tenants: choose one with the X-Tenant-Id header"


def test_the_header_picks_that_membership() -> None:
    b = _member(TENANT_B, role=Role.VIEWER)
    assert choose_membership([_member(TENANT_A), b], TENANT_B) is b


@pytest.mark.parametrize("memberships", [[], [_member(TENANT_A)]])
def test_a_tenant_the_user_does_not_belong_to_is_the_same_403_whether_or_not_it_exists(
    memberships: list[Membership],
) -> None:
    with pytest.raises(Forbidden) as refused:
        choose_membership(memberships, TENANT_B)
    assert refused.value.detail == "You are not a member of this tenant"
    assert refused.value.status == 403


@pytest.mark.parametrize("requested", [None, TENANT_A])
def test_a_suspended_tenant_refuses_its_members(requested: uuid.UUID | None) -> None:
    with pytest.raises(TenantSuspended) as refused:
        choose_membership([_member(TENANT_A, status="suspended")], requested)
    assert refused.value.detail == "This tenant is suspended; contact DocFlow support"


@pytest.mark.parametrize(("status", "active"), [("active", True), ("suspended", False), ("ACTIVE", False)])
def test_only_an_active_tenant_is_active(status: str, active: bool) -> None:
    assert _member(TENANT_A, status=status).is_active is active


def test_roles_keep_their_database_values() -> None:
    assert [role.value for role in Role] == ["owner", "admin", "member", "viewer"]
