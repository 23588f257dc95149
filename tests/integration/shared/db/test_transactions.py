"""The tenant and system transactions: the role, the claims and the statement timeout they bind."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row

from docflow.auth import Principal
from docflow.config import get_settings
from docflow.db import (
    get_pool,
    read_as_user,
    set_request_claims,
    system_transaction,
    user_transaction,
    user_transaction_reading,
)

pytestmark = pytest.mark.db


def _session_state(conn: psycopg.Connection[Any]) -> dict[str, Any]:
    row = conn.execute(
        "select current_user::text as role, current_setting('request.jwt.claims') as claims,"
        " (extract(epoch from current_setting('statement_timeout')::interval) * 1000)::int as timeout_ms"
    ).fetchone()
    assert row is not None
    return {**row, "claims": json.loads(row["claims"])}


def test_a_system_transaction_runs_as_service_role_with_its_job_in_the_claims(postgres: object) -> None:
    # GIVEN a named background job with context
    # WHEN it opens its transaction
    with system_transaction("receipts.process", tenant_id="t-1") as conn:
        state = _session_state(conn)
    # THEN it acts as service_role, and the claims name the job for the audit trail
    assert state["role"] == "service_role"
    assert state["claims"] == {"role": "service_role", "docflow_job": "receipts.process", "tenant_id": "t-1"}


def test_a_user_transaction_runs_as_authenticated_with_the_principals_claims(postgres: object) -> None:
    user_id = uuid.uuid4()
    expires = int(dt.datetime.now(dt.UTC).timestamp()) + 60
    principal = Principal.from_claims({"sub": str(user_id), "role": "authenticated", "exp": expires})
    with user_transaction(principal, tenant_id="t-2") as conn:
        state = _session_state(conn)
    assert state["role"] == "authenticated"
    assert state["claims"]["sub"] == str(user_id)
    assert state["claims"]["tenant_id"] == "t-2"


def _principal() -> Principal:
    expires = int(dt.datetime.now(dt.UTC).timestamp()) + 60
    return Principal.from_claims({"sub": str(uuid.uuid4()), "role": "authenticated", "exp": expires})


def _pooled_state() -> dict[str, Any]:
    """What the next request would find on the pool's connection, outside any transaction."""
    with get_pool().connection() as conn:
        row = conn.execute(
            "select current_user::text as role, current_setting('request.jwt.claims', true) as claims,"
            " current_setting('docflow.probe', true) as probe, pg_current_xact_id_if_assigned() as xact"
        ).fetchone()
    assert row is not None
    return dict(row)


def test_a_read_as_the_user_sees_its_claims_and_leaves_nothing_on_the_connection(postgres: object) -> None:
    principal = _principal()
    rows = read_as_user(
        principal,
        "select current_user::text as role, current_setting('request.jwt.claims') as claims",
        tenant_id="t-3",
    )
    assert [row["role"] for row in rows] == ["authenticated"]
    assert json.loads(rows[0]["claims"])["sub"] == str(principal.user_id)
    assert json.loads(rows[0]["claims"])["tenant_id"] == "t-3"
    # the claims ended with the read's implicit transaction
    assert _pooled_state()["role"] != "authenticated"
    assert _pooled_state()["claims"] in ("", None)


def test_claims_travel_as_quoted_literals(postgres: object) -> None:
    hostile = "x'), set_config('role', 'service_role', true); select ('\\"
    principal = Principal.from_claims({**_principal().claims, "user_metadata": {"name": hostile}})
    rows = read_as_user(principal, "select current_setting('request.jwt.claims')::jsonb as claims")
    assert rows[0]["claims"]["user_metadata"] == {"name": hostile}


def test_a_transaction_reading_gets_its_first_rows_under_the_claims(postgres: object) -> None:
    first = (
        "select current_user::text as role, current_setting('request.jwt.claims')::jsonb ->> 'tenant_id' as t"
    )
    with user_transaction_reading(_principal(), first, tenant_id="t-4") as (conn, rows):
        assert rows == [{"role": "authenticated", "t": "t-4"}]
        assert conn.info.transaction_status is psycopg.pq.TransactionStatus.INTRANS
        assert _session_state(conn)["claims"]["tenant_id"] == "t-4"
    assert _pooled_state()["role"] != "authenticated"


def test_a_failing_first_query_rolls_back_and_returns_the_connection_idle(postgres: object) -> None:
    with (
        pytest.raises(psycopg.errors.DivisionByZero),
        user_transaction_reading(_principal(), "select 1 / 0 as never"),
    ):
        pass
    state = _pooled_state()
    assert state["role"] != "authenticated"
    assert state["claims"] in ("", None)


def _change_the_session_then_fail() -> None:
    with user_transaction(_principal()) as conn:
        conn.execute("select set_config('docflow.probe', 'changed', false)")
        raise LookupError


def test_an_error_in_the_block_rolls_the_transaction_back(postgres: object) -> None:
    # GIVEN a session-level setting changed inside the transaction (it would outlive a commit)
    with pytest.raises(LookupError):
        _change_the_session_then_fail()
    # THEN the rollback undid it, and no transaction is left open
    state = _pooled_state()
    assert state["probe"] in ("", None)
    assert state["xact"] is None


def test_the_statement_timeout_of_the_settings_is_bound_to_the_transaction(postgres: object) -> None:
    with system_transaction("tests.timeout") as conn:
        state = _session_state(conn)
    assert state["timeout_ms"] == get_settings().db_statement_timeout_ms


def test_claims_that_json_cannot_encode_are_stored_as_text(postgres: object) -> None:
    # GIVEN claims holding a UUID and a datetime (not JSON types)
    tenant = uuid.uuid4()
    when = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    with psycopg.connect(get_settings().database_url, row_factory=dict_row) as conn:
        set_request_claims(conn, {"tenant_id": tenant, "at": when}, role="authenticated")
        claims = _session_state(conn)["claims"]
        conn.rollback()
    # THEN they are bound as their text forms rather than refused
    assert claims == {"tenant_id": str(tenant), "at": str(when)}


@pytest.mark.parametrize("role", ["postgres", "SERVICE_ROLE", "anon", "docflow_app"])
def test_any_other_role_is_refused_before_a_statement_runs(postgres: object, role: str) -> None:
    with psycopg.connect(get_settings().database_url, row_factory=dict_row) as conn:
        with pytest.raises(ValueError, match=f"unexpected database role '{role}'"):
            set_request_claims(conn, {}, role=role)
        assert conn.info.transaction_status is psycopg.pq.TransactionStatus.IDLE


def test_autocommit_is_refused_because_set_local_would_not_hold(postgres: object) -> None:
    with psycopg.connect(get_settings().database_url, autocommit=True, row_factory=dict_row) as conn:
        with pytest.raises(RuntimeError, match=r"^request claims need a transaction; autocommit would"):
            set_request_claims(conn, {"sub": "x"}, role="authenticated")
        row = conn.execute("select current_user::text as role").fetchone()
    assert row is not None
    assert row["role"] != "authenticated"


@pytest.mark.parametrize("job", ["", "X", "Receipts.Process", "a" * 64, "receipts process", "1job"])
def test_job_names_are_short_lowercase_identifiers(job: str) -> None:
    with (
        pytest.raises(ValueError, match="job names are short lowercase identifiers"),
        system_transaction(job),
    ):
        pass
