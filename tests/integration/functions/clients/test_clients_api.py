"""``/api/v1/clients`` over HTTP: CRUD, validation, uniqueness without leaks, roles, tenant isolation,
mass assignment, pagination and limits."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from fastapi.testclient import TestClient

from docflow.tenancy import Role
from tests.support.identifiers import random_ytunnus
from tests.support.tenants import Headers, Tenant, create_tenant

pytestmark = pytest.mark.db

BASE = "/api/v1/clients"


def create(http: TestClient, headers: dict[str, str], **fields: object) -> dict[str, object]:
    body = {"name": f"Client {uuid.uuid4().hex[:8]}", **fields}
    response = http.post(BASE, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_create_read_update_archive_unarchive(http: TestClient, tenant_a: Tenant, auth: Headers) -> None:
    headers = auth(tenant_a, Role.MEMBER)
    business_id = random_ytunnus()
    response = http.post(
        BASE,
        json={
            "kind": "company",
            "name": "  Rakennus Virtanen Oy ",
            "business_id": business_id.replace("-", ""),
            "vat_number": "fi " + business_id.replace("-", ""),
            "email": "Laskutus@Virtanen.EXAMPLE",
            "phone": "+358 40 123 4567",
            "tags": ["Rakennus", "rakennus", " VIP "],
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text
    client = response.json()
    assert response.headers["location"] == f"{BASE}/{client['id']}"
    assert client["name"] == "Rakennus Virtanen Oy"
    assert client["business_id"] == business_id
    assert client["vat_number"] == "FI" + business_id.replace("-", "")
    assert client["email"] == "Laskutus@virtanen.example"
    assert client["tags"] == ["rakennus", "vip"]
    assert client["archived"] is False
    assert client["country_code"] == "FI"

    fetched = http.get(f"{BASE}/{client['id']}", headers=headers).json()
    assert fetched["contacts"] == []
    assert fetched["name"] == "Rakennus Virtanen Oy"

    updated = http.patch(f"{BASE}/{client['id']}", json={"city": "Tampere", "notes": None}, headers=headers)
    assert updated.status_code == 200
    assert updated.json()["city"] == "Tampere"
    assert updated.json()["updated_at"] >= client["updated_at"]

    archived = http.post(f"{BASE}/{client['id']}/archive", headers=headers).json()
    assert archived["archived"] is True
    active_ids = [c["id"] for c in http.get(BASE, params={"limit": 100}, headers=headers).json()["items"]]
    assert client["id"] not in active_ids
    archived_ids = [
        c["id"] for c in http.get(BASE, params={"status": "archived"}, headers=headers).json()["items"]
    ]
    assert client["id"] in archived_ids

    restored = http.post(f"{BASE}/{client['id']}/unarchive", headers=headers).json()
    assert restored["archived"] is False
    assert restored["archived_at"] is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("business_id", "1234567-8"),  # wrong check digit
        ("business_id", "123-4"),
        ("vat_number", "FI12345678"),
        ("vat_number", "SE123"),
        ("email", "not-an-email"),
        ("phone", "call me"),
        ("kind", "robot"),
        ("name", "   "),
        ("tags", ["=cmd()"]),
        ("tags", [f"t{i}" for i in range(21)]),
        ("country_code", "Finland"),
    ],
)
def test_invalid_fields_are_422_without_echoing_them(
    http: TestClient, tenant_a: Tenant, auth: Headers, field: str, value: object
) -> None:
    body = {"name": "Valid Oy", field: value}
    response = http.post(BASE, json=body, headers=auth(tenant_a))
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    if isinstance(value, str) and value.strip():
        assert value not in response.text


def test_finnish_vat_number_must_match_the_business_id(
    http: TestClient, tenant_a: Tenant, auth: Headers
) -> None:
    business_id, other = random_ytunnus(), random_ytunnus()
    response = http.post(
        BASE,
        json={"name": "Mismatch Oy", "business_id": business_id, "vat_number": "FI" + other.replace("-", "")},
        headers=auth(tenant_a),
    )
    assert response.status_code == 422
    client = create(http, auth(tenant_a), business_id=business_id)
    patched = http.patch(
        f"{BASE}/{client['id']}", json={"vat_number": "FI" + other.replace("-", "")}, headers=auth(tenant_a)
    )
    assert patched.status_code == 422


def test_foreign_eu_vat_numbers_are_accepted(http: TestClient, tenant_a: Tenant, auth: Headers) -> None:
    client = create(http, auth(tenant_a), vat_number="SE 5560360793 01")
    assert client["vat_number"] == "SE556036079301"


def test_duplicate_business_id_is_a_generic_409_only_within_the_tenant(
    http: TestClient, tenant_a: Tenant, tenant_b: Tenant, auth: Headers
) -> None:
    business_id = random_ytunnus()
    first = create(http, auth(tenant_a), name="Kanarialintu Oy", business_id=business_id)
    duplicate = http.post(
        BASE, json={"name": "Toinen Oy", "business_id": business_id}, headers=auth(tenant_a)
    )
    assert duplicate.status_code == 409
    assert business_id not in duplicate.text
    assert "Kanarialintu" not in duplicate.text
    assert first["id"] not in duplicate.text
    # the same Y-tunnus is free in another tenant, and says nothing about tenant A
    other = http.post(BASE, json={"name": "B:n asiakas", "business_id": business_id}, headers=auth(tenant_b))
    assert other.status_code == 201
    # archived clients still hold their Y-tunnus; a PATCH onto a taken one is a 409 too
    http.post(f"{BASE}/{first['id']}/archive", headers=auth(tenant_a))
    again = http.post(BASE, json={"name": "Kolmas Oy", "business_id": business_id}, headers=auth(tenant_a))
    assert again.status_code == 409
    third = create(http, auth(tenant_a))
    clash = http.patch(f"{BASE}/{third['id']}", json={"business_id": business_id}, headers=auth(tenant_a))
    assert clash.status_code == 409


@pytest.mark.parametrize("role", [Role.OWNER, Role.ADMIN, Role.MEMBER])
def test_writers_may_write(http: TestClient, tenant_a: Tenant, auth: Headers, role: Role) -> None:
    client = create(http, auth(tenant_a, role))
    assert (
        http.patch(f"{BASE}/{client['id']}", json={"city": "Oulu"}, headers=auth(tenant_a, role)).status_code
        == 200
    )


def test_viewers_read_only(http: TestClient, tenant_a: Tenant, auth: Headers) -> None:
    client = create(http, auth(tenant_a, Role.MEMBER))
    viewer = auth(tenant_a, Role.VIEWER)
    assert http.get(f"{BASE}/{client['id']}", headers=viewer).status_code == 200
    assert http.get(BASE, headers=viewer).status_code == 200
    assert http.get(f"{BASE}/export", headers=viewer).status_code == 200
    attempts = [
        http.post(BASE, json={"name": "Viewer Oy"}, headers=viewer),
        http.patch(f"{BASE}/{client['id']}", json={"name": "X"}, headers=viewer),
        http.post(f"{BASE}/{client['id']}/archive", headers=viewer),
        http.post(f"{BASE}/{client['id']}/contacts", json={"name": "Matti"}, headers=viewer),
        http.post(
            f"{BASE}/import?dry_run=false",
            content=b"name\nX Oy\n",
            headers={**viewer, "Content-Type": "text/csv"},
        ),
    ]
    assert [r.status_code for r in attempts] == [403] * len(attempts)
    assert http.get(f"{BASE}/{client['id']}", headers=viewer).json()["name"] == client["name"]


def test_tenant_b_sees_none_of_tenant_a(
    http: TestClient, tenant_a: Tenant, tenant_b: Tenant, auth: Headers
) -> None:
    canary = f"CANARY-{uuid.uuid4().hex}"
    client = create(http, auth(tenant_a), name=canary, notes=canary, tags=["canary"])
    contact = http.post(
        f"{BASE}/{client['id']}/contacts", json={"name": canary}, headers=auth(tenant_a)
    ).json()
    other = auth(tenant_b, Role.OWNER)
    responses = [
        http.get(BASE, params={"status": "all", "limit": 100}, headers=other),
        http.get(BASE, params={"q": canary}, headers=other),
        http.get(f"{BASE}/tags", headers=other),
        http.get(f"{BASE}/export", params={"status": "all"}, headers=other),
        http.get(f"{BASE}/{client['id']}", headers=other),
        http.get(f"{BASE}/{client['id']}/contacts", headers=other),
        http.patch(f"{BASE}/{client['id']}", json={"name": "taken over"}, headers=other),
        http.post(f"{BASE}/{client['id']}/archive", headers=other),
        http.post(f"{BASE}/{client['id']}/contacts", json={"name": "intruder"}, headers=other),
        http.patch(f"{BASE}/{client['id']}/contacts/{contact['id']}", json={"name": "x"}, headers=other),
        http.delete(f"{BASE}/{client['id']}/contacts/{contact['id']}", headers=other),
    ]
    for response in responses:
        assert canary not in response.text
        assert response.status_code in {200, 404}
    assert [r.status_code for r in responses[4:]] == [404] * 7
    # naming tenant A in the header does not help a member of B
    foreign = {**other, "X-Tenant-Id": str(tenant_a.id)}
    assert http.get(f"{BASE}/{client['id']}", headers=foreign).status_code == 403
    assert http.get(f"{BASE}/{client['id']}", headers=auth(tenant_a)).json()["name"] == canary


@pytest.mark.parametrize(
    "extra",
    [
        {"tenant_id": "00000000-0000-0000-0000-000000000001"},
        {"id": "00000000-0000-0000-0000-000000000002"},
        {"archived_at": "2020-01-01T00:00:00Z"},
        {"created_at": "2020-01-01T00:00:00Z"},
        {"created_by": "00000000-0000-0000-0000-000000000003"},
        {"source_lead_id": "00000000-0000-0000-0000-000000000004"},
        {"status": "archived"},
    ],
)
def test_mass_assignment_is_422_and_changes_nothing(
    http: TestClient, tenant_a: Tenant, auth: Headers, superuser_url: str, extra: dict[str, str]
) -> None:
    client = create(http, auth(tenant_a))
    assert http.post(BASE, json={"name": "Mass Oy", **extra}, headers=auth(tenant_a)).status_code == 422
    assert (
        http.patch(f"{BASE}/{client['id']}", json={"name": "Y", **extra}, headers=auth(tenant_a)).status_code
        == 422
    )
    with psycopg.connect(superuser_url) as conn:
        row = conn.execute(
            "select tenant_id, name, archived_at, source_lead_id from public.clients where id = %s",
            (client["id"],),
        ).fetchone()
        assert conn.execute("select count(*) from public.clients where name = 'Mass Oy'").fetchone() == (0,)
    assert row == (tenant_a.id, client["name"], None, None)


def test_required_fields_cannot_be_cleared(http: TestClient, tenant_a: Tenant, auth: Headers) -> None:
    client = create(http, auth(tenant_a))
    for field in ("name", "kind", "tags", "country_code"):
        response = http.patch(f"{BASE}/{client['id']}", json={field: None}, headers=auth(tenant_a))
        assert response.status_code == 422, field


def test_unknown_and_malformed_ids(http: TestClient, tenant_a: Tenant, auth: Headers) -> None:
    assert http.get(f"{BASE}/{uuid.uuid4()}", headers=auth(tenant_a)).status_code == 404
    assert http.get(f"{BASE}/not-a-uuid", headers=auth(tenant_a)).status_code == 422
    assert http.post(f"{BASE}/{uuid.uuid4()}/archive", headers=auth(tenant_a)).status_code == 404


def test_requests_without_a_token_are_401(http: TestClient) -> None:
    assert http.get(BASE).status_code == 401
    assert http.post(BASE, json={"name": "Anon Oy"}).status_code == 401


def test_search_by_name_business_id_email_and_tag(
    http: TestClient, superuser_url: str, auth: Headers
) -> None:
    tenant = create_tenant(superuser_url, *Role, name="Haku Oy")
    headers = auth(tenant)
    business_id = random_ytunnus()
    a = create(http, headers, name="Aalto 100% Oy", business_id=business_id, tags=["tilitoimisto"])
    b = create(http, headers, name="Bertta Tmi", kind="person", email="bertta@posti.example")
    create(http, headers, name="Ceder Ab", tags=["ruotsi"])

    def names(**params: object) -> list[str]:
        response = http.get(BASE, params=params, headers=headers)
        assert response.status_code == 200, response.text
        return [c["name"] for c in response.json()["items"]]

    assert names(q="aalto") == [a["name"]]
    assert names(q="100%") == [a["name"]]
    assert names(q="%") == [a["name"]]  # wildcards are literal
    assert names(q=business_id) == [a["name"]]
    assert names(q=business_id.replace("-", "")) == [a["name"]]
    assert names(q="posti.example") == [b["name"]]
    assert names(q="RUOTSI") == ["Ceder Ab"]
    assert names(tag="tilitoimisto") == [a["name"]]
    assert names(kind="person") == [b["name"]]
    assert names() == [a["name"], b["name"], "Ceder Ab"]
    tags = http.get(f"{BASE}/tags", headers=headers).json()
    assert {t["tag"]: t["clients"] for t in tags} == {"tilitoimisto": 1, "ruotsi": 1}


def test_cursor_pagination_is_stable_and_complete(
    http: TestClient, superuser_url: str, auth: Headers
) -> None:
    tenant = create_tenant(superuser_url, *Role, name="Sivutus Oy")
    headers = auth(tenant)
    with psycopg.connect(superuser_url) as conn:
        conn.execute(
            "insert into public.clients (tenant_id, kind, name)"
            " select %s, 'company', 'Sama nimi' from generate_series(1, 120)",
            (tenant.id,),
        )
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, object] = {"limit": 50}
        if cursor:
            params["cursor"] = cursor
        page = http.get(BASE, params=params, headers=headers).json()
        seen += [c["id"] for c in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert len(seen) == len(set(seen)) == 120


@pytest.mark.parametrize(
    "params", [{"limit": 101}, {"limit": 0}, {"limit": 10**6}, {"cursor": "!!!"}, {"q": "x" * 101}]
)
def test_page_limits_and_bad_cursors_are_422(
    http: TestClient, tenant_a: Tenant, auth: Headers, params: dict[str, object]
) -> None:
    assert http.get(BASE, params=params, headers=auth(tenant_a)).status_code == 422


def test_oversized_bodies_are_413(http: TestClient, tenant_a: Tenant, auth: Headers) -> None:
    response = http.post(
        BASE,
        content=b'{"name": "' + b"x" * 2_000_000 + b'"}',
        headers={**auth(tenant_a), "Content-Type": "application/json"},
    )
    assert response.status_code == 413


def test_contact_persons(http: TestClient, tenant_a: Tenant, auth: Headers) -> None:
    headers = auth(tenant_a)
    client = create(http, headers)
    url = f"{BASE}/{client['id']}/contacts"
    first = http.post(url, json={"name": "Matti Meikäläinen", "is_primary": True}, headers=headers)
    assert first.status_code == 201
    second = http.post(
        url,
        json={"name": "Aino", "title": "CFO", "email": "aino@x.example", "is_primary": True},
        headers=headers,
    )
    assert second.status_code == 201
    contacts = http.get(url, headers=headers).json()
    assert [(c["name"], c["is_primary"]) for c in contacts] == [("Aino", True), ("Matti Meikäläinen", False)]
    changed = http.patch(f"{url}/{first.json()['id']}", json={"phone": "040 123 4567"}, headers=headers)
    assert changed.status_code == 200
    assert changed.json()["phone"] == "040 123 4567"
    assert (
        http.patch(
            f"{url}/{first.json()['id']}", json={"client_id": str(uuid.uuid4())}, headers=headers
        ).status_code
        == 422
    )
    assert http.delete(f"{url}/{first.json()['id']}", headers=headers).status_code == 204
    assert http.delete(f"{url}/{first.json()['id']}", headers=headers).status_code == 404
    assert [c["name"] for c in http.get(f"{BASE}/{client['id']}", headers=headers).json()["contacts"]] == [
        "Aino"
    ]
