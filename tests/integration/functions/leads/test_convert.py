"""Lead -> client conversion in one transaction, with the shared ``public.clients`` contract."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from docflow.tenancy import Role
from tests.support.leads import TENANT_A, TENANT_B, insert_lead

pytestmark = pytest.mark.db

Headers = Callable[..., dict[str, str]]


@pytest.fixture
def client(leads_app: Any, superuser_url: str) -> Iterator[TestClient]:
    with psycopg.connect(superuser_url) as conn:
        present = conn.execute("select to_regclass('public.clients') is not null").fetchone()
    if not present or not present[0]:
        pytest.skip("public.clients (migration 0020) is not applied")
    yield TestClient(leads_app, raise_server_exceptions=False)
    with psycopg.connect(superuser_url) as conn:
        conn.execute("delete from public.clients where source_lead_id is not null")


def _client_row(superuser_url: str, client_id: str) -> dict[str, Any]:
    with psycopg.connect(superuser_url, row_factory=psycopg.rows.dict_row) as conn:
        row = conn.execute("select * from public.clients where id = %s", (client_id,)).fetchone()
    assert row is not None
    return dict(row)


def test_convert_creates_a_company_client_and_marks_the_lead_won(
    client: TestClient, superuser_url: str, auth_headers: Headers
) -> None:
    lead = insert_lead(superuser_url, TENANT_A, name="Pekka", company="Pekan Paja Oy", email="pekka@paja.fi")
    response = client.post(
        f"/api/leads/{lead}/convert",
        json={"business_id": "0112038-9", "tags": ["web"]},
        headers=auth_headers(TENANT_A, Role.MEMBER),
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["lead"]["status"] == "won"
    assert body["lead"]["client_id"] == body["client_id"]
    assert body["lead"]["converted_at"] is not None
    row = _client_row(superuser_url, body["client_id"])
    assert (row["tenant_id"], row["kind"], row["name"], row["business_id"]) == (
        TENANT_A,
        "company",
        "Pekan Paja Oy",
        "0112038-9",
    )
    assert (row["email"], row["source_lead_id"], row["tags"]) == ("pekka@paja.fi", lead, ["web"])
    with psycopg.connect(superuser_url) as conn:
        audit = conn.execute(
            "select details->>'client_id' from public.audit_log"
            " where action = 'lead.converted' and target_id = %s",
            (str(lead),),
        ).fetchall()
    assert audit == [(body["client_id"],)]


def test_a_lead_without_company_becomes_a_person(
    client: TestClient, superuser_url: str, auth_headers: Headers
) -> None:
    lead = insert_lead(superuser_url, TENANT_A, name="Anna Asiakas", status="qualified")
    response = client.post(f"/api/leads/{lead}/convert", headers=auth_headers(TENANT_A))
    assert response.status_code == 201
    row = _client_row(superuser_url, response.json()["client_id"])
    assert (row["kind"], row["name"]) == ("person", "Anna Asiakas")


def test_converting_twice_is_409_and_creates_one_client(
    client: TestClient, superuser_url: str, auth_headers: Headers
) -> None:
    lead = insert_lead(superuser_url, TENANT_A)
    headers = auth_headers(TENANT_A)
    assert client.post(f"/api/leads/{lead}/convert", json={}, headers=headers).status_code == 201
    assert client.post(f"/api/leads/{lead}/convert", json={}, headers=headers).status_code == 409
    with psycopg.connect(superuser_url) as conn:
        count = conn.execute(
            "select count(*) from public.clients where source_lead_id = %s", (lead,)
        ).fetchone()
    assert count == (1,)


def test_a_lost_lead_cannot_be_converted(
    client: TestClient, superuser_url: str, auth_headers: Headers
) -> None:
    lead = insert_lead(superuser_url, TENANT_A, status="lost")
    assert (
        client.post(f"/api/leads/{lead}/convert", json={}, headers=auth_headers(TENANT_A)).status_code == 409
    )


def test_a_duplicate_business_id_is_a_generic_409_and_rolls_everything_back(
    client: TestClient, superuser_url: str, auth_headers: Headers
) -> None:
    headers = auth_headers(TENANT_A)
    first = insert_lead(superuser_url, TENANT_A, company="Eka Oy")
    second = insert_lead(superuser_url, TENANT_A, company="Toka Oy")
    assert (
        client.post(
            f"/api/leads/{first}/convert", json={"business_id": "0112038-9"}, headers=headers
        ).status_code
        == 201
    )
    clash = client.post(f"/api/leads/{second}/convert", json={"business_id": "0112038-9"}, headers=headers)
    assert clash.status_code == 409
    assert "Eka" not in clash.text
    with psycopg.connect(superuser_url) as conn:
        lead = conn.execute("select status, client_id from public.leads where id = %s", (second,)).fetchone()
    assert lead == ("new", None)


def test_the_same_business_id_in_another_tenant_is_fine(
    client: TestClient, superuser_url: str, auth_headers: Headers
) -> None:
    a = insert_lead(superuser_url, TENANT_A, company="A Oy")
    b = insert_lead(superuser_url, TENANT_B, company="B Oy")
    body = {"business_id": "0112038-9"}
    assert (
        client.post(f"/api/leads/{a}/convert", json=body, headers=auth_headers(TENANT_A)).status_code == 201
    )
    assert (
        client.post(f"/api/leads/{b}/convert", json=body, headers=auth_headers(TENANT_B)).status_code == 201
    )


@pytest.mark.parametrize(
    "body",
    [
        {"business_id": "0112038-8"},
        {"business_id": "11203-9"},
        {"vat_number": "FI01120388"},
        {"business_id": "0112038-9", "vat_number": "FI07375462"},
        {"tags": ["=HYPERLINK()"]},
        {"kind": "robot"},
        {"tenant_id": str(TENANT_B)},
        {"source_lead_id": str(uuid.uuid4())},
    ],
)
def test_invalid_client_details_are_422_and_nothing_is_written(
    client: TestClient, superuser_url: str, auth_headers: Headers, body: dict[str, Any]
) -> None:
    lead = insert_lead(superuser_url, TENANT_A, company="Virhe Oy")
    response = client.post(f"/api/leads/{lead}/convert", json=body, headers=auth_headers(TENANT_A))
    assert response.status_code == 422
    with psycopg.connect(superuser_url) as conn:
        assert conn.execute("select client_id from public.leads where id = %s", (lead,)).fetchone() == (None,)
        assert conn.execute("select count(*) from public.clients where name = 'Virhe Oy'").fetchone() == (0,)


def test_a_vat_number_not_matching_the_business_id_is_a_clear_422(
    client: TestClient, superuser_url: str, auth_headers: Headers
) -> None:
    lead = insert_lead(superuser_url, TENANT_A, company="Ristiriita Oy")
    body = {"business_id": "0112038-9", "vat_number": "FI07375462"}
    response = client.post(f"/api/leads/{lead}/convert", json=body, headers=auth_headers(TENANT_A))
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["errors"] == [
        {"field": None, "message": "the Finnish VAT number does not match the Y-tunnus"}
    ]


def test_details_are_normalised_as_the_clients_api_normalises_them(
    client: TestClient, superuser_url: str, auth_headers: Headers
) -> None:
    lead = insert_lead(superuser_url, TENANT_A, company="Normaali Oy", email="Myynti@Normaali.FI")
    body = {"business_id": "112038 9", "vat_number": "fi 0112 0389", "tags": [" VIP ", "vip"]}
    response = client.post(f"/api/leads/{lead}/convert", json=body, headers=auth_headers(TENANT_A))
    assert response.status_code == 201, response.text
    row = _client_row(superuser_url, response.json()["client_id"])
    assert (row["business_id"], row["vat_number"], row["tags"], row["email"]) == (
        "0112038-9",
        "FI01120389",
        ["vip"],
        "Myynti@normaali.fi",
    )


def test_a_leads_address_the_clients_api_refuses_is_a_422_unless_another_is_given(
    client: TestClient, superuser_url: str, auth_headers: Headers
) -> None:
    lead = insert_lead(superuser_url, TENANT_A, email=f"{'a' * 70}@example.fi")
    headers = auth_headers(TENANT_A)
    refused = client.post(f"/api/leads/{lead}/convert", json={}, headers=headers)
    assert refused.status_code == 422
    assert [error["field"] for error in refused.json()["errors"]] == ["email"]
    assert "a" * 70 not in refused.text
    accepted = client.post(f"/api/leads/{lead}/convert", json={"email": "myynti@example.fi"}, headers=headers)
    assert accepted.status_code == 201


def test_a_converted_client_can_be_changed_through_the_clients_api(
    client: TestClient, superuser_url: str, auth_headers: Headers
) -> None:
    from docflow_clients.handler import app as clients_app

    lead = insert_lead(superuser_url, TENANT_A, company="Jatko Oy")
    body = {"business_id": "0112038-9", "vat_number": "FI01120389", "tags": ["web"]}
    headers = auth_headers(TENANT_A)
    converted = client.post(f"/api/leads/{lead}/convert", json=body, headers=headers)
    assert converted.status_code == 201, converted.text
    clients = TestClient(clients_app, raise_server_exceptions=False)
    path = f"/api/v1/clients/{converted.json()['client_id']}"
    current = clients.get(path, headers=headers).json()
    unchanged = {name: current[name] for name in ("business_id", "vat_number", "email", "phone", "tags")}
    patched = clients.patch(path, json={**unchanged, "notes": "Tuli lomakkeelta"}, headers=headers)
    assert patched.status_code == 200, patched.text
    assert patched.json()["notes"] == "Tuli lomakkeelta"
