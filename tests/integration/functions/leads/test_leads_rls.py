"""Row level security and privileges of the leads tables, straight at the database as requests run."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import psycopg
import pytest

from docflow.tenancy import Role
from docflow_local.seed import DemoData
from tests.support.leads import TENANT_A, TENANT_B, insert_lead, user_id

pytestmark = pytest.mark.db

NOTE_INSERT = (
    "insert into public.lead_notes (tenant_id, lead_id, author_id, body) values (%s, %s, %s, 'note')"
)


def _claims(
    demo: DemoData, tenant: uuid.UUID, role: Role, acting_for: uuid.UUID | None = None
) -> dict[str, Any]:
    return {
        "sub": str(user_id(demo, tenant, role)),
        "role": "authenticated",
        "tenant_id": str(acting_for or tenant),
    }


def test_members_see_only_their_tenants_leads(
    act_as: Callable[..., Any], demo: DemoData, superuser_url: str
) -> None:
    insert_lead(superuser_url, TENANT_A)
    insert_lead(superuser_url, TENANT_B)
    with act_as(_claims(demo, TENANT_A, Role.VIEWER)) as conn:
        tenants = {row["tenant_id"] for row in conn.execute("select tenant_id from public.leads").fetchall()}
    assert tenants == {TENANT_A}
    with act_as(_claims(demo, TENANT_A, Role.OWNER, acting_for=TENANT_B)) as conn:  # forged tenant claim
        assert conn.execute("select count(*) as n from public.leads").fetchone()["n"] == 0


def test_members_update_granted_columns_only(
    act_as: Callable[..., Any], demo: DemoData, superuser_url: str
) -> None:
    lead = insert_lead(superuser_url, TENANT_A)
    with act_as(_claims(demo, TENANT_A, Role.MEMBER)) as conn:
        assert (
            conn.execute("update public.leads set status = 'contacted' where id = %s", (lead,)).rowcount == 1
        )
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("update public.leads set email = 'x@y.fi' where id = %s", (lead,))
    with (
        act_as(_claims(demo, TENANT_A, Role.MEMBER)) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        conn.execute("update public.leads set tenant_id = %s where id = %s", (TENANT_B, lead))
    with (
        act_as(_claims(demo, TENANT_A, Role.OWNER)) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        conn.execute("delete from public.leads where id = %s", (lead,))
    with (
        act_as(_claims(demo, TENANT_A, Role.OWNER)) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        conn.execute(
            "insert into public.leads (tenant_id, name, email, message, message_sha256, consent_at)"
            " values (%s, 'x', 'x@y.fi', 'm', repeat('a', 64), now())",
            (TENANT_A,),
        )


def test_viewers_and_other_tenants_change_nothing(
    act_as: Callable[..., Any], demo: DemoData, superuser_url: str
) -> None:
    lead = insert_lead(superuser_url, TENANT_A)
    with act_as(_claims(demo, TENANT_A, Role.VIEWER)) as conn:
        assert conn.execute("update public.leads set status = 'lost' where id = %s", (lead,)).rowcount == 0
    with act_as(_claims(demo, TENANT_B, Role.OWNER)) as conn:
        assert conn.execute("update public.leads set status = 'lost' where id = %s", (lead,)).rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                NOTE_INSERT,
                (TENANT_A, lead, user_id(demo, TENANT_B, Role.OWNER)),
            )


def test_notes_are_written_as_oneself_only(
    act_as: Callable[..., Any], demo: DemoData, superuser_url: str
) -> None:
    lead = insert_lead(superuser_url, TENANT_A)
    member = user_id(demo, TENANT_A, Role.MEMBER)
    with act_as(_claims(demo, TENANT_A, Role.MEMBER)) as conn:
        conn.execute(
            NOTE_INSERT,
            (TENANT_A, lead, member),
        )
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                NOTE_INSERT,
                (TENANT_A, lead, user_id(demo, TENANT_A, Role.OWNER)),
            )


def test_a_note_cannot_point_at_another_tenants_lead(superuser_url: str, demo: DemoData) -> None:
    lead_b = insert_lead(superuser_url, TENANT_B)
    with psycopg.connect(superuser_url) as conn, pytest.raises(psycopg.errors.ForeignKeyViolation):
        conn.execute(
            "insert into public.lead_notes (tenant_id, lead_id, body) values (%s, %s, 'cross')",
            (TENANT_A, lead_b),
        )


def test_the_owner_must_be_a_member_and_leaving_clears_it(superuser_url: str, demo: DemoData) -> None:
    lead = insert_lead(superuser_url, TENANT_A)
    with psycopg.connect(superuser_url) as conn:
        with pytest.raises(psycopg.errors.ForeignKeyViolation), conn.transaction():
            conn.execute(
                "update public.leads set owner_id = %s where id = %s",
                (user_id(demo, TENANT_B, Role.OWNER), lead),
            )
        temp = conn.execute(
            "insert into auth.users (email) values (%s) returning id", (f"{uuid.uuid4().hex}@example.fi",)
        ).fetchone()
        assert temp is not None
        conn.execute(
            "insert into public.tenant_members (tenant_id, user_id, role) values (%s, %s, 'member')",
            (TENANT_A, temp[0]),
        )
        conn.execute("update public.leads set owner_id = %s where id = %s", (temp[0], lead))
        conn.execute(
            "delete from public.tenant_members where tenant_id = %s and user_id = %s", (TENANT_A, temp[0])
        )
        row = conn.execute("select owner_id, tenant_id from public.leads where id = %s", (lead,)).fetchone()
        conn.execute("delete from auth.users where id = %s", (temp[0],))
    assert row == (None, TENANT_A)
