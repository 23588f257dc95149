"""``/api/lead-forms``: the tenant's contact forms and their public keys."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from docflow.tenancy import Role
from tests.support.leads import FORM_A, TENANT_A, TENANT_B, submission

pytestmark = pytest.mark.db

Headers = Callable[..., dict[str, str]]


@pytest.fixture
def client(leads_app: Any, superuser_url: str) -> Iterator[TestClient]:
    yield TestClient(leads_app, raise_server_exceptions=False)
    with psycopg.connect(superuser_url) as conn:
        conn.execute("delete from public.lead_forms where name like 'Test %%'")


def test_members_see_their_tenants_forms_only(client: TestClient, auth_headers: Headers) -> None:
    response = client.get("/api/lead-forms", headers=auth_headers(TENANT_A, Role.VIEWER))
    assert response.status_code == 200
    assert [form["key"] for form in response.json()] == [str(FORM_A)]
    other = client.get("/api/lead-forms", headers=auth_headers(TENANT_B))
    assert str(FORM_A) not in other.text


def test_an_admin_creates_a_form_whose_key_takes_submissions(
    client: TestClient, auth_headers: Headers, superuser_url: str
) -> None:
    created = client.post(
        "/api/lead-forms", json={"name": "Test landing page"}, headers=auth_headers(TENANT_A, Role.ADMIN)
    )
    assert created.status_code == 201
    form = created.json()
    assert (form["name"], form["active"]) == ("Test landing page", True)
    uuid.UUID(form["key"])
    public = TestClient(client.app, raise_server_exceptions=False, client=("198.51.100.33", 1))
    assert public.post("/api/leads", json=submission(form_key=form["key"])).status_code == 202
    with psycopg.connect(superuser_url) as conn:
        row = conn.execute(
            "select tenant_id, form_id from public.leads where form_id = %s", (form["id"],)
        ).fetchone()
        audit = conn.execute(
            "select count(*) from public.audit_log where action = 'lead_form.created' and target_id = %s",
            (form["id"],),
        ).fetchone()
    assert row == (TENANT_A, uuid.UUID(form["id"]))
    assert audit == (1,)


def test_switching_a_form_off_stops_its_key(client: TestClient, auth_headers: Headers) -> None:
    headers = auth_headers(TENANT_A)
    form = client.post("/api/lead-forms", json={"name": "Test old site"}, headers=headers).json()
    updated = client.patch(f"/api/lead-forms/{form['id']}", json={"active": False}, headers=headers)
    assert updated.status_code == 200
    assert updated.json()["active"] is False
    assert updated.json()["name"] == "Test old site"
    public = TestClient(client.app, raise_server_exceptions=False, client=("198.51.100.34", 1))
    assert public.post("/api/leads", json=submission(form_key=form["key"])).status_code == 404


def test_members_and_viewers_cannot_manage_forms(client: TestClient, auth_headers: Headers) -> None:
    for role in (Role.MEMBER, Role.VIEWER):
        headers = auth_headers(TENANT_A, role)
        assert client.post("/api/lead-forms", json={"name": "Test x"}, headers=headers).status_code == 403
        assert (
            client.patch(
                f"/api/lead-forms/{uuid.uuid4()}", json={"active": False}, headers=headers
            ).status_code
            == 403
        )


def test_another_tenants_form_is_404_and_unchanged(
    client: TestClient, auth_headers: Headers, superuser_url: str
) -> None:
    form = client.post("/api/lead-forms", json={"name": "Test A"}, headers=auth_headers(TENANT_A)).json()
    response = client.patch(
        f"/api/lead-forms/{form['id']}", json={"active": False}, headers=auth_headers(TENANT_B)
    )
    assert response.status_code == 404
    with psycopg.connect(superuser_url) as conn:
        assert conn.execute(
            "select active from public.lead_forms where id = %s", (form["id"],)
        ).fetchone() == (True,)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"active": None},
        {"name": ""},
        {"key": str(uuid.uuid4())},
        {"tenant_id": str(TENANT_B)},
        {"name": "   "},
    ],
)
def test_form_updates_are_validated(client: TestClient, auth_headers: Headers, body: dict[str, Any]) -> None:
    headers = auth_headers(TENANT_A)
    form = client.post("/api/lead-forms", json={"name": "Test v"}, headers=headers).json()
    response = client.patch(f"/api/lead-forms/{form['id']}", json=body, headers=headers)
    assert response.status_code == 422


def test_the_key_and_tenant_cannot_be_chosen(client: TestClient, auth_headers: Headers) -> None:
    headers = auth_headers(TENANT_A)
    for body in (
        {"name": "Test k", "key": str(uuid.uuid4())},
        {"name": "Test t", "tenant_id": str(TENANT_B)},
    ):
        assert client.post("/api/lead-forms", json=body, headers=headers).status_code == 422


def test_forms_need_a_token(client: TestClient) -> None:
    assert client.get("/api/lead-forms").status_code == 401
    assert client.post("/api/lead-forms", json={}).status_code == 401
