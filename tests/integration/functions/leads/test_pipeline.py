"""Members' lead routes: listing, filters, cursor pages, transitions, owners, notes, roles, conversion."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from docflow.tenancy import Role
from docflow_local.seed import DemoData
from tests.support.leads import TENANT_A, TENANT_B, insert_lead, user_id

pytestmark = pytest.mark.db

Headers = Callable[..., dict[str, str]]


@pytest.fixture
def client(leads_app: Any) -> TestClient:
    return TestClient(leads_app, raise_server_exceptions=False)


def _row(superuser_url: str, lead_id: uuid.UUID) -> dict[str, Any]:
    with psycopg.connect(superuser_url, row_factory=psycopg.rows.dict_row) as conn:
        row = conn.execute("select * from public.leads where id = %s", (lead_id,)).fetchone()
    assert row is not None
    return dict(row)


def test_list_is_newest_first_and_pages_with_a_cursor_without_gaps_or_repeats(
    client: TestClient, superuser_url: str, auth_headers: Headers
) -> None:
    ids = [insert_lead(superuser_url, TENANT_A, name=f"Lead {i}") for i in range(7)]
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 3}
        if cursor:
            params["cursor"] = cursor
        response = client.get("/api/leads", params=params, headers=auth_headers(TENANT_A))
        assert response.status_code == 200
        body = response.json()
        seen += [item["id"] for item in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert sorted(seen) == sorted(str(i) for i in ids)
    assert len(seen) == len(set(seen))


def test_rows_with_the_same_timestamp_page_stably(
    client: TestClient, superuser_url: str, auth_headers: Headers
) -> None:
    ids = [insert_lead(superuser_url, TENANT_A) for _ in range(5)]
    with psycopg.connect(superuser_url) as conn:
        conn.execute(
            "update public.leads set created_at = '2026-01-01T00:00:00Z' where tenant_id = %s", (TENANT_A,)
        )
    first = client.get("/api/leads", params={"limit": 2}, headers=auth_headers(TENANT_A)).json()
    rest = client.get(
        "/api/leads", params={"limit": 100, "cursor": first["next_cursor"]}, headers=auth_headers(TENANT_A)
    ).json()
    got = [item["id"] for item in first["items"] + rest["items"]]
    assert got == sorted((str(i) for i in ids), reverse=True)


@pytest.mark.parametrize("limit", [0, 101, 1_000_000, -1])
def test_limit_outside_1_to_100_is_422(client: TestClient, auth_headers: Headers, limit: int) -> None:
    response = client.get("/api/leads", params={"limit": limit}, headers=auth_headers(TENANT_A))
    assert response.status_code == 422


@pytest.mark.parametrize("cursor", ["garbage", "eyJ0IjoxfQ", "1_abc", "!!!", "12345678901234567_" + "0" * 32])
def test_a_malformed_cursor_is_422(client: TestClient, auth_headers: Headers, cursor: str) -> None:
    response = client.get("/api/leads", params={"cursor": cursor}, headers=auth_headers(TENANT_A))
    assert response.status_code == 422


def test_filters_by_status_owner_and_search(
    client: TestClient, superuser_url: str, auth_headers: Headers, demo: DemoData
) -> None:
    member = user_id(demo, TENANT_A, Role.MEMBER)
    acme = insert_lead(superuser_url, TENANT_A, name="Ville", company="Acme 100% Oy", status="contacted")
    other = insert_lead(superuser_url, TENANT_A, name="Liisa", email="liisa@firma.fi")
    with psycopg.connect(superuser_url) as conn:
        conn.execute("update public.leads set owner_id = %s where id = %s", (member, other))
    headers = auth_headers(TENANT_A)

    def ids(**params: Any) -> list[str]:
        response = client.get("/api/leads", params=params, headers=headers)
        assert response.status_code == 200
        return [item["id"] for item in response.json()["items"]]

    assert ids(status="contacted") == [str(acme)]
    assert ids(owner_id=str(member)) == [str(other)]
    assert ids(q="acme") == [str(acme)]
    assert ids(q="100%") == [str(acme)]
    assert ids(q="LIISA@FIRMA") == [str(other)]
    assert ids(q="_") == []  # LIKE wildcards are literal
    assert client.get("/api/leads", params={"status": "bogus"}, headers=headers).status_code == 422


def test_get_shows_a_lead_with_its_notes(
    client: TestClient, superuser_url: str, auth_headers: Headers
) -> None:
    lead = insert_lead(superuser_url, TENANT_A, name="Noted")
    headers = auth_headers(TENANT_A, Role.MEMBER)
    for text in ("Soitettu", "Tarjous lähetetty"):
        created = client.post(f"/api/leads/{lead}/notes", json={"body": text}, headers=headers)
        assert created.status_code == 201
    body = client.get(f"/api/leads/{lead}", headers=auth_headers(TENANT_A, Role.VIEWER)).json()
    assert body["name"] == "Noted"
    assert [note["body"] for note in body["notes"]] == ["Soitettu", "Tarjous lähetetty"]


def test_status_moves_through_the_funnel(
    client: TestClient, superuser_url: str, auth_headers: Headers
) -> None:
    lead = insert_lead(superuser_url, TENANT_A)
    headers = auth_headers(TENANT_A, Role.MEMBER)
    for target in ("contacted", "qualified", "won"):
        response = client.patch(f"/api/leads/{lead}", json={"status": target}, headers=headers)
        assert response.status_code == 200, response.text
        assert response.json()["status"] == target
    with psycopg.connect(superuser_url) as conn:
        actions = conn.execute(
            "select details->>'to' from public.audit_log"
            " where target_id = %s and action = 'lead.status_changed' order by id",
            (str(lead),),
        ).fetchall()
    assert [a[0] for a in actions] == ["contacted", "qualified", "won"]


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("new", "qualified"),
        ("new", "won"),
        ("contacted", "new"),
        ("contacted", "won"),
        ("qualified", "contacted"),
        ("won", "lost"),
        ("lost", "new"),
        ("won", "contacted"),
    ],
)
def test_invalid_transitions_are_409_and_change_nothing(
    client: TestClient, superuser_url: str, auth_headers: Headers, start: str, target: str
) -> None:
    lead = insert_lead(superuser_url, TENANT_A, status=start)
    response = client.patch(f"/api/leads/{lead}", json={"status": target}, headers=auth_headers(TENANT_A))
    assert response.status_code == 409
    assert _row(superuser_url, lead)["status"] == start


@pytest.mark.parametrize("start", ["new", "contacted", "qualified"])
def test_any_open_lead_may_be_lost(
    client: TestClient, superuser_url: str, auth_headers: Headers, start: str
) -> None:
    lead = insert_lead(superuser_url, TENANT_A, status=start)
    response = client.patch(f"/api/leads/{lead}", json={"status": "lost"}, headers=auth_headers(TENANT_A))
    assert response.status_code == 200
    assert response.json()["status"] == "lost"


def test_owner_must_be_a_member_of_the_tenant(
    client: TestClient, superuser_url: str, auth_headers: Headers, demo: DemoData
) -> None:
    lead = insert_lead(superuser_url, TENANT_A)
    headers = auth_headers(TENANT_A, Role.ADMIN)
    member = user_id(demo, TENANT_A, Role.MEMBER)
    outsider = user_id(demo, TENANT_B, Role.OWNER)
    assigned = client.patch(f"/api/leads/{lead}", json={"owner_id": str(member)}, headers=headers)
    assert assigned.status_code == 200
    assert assigned.json()["owner_id"] == str(member)
    refused = client.patch(f"/api/leads/{lead}", json={"owner_id": str(outsider)}, headers=headers)
    assert refused.status_code == 422
    assert _row(superuser_url, lead)["owner_id"] == member
    cleared = client.patch(f"/api/leads/{lead}", json={"owner_id": None}, headers=headers)
    assert cleared.status_code == 200
    assert _row(superuser_url, lead)["owner_id"] is None


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"status": None},
        {"status": "contacted", "tenant_id": str(TENANT_B)},
        {"status": "contacted", "created_at": "2020-01-01T00:00:00Z"},
        {"client_id": str(uuid.uuid4())},
        {"email": "someone@else.fi"},
        {"status": "contacted", "name": "Renamed"},
    ],
)
def test_mass_assignment_is_422_and_changes_nothing(
    client: TestClient, superuser_url: str, auth_headers: Headers, body: dict[str, Any]
) -> None:
    lead = insert_lead(superuser_url, TENANT_A)
    before = _row(superuser_url, lead)
    response = client.patch(f"/api/leads/{lead}", json=body, headers=auth_headers(TENANT_A))
    assert response.status_code == 422
    assert _row(superuser_url, lead) == before


def test_viewers_read_but_cannot_write(client: TestClient, superuser_url: str, auth_headers: Headers) -> None:
    lead = insert_lead(superuser_url, TENANT_A)
    viewer = auth_headers(TENANT_A, Role.VIEWER)
    assert client.get("/api/leads", headers=viewer).status_code == 200
    assert client.get(f"/api/leads/{lead}", headers=viewer).status_code == 200
    assert client.patch(f"/api/leads/{lead}", json={"status": "contacted"}, headers=viewer).status_code == 403
    assert client.post(f"/api/leads/{lead}/notes", json={"body": "x"}, headers=viewer).status_code == 403
    assert client.post(f"/api/leads/{lead}/convert", json={}, headers=viewer).status_code == 403
    assert _row(superuser_url, lead)["status"] == "new"


def test_authenticated_routes_need_a_token(client: TestClient, superuser_url: str) -> None:
    lead = insert_lead(superuser_url, TENANT_A)
    assert client.get("/api/leads").status_code == 401
    assert client.get(f"/api/leads/{lead}").status_code == 401
    assert client.patch(f"/api/leads/{lead}", json={"status": "contacted"}).status_code == 401
    assert client.post(f"/api/leads/{lead}/notes", json={"body": "x"}).status_code == 401
    assert client.post(f"/api/leads/{lead}/convert", json={}).status_code == 401


def test_tenant_b_sees_none_of_tenant_as_canary_leads(
    client: TestClient, superuser_url: str, auth_headers: Headers
) -> None:
    canary = f"CANARY-{uuid.uuid4().hex}"
    lead = insert_lead(superuser_url, TENANT_A, name=canary, company=canary, message=canary)
    b_owner = auth_headers(TENANT_B)
    listing = client.get("/api/leads", params={"q": "CANARY"}, headers=b_owner)
    everything = client.get("/api/leads", params={"limit": 100}, headers=b_owner)
    responses = [
        listing,
        everything,
        client.get(f"/api/leads/{lead}", headers=b_owner),
        client.patch(f"/api/leads/{lead}", json={"status": "contacted"}, headers=b_owner),
        client.post(f"/api/leads/{lead}/notes", json={"body": "hi"}, headers=b_owner),
        client.post(f"/api/leads/{lead}/convert", json={}, headers=b_owner),
    ]
    assert listing.json()["items"] == everything.json()["items"] == []
    assert [r.status_code for r in responses[2:]] == [404, 404, 404, 404]
    assert all(canary not in r.text for r in responses)
    after = _row(superuser_url, lead)
    assert (after["status"], after["client_id"]) == ("new", None)
    with psycopg.connect(superuser_url) as conn:
        assert conn.execute(
            "select count(*) from public.lead_notes where lead_id = %s", (lead,)
        ).fetchone() == (0,)


def test_unknown_lead_ids_are_404_and_malformed_ids_422(client: TestClient, auth_headers: Headers) -> None:
    headers = auth_headers(TENANT_A)
    assert client.get(f"/api/leads/{uuid.uuid4()}", headers=headers).status_code == 404
    assert client.get("/api/leads/not-a-uuid", headers=headers).status_code == 422


def test_note_bodies_are_validated(client: TestClient, superuser_url: str, auth_headers: Headers) -> None:
    lead = insert_lead(superuser_url, TENANT_A)
    headers = auth_headers(TENANT_A)
    for body in ({"body": ""}, {"body": "x" * 5001}, {"body": "ok", "author_id": str(uuid.uuid4())}):
        assert client.post(f"/api/leads/{lead}/notes", json=body, headers=headers).status_code == 422
