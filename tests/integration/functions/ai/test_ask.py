"""Questions about the books: the model picks the query and period, the figures come from the finance
queries under the caller's row level security."""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest
from fastapi.testclient import TestClient

from docflow.tenancy import Role
from docflow_local.fake_openai import FakeOpenAI
from docflow_local.finance_data import ReceiptSpec, VatLine, insert_receipts
from tests.support.tenants import Headers, Tenant, create_tenant


@pytest.fixture
def books(superuser_url: str, tenant: Tenant) -> Tenant:
    """2026-Q3: fuel 125.50 (25.50 VAT) and a business lunch (not deductible); October: fuel 62.75."""
    specs = [
        ReceiptSpec(
            dt.date(2026, 7, 3),
            "Neste Kilo",
            "125.50",
            [VatLine("25.5", "100.00", "25.50", "125.50")],
            category="polttoaine",
        ),
        ReceiptSpec(
            dt.date(2026, 8, 9),
            "Ravintola Juhla",
            "50.20",
            [VatLine("25.5", "40.00", "10.20", "50.20")],
            category="edustus",
        ),
        ReceiptSpec(
            dt.date(2026, 10, 2),
            "Neste Kilo",
            "62.75",
            [VatLine("25.5", "50.00", "12.75", "62.75")],
            category="polttoaine",
        ),
        ReceiptSpec(
            dt.date(2026, 10, 5),
            "Tukku Oy",
            "22.70",
            [VatLine("13.5", "20.00", "2.70", "22.70")],
            category="tarvikkeet",
        ),
    ]
    with psycopg.connect(superuser_url) as conn:
        insert_receipts(conn, tenant.id, specs)
    return tenant


def ask(
    http: TestClient, auth: Headers, tenant: Tenant, question: str, role: Role = Role.VIEWER
) -> dict[str, object]:
    response = http.post("/api/v1/ai/ask", json={"question": question}, headers=auth(tenant, role))
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> None:
    import docflow_ai.routes

    monkeypatch.setattr(docflow_ai.routes, "_today", lambda: dt.date(2026, 12, 7))


def test_deductible_vat_of_a_quarter_in_finnish(
    http: TestClient, auth: Headers, books: Tenant, model: FakeOpenAI, today: None
) -> None:
    body = ask(http, auth, books, "paljonko ALV:ta voin vähentää Q3:lta?")
    assert body["intent"] == "deductible_vat"
    assert body["period"] == {"label": "2026-Q3", "start": "2026-07-01", "end": "2026-09-30"}
    request = model.requests[-1]
    assert [tool["function"]["name"] for tool in request["tools"]] == ["deductible_vat", "expenses"]
    assert all(tool["function"]["strict"] for tool in request["tools"])
    figures = body["figures"]
    assert isinstance(figures, dict)
    assert figures["deductible_vat"] == "25.50"  # the lunch is entertainment: not deductible
    assert figures["non_deductible_vat"] == "10.20"
    assert body["answer"] == "Vähennettävää arvonlisäveroa kaudella 2026-Q3: 25,50 € (1 kuittia)."


def test_fuel_in_october_in_english(
    http: TestClient, auth: Headers, books: Tenant, model: FakeOpenAI, today: None
) -> None:
    body = ask(http, auth, books, "What did we spend on fuel in October?")
    assert (body["intent"], body["category"]) == ("expenses", "polttoaine")
    assert body["figures"] == {"total": "62.75", "receipts": 1, "category": "polttoaine"}
    assert "62.75" in str(body["answer"])


def test_the_model_never_gives_the_figures(
    http: TestClient, auth: Headers, books: Tenant, model: FakeOpenAI, today: None
) -> None:
    model.reply_next('expenses {"period": "2026-10", "category": null, "language": "sv", "total": "999999"}')
    body = ask(http, auth, books, "Hur mycket?")
    assert body["figures"] == {"total": "85.45", "receipts": 2}
    assert "999" not in str(body)


@pytest.mark.parametrize(
    "reply",
    [
        'drop_table {"period": "2026", "category": null, "language": "en"}',
        'expenses {"period": "2026-13", "category": null, "language": "en"}',
        'expenses {"period": "2026", "category": "yacht", "language": "en"}',
        "expenses not json",
    ],
)
def test_nonsense_is_502(
    http: TestClient, auth: Headers, books: Tenant, model: FakeOpenAI, reply: str
) -> None:
    model.reply_next(reply)
    response = http.post("/api/v1/ai/ask", json={"question": "x"}, headers=auth(books))
    assert response.status_code == 502
    assert response.headers["content-type"] == "application/problem+json"


def test_figures_are_the_caller_s_tenant_only(
    http: TestClient, auth: Headers, books: Tenant, *, superuser_url: str, model: FakeOpenAI, today: None
) -> None:
    other = create_tenant(superuser_url)
    body = ask(http, auth, other, "paljonko ALV:ta voin vähentää Q3:lta?", Role.OWNER)
    assert body["figures"]["deductible_vat"] == "0.00"  # type: ignore[index]


def test_question_limits(http: TestClient, auth: Headers, books: Tenant, model: FakeOpenAI) -> None:
    for question in ("", "x" * 501, "a\u0000b"):
        response = http.post("/api/v1/ai/ask", json={"question": question}, headers=auth(books))
        assert response.status_code == 422
    assert model.requests == []


def test_personal_data_in_the_question_is_scrubbed(
    http: TestClient, auth: Headers, books: Tenant, model: FakeOpenAI, today: None
) -> None:
    ask(http, auth, books, "what did we spend in October? mail me at pekka@example.fi")
    assert "pekka@example.fi" not in str(model.requests[-1])
