"""Who may change whose membership (the API's check; the database trigger enforces the same)."""

from __future__ import annotations

import pytest

from docflow.errors import Forbidden
from docflow.tenancy import Role
from docflow_users.rules import check_member_change

TARGETS = [None, *Role]
NEW_ROLES = [None, *Role]


@pytest.mark.parametrize("actor", list(Role))
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("new_role", NEW_ROLES)
def test_member_change_matrix(actor: Role, target: Role | None, new_role: Role | None) -> None:
    allowed = actor == Role.OWNER or (actor == Role.ADMIN and Role.OWNER not in {target, new_role})
    if allowed:
        check_member_change(actor, target, new_role)
    else:
        with pytest.raises(Forbidden):
            check_member_change(actor, target, new_role)


def test_pkce_challenge_matches_rfc_7636_appendix_b() -> None:
    from docflow_local.fake_supabase import pkce_challenge

    assert (
        pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
        == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    )
