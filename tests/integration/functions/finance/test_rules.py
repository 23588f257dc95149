"""Categories and rules: the Finnish defaults, owners and admins only, rules by merchant, Y-tunnus
and item word, bulk re-application with its dry run, a user's own category never overwritten, and
the pipeline's store step applying the rules to a new receipt."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from docflow.tenancy import Role
from docflow_local.finance_data import ReceiptSpec, VatLine
from tests.support.tenants import Headers, Tenant

pytestmark = pytest.mark.db

BASE = "/api/v1/finance"


def _categories(http: TestClient, headers: dict[str, str]) -> dict[str, dict[str, Any]]:
    response = http.get(f"{BASE}/categories", headers=headers)
    assert response.status_code == 200
    return {item["code"]: item for item in response.json()["items"]}


def _category_of(superuser_url: str, receipt_id: uuid.UUID) -> str | None:
    with psycopg.connect(superuser_url) as conn:
        row = conn.execute("select category from public.receipts where id = %s", (receipt_id,)).fetchone()
    assert row is not None
    return row[0]


def test_every_tenant_starts_with_the_finnish_defaults(
    http: TestClient, fresh_tenant: Tenant, auth: Headers
) -> None:
    found = _categories(http, auth(fresh_tenant, Role.VIEWER))
    assert {"tarvikkeet", "polttoaine", "matkat", "majoitus", "ravintola", "edustus", "toimisto"} <= set(
        found
    )
    assert {"ohjelmistot", "puhelin_ja_internet", "koulutus", "markkinointi"} <= set(found)
    assert (found["edustus"]["vat_treatment"], found["edustus"]["account"]) == ("not_deductible", "8400")
    assert found["auto_sekakaytto"]["vat_treatment"] == "partial"
    assert found["auto_sekakaytto"]["deductible_share"] == "0.5000"
    assert found["tarvikkeet"]["account"] == "4000"


def test_categories_are_managed_by_owners_and_admins(
    http: TestClient, fresh_tenant: Tenant, auth: Headers
) -> None:
    body = {"code": "tyokalut", "name": "Työkalut", "account": "4010"}
    assert (
        http.post(f"{BASE}/categories", json=body, headers=auth(fresh_tenant, Role.MEMBER)).status_code == 403
    )
    created = http.post(f"{BASE}/categories", json=body, headers=auth(fresh_tenant, Role.ADMIN))
    assert created.status_code == 201, created.text
    assert http.post(f"{BASE}/categories", json=body, headers=auth(fresh_tenant)).status_code == 409
    partial = {"vat_treatment": "partial", "deductible_share": "0.25"}
    changed = http.patch(
        f"{BASE}/categories/{created.json()['id']}", json=partial, headers=auth(fresh_tenant)
    )
    assert changed.status_code == 200
    assert changed.json()["deductible_share"] == "0.2500"
    bad = {"vat_treatment": "partial"}
    assert (
        http.patch(
            f"{BASE}/categories/{created.json()['id']}", json=bad, headers=auth(fresh_tenant)
        ).status_code
        == 422
    )
    assert http.delete(f"{BASE}/categories/{uuid.uuid4()}", headers=auth(fresh_tenant)).status_code == 404
    assert (
        http.delete(f"{BASE}/categories/{created.json()['id']}", headers=auth(fresh_tenant)).status_code
        == 204
    )


def test_rules_with_a_dry_run_never_overwrite_a_users_category(
    http: TestClient,
    fresh_tenant: Tenant,
    auth: Headers,
    write: Callable[..., list[uuid.UUID]],
    superuser_url: str,
) -> None:
    owner = auth(fresh_tenant)
    codes = _categories(http, owner)
    rows = [VatLine("25.5", "10.00", "2.55", "12.55")]
    day = dt.date(2026, 5, 4)
    neste, chosen, by_id, by_item, other = write(
        fresh_tenant,
        ReceiptSpec(day, "NESTE Kuopio", "12.55", rows),
        ReceiptSpec(day, "Neste Oulu", "12.55", rows, category="edustus", corrected_fields=("category",)),
        ReceiptSpec(day, "Elisa", "12.55", rows, business_id="0116297-6"),
        ReceiptSpec(day, "Kauppa", "12.55", rows, items=("Tulostinpaperi A4",)),
        ReceiptSpec(day, "50%_alennus", "12.55", rows),
    )
    for kind, pattern, code in (
        ("merchant", "neste", "polttoaine"),
        ("business_id", "0116297-6", "puhelin_ja_internet"),
        ("item", "paperi", "toimisto"),
        ("merchant", "%", "edustus"),  # matches a literal percent sign only
    ):
        body = {"category_id": codes[code]["id"], "match_kind": kind, "pattern": pattern}
        assert (
            http.post(f"{BASE}/rules", json=body, headers=auth(fresh_tenant, Role.MEMBER)).status_code == 403
        )
        assert http.post(f"{BASE}/rules", json=body, headers=owner).status_code == 201
    bad = {"category_id": codes["matkat"]["id"], "match_kind": "business_id", "pattern": "1234567-8"}
    assert http.post(f"{BASE}/rules", json=bad, headers=owner).status_code == 422
    unknown = {"category_id": str(uuid.uuid4()), "match_kind": "merchant", "pattern": "x"}
    assert http.post(f"{BASE}/rules", json=unknown, headers=owner).status_code == 422
    assert len(http.get(f"{BASE}/rules", headers=auth(fresh_tenant, Role.VIEWER)).json()["items"]) == 4

    dry = http.post(f"{BASE}/rules/apply", json={"dry_run": True}, headers=owner)
    assert dry.status_code == 200, dry.text
    proposed = {c["receipt_id"]: c["to_category"] for c in dry.json()["changes"]}
    assert proposed == {
        str(neste): "polttoaine",
        str(by_id): "puhelin_ja_internet",
        str(by_item): "toimisto",
        str(other): "edustus",
    }
    assert _category_of(superuser_url, neste) is None  # a dry run changes nothing

    applied = http.post(f"{BASE}/rules/apply", json={"dry_run": False}, headers=owner)
    assert applied.json()["changed"] == 4
    assert _category_of(superuser_url, neste) == "polttoaine"
    assert _category_of(superuser_url, chosen) == "edustus"  # the user's own choice stays
    again = http.post(f"{BASE}/rules/apply", json={"dry_run": False}, headers=owner)
    assert again.json()["changed"] == 0


def test_the_store_step_applies_the_rules(
    http: TestClient,
    fresh_tenant: Tenant,
    auth: Headers,
    write: Callable[..., list[uuid.UUID]],
    superuser_url: str,
) -> None:
    from docflow.db import system_transaction
    from docflow.finance.rules import apply_to_stored_receipt

    owner = auth(fresh_tenant)
    codes = _categories(http, owner)
    body = {"category_id": codes["ohjelmistot"]["id"], "match_kind": "merchant", "pattern": "github"}
    assert http.post(f"{BASE}/rules", json=body, headers=owner).status_code == 201
    (receipt,) = write(fresh_tenant, ReceiptSpec(dt.date(2026, 6, 1), "GitHub Inc", "10.00"))
    with system_transaction("receipts.store") as conn:
        apply_to_stored_receipt(conn, fresh_tenant.id, receipt)
    assert _category_of(superuser_url, receipt) == "ohjelmistot"


def test_a_tenant_has_at_most_max_rules_rules(
    http: TestClient, fresh_tenant: Tenant, auth: Headers, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docflow.finance import rules

    monkeypatch.setattr(rules, "MAX_RULES", 2)
    headers = auth(fresh_tenant, Role.ADMIN)
    category = _categories(http, headers)["tarvikkeet"]["id"]

    def add(pattern: str) -> int:
        body = {"category_id": category, "match_kind": "merchant", "pattern": pattern}
        return http.post(f"{BASE}/rules", json=body, headers=headers).status_code

    assert [add("Tokmanni"), add("Motonet")] == [201, 201]
    assert add("Clas Ohlson") == 422
