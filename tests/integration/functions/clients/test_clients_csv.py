"""CSV import (dry run and real, both dialects, BOM, per-row errors, all or nothing, limits) and export."""

from __future__ import annotations

import csv
import io

import psycopg
import pytest
from fastapi.testclient import TestClient

from docflow.tenancy import Role
from tests.support.identifiers import random_ytunnus
from tests.support.tenants import Headers, Tenant, create_tenant

pytestmark = pytest.mark.db

IMPORT = "/api/v1/clients/import"


@pytest.fixture
def fresh(superuser_url: str) -> Tenant:
    return create_tenant(superuser_url, *Role, name="CSV Oy")


def _count(superuser_url: str, tenant: Tenant) -> int:
    with psycopg.connect(superuser_url) as conn:
        row = conn.execute(
            "select count(*) from public.clients where tenant_id = %s", (tenant.id,)
        ).fetchone()
    assert row is not None
    return int(row[0])


def _csv(headers: Headers, tenant: Tenant) -> dict[str, str]:
    return {**headers(tenant), "Content-Type": "text/csv; charset=utf-8"}


def test_finnish_dialect_with_bom_dry_run_then_real(
    http: TestClient, fresh: Tenant, auth: Headers, superuser_url: str
) -> None:
    y1, y2 = random_ytunnus(), random_ytunnus()
    text = (
        "Nimi;Y-tunnus;Sähköposti;Tyyppi;Tunnisteet;Postitoimipaikka;Sarake X\r\n"
        f"Rakennus Mäkinen Oy;{y1};info@makinen.example;yritys;rakennus|vip;Jyväskylä;ohita\r\n"
        f'"Kahvila ""Aamu"" Oy";{y2};;yritys;;Turku;\r\n'
        ";;;;;;\r\n"
        "Matti Meikäläinen;;matti@example.test;henkilö;;;\r\n"
    )
    body = b"\xef\xbb\xbf" + text.encode("utf-8")
    dry = http.post(IMPORT, params={"dry_run": "true"}, content=body, headers=_csv(auth, fresh))
    assert dry.status_code == 200, dry.text
    report = dry.json()
    assert report["dry_run"] is True
    assert report["delimiter"] == ";"
    assert (report["rows"], report["valid_rows"], report["invalid_rows"], report["created"]) == (3, 3, 0, 0)
    assert report["ignored_columns"] == ["Sarake X"]
    assert _count(superuser_url, fresh) == 0

    real = http.post(IMPORT, params={"dry_run": "false"}, content=body, headers=_csv(auth, fresh))
    assert real.status_code == 200, real.text
    assert real.json()["created"] == 3
    clients = http.get("/api/v1/clients", headers=auth(fresh)).json()["items"]
    by_name = {c["name"]: c for c in clients}
    assert set(by_name) == {"Rakennus Mäkinen Oy", 'Kahvila "Aamu" Oy', "Matti Meikäläinen"}
    assert by_name["Rakennus Mäkinen Oy"]["tags"] == ["rakennus", "vip"]
    assert by_name["Rakennus Mäkinen Oy"]["city"] == "Jyväskylä"
    assert by_name["Matti Meikäläinen"]["kind"] == "person"
    with psycopg.connect(superuser_url) as conn:
        audit = conn.execute(
            "select details from public.audit_log where tenant_id = %s and action = 'clients.imported'",
            (fresh.id,),
        ).fetchall()
    assert audit == [({"created": 3},)]


def test_comma_dialect_multipart_upload(http: TestClient, fresh: Tenant, auth: Headers) -> None:
    text = "name,business_id,email,tags\nAlpha Oy,,alpha@example.test,a|b\nBeta Ab,,,\n"
    response = http.post(
        IMPORT,
        params={"dry_run": "false"},
        files={"file": ("clients.csv", text.encode(), "text/csv")},
        headers=auth(fresh),
    )
    assert response.status_code == 200, response.text
    assert response.json()["delimiter"] == ","
    assert response.json()["created"] == 2


def test_row_errors_are_reported_and_a_real_run_writes_nothing(
    http: TestClient, fresh: Tenant, auth: Headers, superuser_url: str
) -> None:
    taken = random_ytunnus()
    http.post("/api/v1/clients", json={"name": "Olemassa Oy", "business_id": taken}, headers=auth(fresh))
    repeated = random_ytunnus()
    text = (
        "name;business_id;email;kind\n"
        "Hyvä Oy;;hyva@example.test;company\n"  # line 2: fine
        "Väärä Oy;1234567-8;;company\n"  # line 3: check digit
        f"Kaksi Oy;{repeated};;company\n"  # line 4: fine
        f"Kolme Oy;{repeated};;company\n"  # line 5: same as line 4
        f"Varattu Oy;{taken};;company\n"  # line 6: already a client
        ";;;company\n"  # line 7: no name
        "Robotti Oy;;not-an-email;robot\n"  # line 8: two errors
    )
    dry = http.post(IMPORT, content=text.encode(), headers=_csv(auth, fresh))
    assert dry.status_code == 200
    report = dry.json()
    assert report["dry_run"] is True  # the default
    assert (report["rows"], report["valid_rows"], report["invalid_rows"]) == (7, 2, 5)
    errors = {(e["line"], e["field"]) for e in report["errors"]}
    assert errors == {
        (3, "business_id"),
        (5, "business_id"),
        (6, "business_id"),
        (7, "name"),
        (8, "email"),
        (8, "kind"),
    }
    assert "line 4" in next(e["message"] for e in report["errors"] if e["line"] == 5)

    before = _count(superuser_url, fresh)
    real = http.post(IMPORT, params={"dry_run": "false"}, content=text.encode(), headers=_csv(auth, fresh))
    assert real.status_code == 422
    assert real.headers["content-type"] == "application/problem+json"
    assert real.json()["report"]["invalid_rows"] == 5
    assert "nothing was imported" in real.json()["detail"]
    assert _count(superuser_url, fresh) == before


def test_control_and_direction_characters_are_refused_in_the_dry_run_as_in_the_real_run(
    http: TestClient, fresh: Tenant, auth: Headers, superuser_url: str
) -> None:
    text = (
        "name;city;notes;tags\n"
        "Nolla\x00 Oy;;;\n"  # line 2: NUL in the name
        "Kaupunki Oy;Po\x1bri;;\n"  # line 3: ESC in the city
        "Suunta Oy;;rivi\x00;\n"  # line 4: NUL in the notes
        "gpj\u202eexe Oy;;;\n"  # line 5: right-to-left override in the name
        "Tagi Oy;;;a\x00b\n"  # line 6: NUL in a tag
        'Hyvä Oy;Pori;"rivi 1\nrivi 2\ttab";vip\n'  # line 7: fine, notes span lines
    )
    dry = http.post(IMPORT, content=text.encode(), headers=_csv(auth, fresh))
    assert dry.status_code == 200
    report = dry.json()
    assert {(e["line"], e["field"]) for e in report["errors"]} == {
        (2, "name"),
        (3, "city"),
        (4, "notes"),
        (5, "name"),
        (6, "tags"),
    }
    assert report["valid_rows"] == 1
    before = _count(superuser_url, fresh)
    real = http.post(IMPORT, params={"dry_run": "false"}, content=text.encode(), headers=_csv(auth, fresh))
    assert real.status_code == 422
    assert real.json()["report"]["errors"] == report["errors"]
    assert _count(superuser_url, fresh) == before


def test_windows_1252_files_are_read(http: TestClient, fresh: Tenant, auth: Headers) -> None:
    body = "nimi;postitoimipaikka\r\nÄänekosken Sähkö Oy;Äänekoski\r\n".encode("cp1252")
    response = http.post(IMPORT, params={"dry_run": "false"}, content=body, headers=_csv(auth, fresh))
    assert response.status_code == 200, response.text
    names = [c["name"] for c in http.get("/api/v1/clients", headers=auth(fresh)).json()["items"]]
    assert names == ["Äänekosken Sähkö Oy"]


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"", "text/csv", 422),
        (b"email,phone\na@b.test,123456\n", "text/csv", 422),  # no name column
        (b"name\nX Oy\n", "application/json", 415),
        (b"name\nX Oy\n", "application/octet-stream", 415),
        (b"name\n" + b"A Oy\n" * 120_000, "text/csv", 413),  # over the byte cap
    ],
)
def test_unusable_uploads(
    *, http: TestClient, fresh: Tenant, auth: Headers, body: bytes, content_type: str, status: int
) -> None:
    response = http.post(IMPORT, content=body, headers={**auth(fresh), "Content-Type": content_type})
    assert response.status_code == status


def test_row_cap(http: TestClient, fresh: Tenant, auth: Headers, monkeypatch: pytest.MonkeyPatch) -> None:
    from docflow.config import reset_settings

    monkeypatch.setenv("CLIENTS_IMPORT_MAX_ROWS", "3")
    reset_settings()
    try:
        body = b"name\n" + b"".join(f"Client {i}\n".encode() for i in range(4))
        response = http.post(IMPORT, content=body, headers=_csv(auth, fresh))
    finally:
        monkeypatch.undo()
        reset_settings()
    assert response.status_code == 413


def _export(http: TestClient, headers: dict[str, str], fmt: str) -> tuple[str, bytes]:
    response = http.get("/api/v1/clients/export", params={"format": fmt}, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith('attachment; filename="clients-')
    assert response.headers["cache-control"] == "no-store"
    return response.headers["content-type"], response.content


def test_export_dialects_round_trip_and_neutralize_formulas(
    http: TestClient, fresh: Tenant, auth: Headers, superuser_url: str
) -> None:
    business_id = random_ytunnus()
    http.post(
        "/api/v1/clients",
        json={
            "name": '=HYPERLINK("http://evil.example")',
            "business_id": business_id,
            "phone": "+358 40 123 4567",
            "notes": "@SUM(1;2)\nrivi 2",
            "tags": ["a", "b"],
        },
        headers=auth(fresh),
    )
    http.post("/api/v1/clients", json={"name": "Öljy; Kumpp. Oy", "city": "Pori"}, headers=auth(fresh))

    _, plain = _export(http, auth(fresh), "csv")
    assert not plain.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(plain.decode("utf-8"))))
    assert [r["name"] for r in rows] == ['\'=HYPERLINK("http://evil.example")', "Öljy; Kumpp. Oy"]
    assert rows[0]["phone"] == "+358 40 123 4567"
    assert rows[0]["notes"] == "'@SUM(1;2)\nrivi 2"
    assert rows[0]["tags"] == "a|b"
    assert rows[0]["business_id"] == business_id

    _, finnish = _export(http, auth(fresh, Role.VIEWER), "csv-fi")
    assert finnish.startswith(b"\xef\xbb\xbf")
    text = finnish.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("id;tyyppi;nimi;y-tunnus;alv-numero;sähköposti")
    assert "\r\n" in text
    fi_rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert fi_rows[1]["nimi"] == "Öljy; Kumpp. Oy"
    assert fi_rows[1]["postitoimipaikka"] == "Pori"

    # the Finnish export imports back into another tenant (unknown columns ignored, formulas stay text)
    other = create_tenant(superuser_url, *Role, name="Paluu Oy")
    back = http.post(IMPORT, params={"dry_run": "false"}, content=finnish, headers=_csv(auth, other))
    assert back.status_code == 200, back.text
    assert back.json()["created"] == 2
    assert set(back.json()["ignored_columns"]) == {"id", "arkistoitu", "luotu"}


def test_export_is_limited_to_the_tenant_and_the_status(
    http: TestClient, fresh: Tenant, tenant_b: Tenant, auth: Headers
) -> None:
    kept = http.post("/api/v1/clients", json={"name": "Aktiivinen Oy"}, headers=auth(fresh)).json()
    gone = http.post("/api/v1/clients", json={"name": "Arkistoitu Oy"}, headers=auth(fresh)).json()
    http.post(f"/api/v1/clients/{gone['id']}/archive", headers=auth(fresh))
    http.post("/api/v1/clients", json={"name": "Toisen tenantin Oy"}, headers=auth(tenant_b))
    active = http.get("/api/v1/clients/export", headers=auth(fresh)).text
    everything = http.get("/api/v1/clients/export", params={"status": "all"}, headers=auth(fresh)).text
    assert kept["name"] in active
    assert gone["name"] not in active
    assert kept["name"] in everything
    assert gone["name"] in everything
    assert "Toisen tenantin" not in everything
    assert (
        http.get("/api/v1/clients/export", params={"format": "xlsx"}, headers=auth(fresh)).status_code == 422
    )


def test_export_size_is_capped(
    http: TestClient, fresh: Tenant, auth: Headers, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docflow_clients import store

    for name in ("Yksi Oy", "Kaksi Oy", "Kolme Oy"):
        http.post("/api/v1/clients", json={"name": name}, headers=auth(fresh))
    monkeypatch.setattr(store, "EXPORT_MAX_ROWS", 2)
    assert http.get("/api/v1/clients/export", headers=auth(fresh)).status_code == 422
    monkeypatch.setattr(store, "EXPORT_MAX_ROWS", 3)
    assert http.get("/api/v1/clients/export", headers=auth(fresh)).text.count("Oy") == 3
