"""Database round trips of a warm request, counted from libpq's protocol trace of the pool's
connections: one ``Sync`` (extended protocol) or ``Query`` (simple protocol) message per round trip.

``/api/auth/me``: the claims and role with the memberships + admin flag, one message and one implicit
transaction. A tenant route naming its tenant: BEGIN + claims with that tenant + memberships in one
message, its own query, COMMIT; naming none, the chosen tenant's claims are bound after the read.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from typing import IO, Any

import psycopg
import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

from docflow.db import close_pool
from docflow.http import create_app
from docflow.http.deps import TenantConn
from docflow.tenancy import Role
from docflow_auth.handler import app as auth_app
from docflow_local.seed import DemoData, demo_id

pytestmark = pytest.mark.db

TENANT = demo_id("tenant:demo-oy")
router = APIRouter(prefix="/api/probe")


@router.get("/count")
def count(tenant: TenantConn) -> dict[str, int]:
    row = tenant.conn.execute("select count(*) as n from public.tenant_members").fetchone()
    return {"n": row["n"] if row else 0}


class Tracer:
    """Traces every connection opened while installed; counts round trips between start and stop."""

    def __init__(self) -> None:
        self.connections: list[psycopg.Connection[Any]] = []
        self.files: list[tuple[psycopg.Connection[Any], IO[str]]] = []

    def start(self) -> None:
        self.files = []
        for conn in self.connections:
            if conn.closed:
                continue
            handle = tempfile.TemporaryFile("w+")  # noqa: SIM115 - closed in stop()
            conn.pgconn.trace(handle.fileno())
            conn.pgconn.set_trace_flags(psycopg.pq.Trace.SUPPRESS_TIMESTAMPS)
            self.files.append((conn, handle))

    def stop(self) -> int:
        trips = 0
        for conn, handle in self.files:
            conn.pgconn.untrace()  # flushes libpq's buffer
            handle.seek(0)
            for line in handle:
                fields = line.rstrip().split("\t")
                trips += fields[0] == "F" and fields[2] in {"Sync", "Query"}
            handle.close()
        return trips


@pytest.fixture
def tracer(postgres: object, monkeypatch: pytest.MonkeyPatch) -> Iterator[Tracer]:
    tracer = Tracer()
    connect = psycopg.Connection.connect.__func__  # type: ignore[attr-defined]

    def traced(cls: type[psycopg.Connection[Any]], *args: Any, **kwargs: Any) -> psycopg.Connection[Any]:
        conn = connect(cls, *args, **kwargs)
        tracer.connections.append(conn)
        return conn

    close_pool()  # the next pool opens traced connections
    monkeypatch.setattr(psycopg.Connection, "connect", classmethod(traced))
    yield tracer
    close_pool()


def _warm_trips(client: TestClient, path: str, headers: dict[str, str], tracer: Tracer) -> int:
    for _ in range(2):  # the pool's first connection is checked; warm requests are what is counted
        assert client.get(path, headers=headers).status_code == 200
    tracer.start()
    assert client.get(path, headers=headers).status_code == 200
    return tracer.stop()


def _owner_headers(demo: DemoData, token_for: Callable[..., str]) -> dict[str, str]:
    owner = next(u for u in demo.users if u.tenant_id == TENANT and u.role == Role.OWNER)
    return {"Authorization": f"Bearer {token_for(owner.user_id, owner.email)}"}


def test_me_takes_one_round_trip(demo: DemoData, token_for: Callable[..., str], tracer: Tracer) -> None:
    with TestClient(auth_app) as client:
        assert _warm_trips(client, "/api/auth/me", _owner_headers(demo, token_for), tracer) == 1


def test_a_tenant_route_naming_its_tenant_takes_two_round_trips_and_its_own(
    demo: DemoData, token_for: Callable[..., str], tracer: Tracer
) -> None:
    headers = {**_owner_headers(demo, token_for), "X-Tenant-Id": str(TENANT)}
    with TestClient(create_app(router, title="probe")) as client:
        assert _warm_trips(client, "/api/probe/count", headers, tracer) == 3


def test_a_tenant_route_naming_no_tenant_binds_the_chosen_one_in_one_more(
    demo: DemoData, token_for: Callable[..., str], tracer: Tracer
) -> None:
    with TestClient(create_app(router, title="probe")) as client:
        assert _warm_trips(client, "/api/probe/count", _owner_headers(demo, token_for), tracer) == 4
