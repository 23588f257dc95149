"""The public contact form: validation, tenant from the form key, honeypot, de-duplication, PII."""

from __future__ import annotations

import logging
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from tests.support.leads import FORM_A, FORM_B, TENANT_A, TENANT_B, submission

pytestmark = pytest.mark.db


def _leads(superuser_url: str, tenant: object) -> list[dict[str, Any]]:
    with psycopg.connect(superuser_url, row_factory=psycopg.rows.dict_row) as conn:
        return conn.execute(
            "select * from public.leads where tenant_id = %s order by created_at", (tenant,)
        ).fetchall()


def test_a_valid_submission_is_stored_for_the_forms_tenant(public: TestClient, superuser_url: str) -> None:
    response = public.post("/api/leads", json=submission())
    assert response.status_code == 202
    assert response.json() == {"status": "received"}
    rows = _leads(superuser_url, TENANT_A)
    assert len(rows) == 1
    lead = rows[0]
    assert (lead["name"], lead["email"], lead["status"]) == ("Maija Meikäläinen", "maija@example.fi", "new")
    assert lead["consent_at"] is not None
    assert _leads(superuser_url, TENANT_B) == []


def test_the_tenant_comes_only_from_the_form_key(public: TestClient, superuser_url: str) -> None:
    response = public.post(
        "/api/leads",
        json=submission(form_key=str(FORM_B)),
        headers={"X-Form-Key": str(FORM_A), "X-Tenant-Id": str(TENANT_A)},
    )
    assert response.status_code == 202
    assert len(_leads(superuser_url, TENANT_B)) == 1
    assert _leads(superuser_url, TENANT_A) == []


def test_missing_or_unknown_form_keys_are_rejected(public: TestClient, superuser_url: str) -> None:
    missing = public.post("/api/leads", json=submission(form_key=None), headers={"X-Form-Key": str(FORM_A)})
    unknown = public.post("/api/leads", json=submission(form_key="00000000-0000-4000-8000-000000000000"))
    malformed = public.post("/api/leads", json=submission(form_key="not-a-key"))
    assert (missing.status_code, unknown.status_code, malformed.status_code) == (422, 404, 422)
    assert _leads(superuser_url, TENANT_A) == _leads(superuser_url, TENANT_B) == []


def test_an_inactive_form_takes_nothing(public: TestClient, superuser_url: str) -> None:
    with psycopg.connect(superuser_url) as conn:
        conn.execute("update public.lead_forms set active = false where key = %s", (FORM_A,))
    try:
        assert public.post("/api/leads", json=submission()).status_code == 404
    finally:
        with psycopg.connect(superuser_url) as conn:
            conn.execute("update public.lead_forms set active = true where key = %s", (FORM_A,))
    assert _leads(superuser_url, TENANT_A) == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("consent", False),
        ("email", "not-an-email"),
        ("email", "a@b"),
        ("name", ""),
        ("name", "   "),
        ("message", " \n "),
        ("email", "a..b@example.fi"),
        ("email", " maija@example.fi"),
        ("phone", "+358"),
        ("consent", "yes"),
        ("name", "x" * 201),
        ("message", ""),
        ("message", "x" * 5001),
        ("phone", "call me maybe"),
        ("tenant_id", str(TENANT_B)),
        ("status", "won"),
        ("created_at", "2020-01-01T00:00:00Z"),
        ("owner_id", str(TENANT_B)),
    ],
)
def test_invalid_or_extra_fields_are_422_and_store_nothing(
    public: TestClient, superuser_url: str, field: str, value: Any
) -> None:
    response = public.post("/api/leads", json=submission(**{field: value}))
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    if isinstance(value, str) and len(value) > 3:
        assert value not in response.text  # the rejected input is never echoed
    assert _leads(superuser_url, TENANT_A) == _leads(superuser_url, TENANT_B) == []


def test_consent_must_be_given(public: TestClient) -> None:
    body = submission()
    del body["consent"]
    assert public.post("/api/leads", json=body).status_code == 422


def test_surrounding_space_is_trimmed_and_blank_optionals_are_null(
    public: TestClient, superuser_url: str
) -> None:
    body = submission(name="  Maija  ", company="   ", phone="", message=" Hei! ", email="maija@EXAMPLE.FI")
    assert public.post("/api/leads", json=body).status_code == 202
    [lead] = _leads(superuser_url, TENANT_A)
    assert (lead["name"], lead["company"], lead["phone"], lead["message"]) == ("Maija", None, None, "Hei!")
    assert lead["email"] == "maija@example.fi"


def test_a_message_of_exactly_5000_characters_is_accepted(public: TestClient, superuser_url: str) -> None:
    assert public.post("/api/leads", json=submission(message="y" * 5000)).status_code == 202
    assert len(_leads(superuser_url, TENANT_A)[0]["message"]) == 5000


def test_the_honeypot_answers_like_success_and_stores_nothing(public: TestClient, superuser_url: str) -> None:
    response = public.post("/api/leads", json=submission(website="http://spam.example"))
    assert response.status_code == 202
    assert response.json() == {"status": "received"}
    assert _leads(superuser_url, TENANT_A) == []
    with psycopg.connect(superuser_url) as conn:
        assert conn.execute("select count(*) from app_private.rate_limits").fetchone() == (0,)


def test_repeats_are_silently_deduplicated(public: TestClient, superuser_url: str) -> None:
    first = public.post("/api/leads", json=submission())
    again = public.post(
        "/api/leads",
        json=submission(email="MAIJA@example.fi", message="  tarvitsemme kirjanpitäjän   kuitteja varten. "),
    )
    other = public.post("/api/leads", json=submission(message="Toinen asia"))
    assert first.status_code == again.status_code == other.status_code == 202
    assert first.json() == again.json()
    assert [row["message"] for row in _leads(superuser_url, TENANT_A)] == [
        "Tarvitsemme kirjanpitäjän kuitteja varten.",
        "Toinen asia",
    ]


def test_a_repeat_after_the_dedup_window_is_a_new_lead(public: TestClient, superuser_url: str) -> None:
    assert public.post("/api/leads", json=submission()).status_code == 202
    with psycopg.connect(superuser_url) as conn:
        conn.execute("update public.leads set created_at = now() - interval '25 hours'")
    assert public.post("/api/leads", json=submission()).status_code == 202
    assert len(_leads(superuser_url, TENANT_A)) == 2


def test_the_same_sender_may_write_to_two_tenants(public: TestClient, superuser_url: str) -> None:
    assert public.post("/api/leads", json=submission()).status_code == 202
    assert public.post("/api/leads", json=submission(form_key=str(FORM_B))).status_code == 202
    assert len(_leads(superuser_url, TENANT_A)) == len(_leads(superuser_url, TENANT_B)) == 1


def test_no_personal_data_reaches_the_logs_and_capture_is_audited(
    public: TestClient,
    superuser_url: str,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    capsys.readouterr()
    response = public.post("/api/leads", json=submission())
    assert response.status_code == 202
    public.post("/api/leads", json=submission())  # a repeat
    public.post("/api/leads", json=submission(website="x"))  # a bot
    out = capsys.readouterr()
    text = out.out + out.err + caplog.text + "".join(str(record.__dict__) for record in caplog.records)
    assert "lead captured" in text
    assert "lead submission repeated" in text
    for value in ("maija@example.fi", "Meikäläinen", "123 4567", "203.0.113.10", "kirjanpitäjän"):
        assert value not in text
    lead_id = str(_leads(superuser_url, TENANT_A)[0]["id"])
    with psycopg.connect(superuser_url) as conn:
        audit = conn.execute(
            "select action, target_id, details::text from public.audit_log where target_id = %s", (lead_id,)
        ).fetchall()
    assert [row[0] for row in audit] == ["lead.captured"]
    assert "maija" not in audit[0][2]


def test_capture_emits_the_business_metrics(public: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from docflow import metrics

    emitted: list[str] = []

    class Recorder:
        def add_metric(self, *, name: str, unit: str, value: float) -> None:
            emitted.append(name)

    monkeypatch.setattr(metrics, "get_metrics", Recorder)
    public.post("/api/leads", json=submission())
    public.post("/api/leads", json=submission())
    public.post("/api/leads", json=submission(website="bot"))
    assert emitted == ["LeadsCaptured", "LeadSubmissionsRejected", "LeadSubmissionsRejected"]


def test_concurrent_repeats_store_one_lead(leads_app: Any, superuser_url: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def send(i: int) -> int:
        with TestClient(leads_app, raise_server_exceptions=False, client=(f"192.0.2.{i}", 1)) as client:
            return client.post("/api/leads", json=submission()).status_code

    with ThreadPoolExecutor(max_workers=3) as pool:
        statuses = list(pool.map(send, range(3)))
    assert statuses == [202, 202, 202]
    assert len(_leads(superuser_url, TENANT_A)) == 1
