"""The request's after-commit hook (``tenant.after_commit``) on a real transaction: callbacks see the
committed change, never run after a rollback, and fail without undoing the change."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import psycopg
import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

from docflow.errors import Conflict, UpstreamError
from docflow.http import create_app
from docflow.http.deps import TenantWriter
from docflow.tenancy import Role
from docflow_local.seed import DemoData

pytestmark = pytest.mark.db


class Probe:
    """A route that names a lead form, and what its callbacks saw of the database."""

    def __init__(self, superuser_url: str) -> None:
        self.superuser_url = superuser_url
        self.seen: list[bool] = []

    def committed(self, name: str) -> bool:
        with psycopg.connect(self.superuser_url) as conn:
            row = conn.execute("select count(*) from public.lead_forms where name = %s", (name,)).fetchone()
        return row == (1,)

    def app(self) -> TestClient:
        router = APIRouter(prefix="/probe")

        @router.post("/{outcome}/{name}", status_code=204)
        def write(outcome: str, name: str, tenant: TenantWriter) -> None:
            tenant.conn.execute(
                "insert into public.lead_forms (tenant_id, name) values (%s, %s)", (tenant.tenant_id, name)
            )
            tenant.after_commit(lambda: self.seen.append(self.committed(name)))
            if outcome == "logged-failure":
                tenant.after_commit(self.fail)
            if outcome == "propagated-failure":
                tenant.after_commit(self.fail, propagate=True)
            tenant.after_commit(lambda: self.seen.append(self.committed(name)))
            if outcome == "rollback":
                raise Conflict("the route changed its mind")

        return TestClient(create_app(router, title="probe"), raise_server_exceptions=False)

    def fail(self) -> None:
        raise UpstreamError("the mail service is down")


@pytest.fixture
def probe(superuser_url: str) -> Iterator[Probe]:
    yield Probe(superuser_url)
    with psycopg.connect(superuser_url) as conn:
        conn.execute("delete from public.lead_forms where name like 'probe-%'")


@pytest.fixture
def owner_headers(demo: DemoData, token_for: Callable[..., str]) -> dict[str, str]:
    owner = next(user for user in demo.users if user.role == Role.OWNER)
    return {
        "Authorization": f"Bearer {token_for(owner.user_id, owner.email)}",
        "X-Tenant-Id": str(owner.tenant_id),
    }


def _name() -> str:
    return f"probe-{uuid.uuid4().hex[:12]}"


def test_callbacks_run_after_the_commit_in_order(probe: Probe, owner_headers: dict[str, str]) -> None:
    name = _name()
    assert probe.app().post(f"/probe/commit/{name}", headers=owner_headers).status_code == 204
    assert probe.seen == [True, True]


def test_callbacks_do_not_run_when_the_transaction_rolls_back(
    probe: Probe, owner_headers: dict[str, str]
) -> None:
    name = _name()
    assert probe.app().post(f"/probe/rollback/{name}", headers=owner_headers).status_code == 409
    assert probe.seen == []
    assert not probe.committed(name)


def test_a_failing_callback_keeps_the_change_and_the_answer(
    probe: Probe, owner_headers: dict[str, str]
) -> None:
    name = _name()
    assert probe.app().post(f"/probe/logged-failure/{name}", headers=owner_headers).status_code == 204
    assert probe.seen == [True, True]


def test_a_route_may_answer_with_a_callbacks_failure(probe: Probe, owner_headers: dict[str, str]) -> None:
    name = _name()
    response = probe.app().post(f"/probe/propagated-failure/{name}", headers=owner_headers)
    assert response.status_code == 502
    assert response.json()["code"] == "upstream_error"
    assert probe.seen == [True, True]
    assert probe.committed(name)
