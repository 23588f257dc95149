"""``POST /api/v1/ocr``: no database transaction is open while the document is read, and the
tenant's OCR budget and the document's time limit hold."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

from docflow.ocr import OcrDocumentTimeoutError
from docflow.pipeline.budget import reset_budget_settings
from tests.support.demo import DEMO_OY as TENANT_A

pytestmark = pytest.mark.db

Db = Callable[..., Any]

#: Backends of the test database inside a transaction, other than the one asking.
IN_TRANSACTION = """
select count(*) as n from pg_stat_activity
 where datname = current_database() and pid <> pg_backend_pid()
   and (state like 'idle in transaction%%' or (state = 'active' and xact_start is not null))
"""

READING = {"content_type": "image/png", "pages": 1, "text": "", "ocr_confidence": 0.9, "receipt": {}}


@pytest.fixture
def ocr(db: Db, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    from docflow_ocr.handler import app

    db("delete from app_private.ocr_usage")
    db("delete from app_private.rate_limits")
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
    monkeypatch.undo()
    reset_budget_settings()
    db("delete from app_private.ocr_usage")


def _post(ocr: TestClient, headers: dict[str, str], body: bytes) -> Any:
    return ocr.post("/api/v1/ocr", content=body, headers={**headers, "Content-Type": "image/png"})


def test_no_transaction_is_open_while_the_document_is_read(
    ocr: TestClient,
    headers: Callable[..., dict[str, str]],
    receipt_png: bytes,
    db: Db,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[int] = []

    def read(data: bytes, declared: str | None, timeout: float = 30.0) -> dict[str, Any]:
        seen.append(db(IN_TRANSACTION)[0]["n"])
        return READING

    monkeypatch.setattr("docflow_ocr.routes._read", read)
    response = _post(ocr, headers(), receipt_png)
    assert response.status_code == 200, response.text
    assert seen == [0]


def test_the_seconds_read_are_charged_to_the_tenant(
    ocr: TestClient,
    headers: Callable[..., dict[str, str]],
    receipt_png: bytes,
    db: Db,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def read(data: bytes, declared: str | None, timeout: float) -> dict[str, Any]:
        time.sleep(0.3)
        return READING

    monkeypatch.setattr("docflow_ocr.routes._read", read)
    assert _post(ocr, headers(), receipt_png).status_code == 200
    rows = db("select tenant_id, seconds from app_private.ocr_usage")
    assert [row["tenant_id"] for row in rows] == [TENANT_A]
    assert Decimal("0.25") < rows[0]["seconds"] < Decimal("3")


def test_a_tenant_without_ocr_seconds_left_gets_429_and_nothing_is_read(
    ocr: TestClient,
    headers: Callable[..., dict[str, str]],
    receipt_png: bytes,
    db: Db,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OCR_TENANT_BUDGET_SECONDS", "2")
    reset_budget_settings()
    calls: list[float] = []

    def read(data: bytes, declared: str | None, timeout: float) -> dict[str, Any]:
        calls.append(timeout)
        if timeout < 1:
            time.sleep(timeout)
            raise OcrDocumentTimeoutError("too long")
        time.sleep(1.7)
        return READING

    monkeypatch.setattr("docflow_ocr.routes._read", read)
    assert _post(ocr, headers(), receipt_png).status_code == 200  # 1.7 s of the 2
    second = _post(ocr, headers(), receipt_png)  # given what is left (~0.3 s), over it
    assert second.status_code == 429, second.text
    assert calls[1] < 0.5
    third = _post(ocr, headers(), receipt_png)
    assert third.status_code == 429
    assert 1 <= int(third.headers["Retry-After"]) <= 3600
    assert len(calls) == 2  # the third was not read at all


def test_a_document_over_its_time_limit_is_a_422(
    ocr: TestClient,
    headers: Callable[..., dict[str, str]],
    receipt_png: bytes,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OCR_DOCUMENT_TIMEOUT_SECONDS", "0.2")
    reset_budget_settings()

    def read(data: bytes, declared: str | None, timeout: float) -> dict[str, Any]:
        assert timeout == pytest.approx(0.2)
        raise OcrDocumentTimeoutError("too long")

    monkeypatch.setattr("docflow_ocr.routes._read", read)
    response = _post(ocr, headers(), receipt_png)
    assert response.status_code == 422
    assert response.json()["code"] == "ocr_document_timeout"
