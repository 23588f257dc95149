"""OCR budgets in S3 processing: a document over its time limit and a tenant over its OCR seconds
end ``failed`` with a clear reason and nothing of a reading written; the seconds are charged."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest

from docflow.ocr import OcrDocumentTimeoutError, OcrLimits
from docflow.pipeline.budget import reset_budget_settings
from docflow.pipeline.runner import process_record
from tests.support.demo import DEMO_OY as TENANT_A
from tests.support.receipt_pipeline import Uploaded, final_state, fixed_reading, record_for

pytestmark = pytest.mark.db

Db = Callable[..., Any]


class TimedScan:
    """A stand-in engine taking ``seconds``; past the limit it was given it times out as the engine does."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.limits: list[OcrLimits] = []

    def __call__(self, data: bytes, *, limits: OcrLimits | None = None, **_: Any) -> Any:
        assert limits is not None
        self.limits.append(limits)
        if self.seconds > limits.document_timeout_seconds:
            time.sleep(limits.document_timeout_seconds)
            raise OcrDocumentTimeoutError("too long")
        time.sleep(self.seconds)
        return fixed_reading(data)


@pytest.fixture
def budget(monkeypatch: pytest.MonkeyPatch, db: Db) -> Iterator[Callable[..., None]]:
    """``budget(NAME=value, ...)``: budget settings for this test; the tenants' usage starts empty."""

    def apply(**values: float) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name, str(value))
        reset_budget_settings()

    db("delete from app_private.ocr_usage")
    yield apply
    monkeypatch.undo()
    reset_budget_settings()
    db("delete from app_private.ocr_usage")


def _scan(monkeypatch: pytest.MonkeyPatch, seconds: float) -> TimedScan:
    scan = TimedScan(seconds)
    monkeypatch.setattr("docflow.pipeline.steps.scan_bytes", scan)
    return scan


def _spent(db: Db, tenant: uuid.UUID) -> Decimal:
    rows = db("select coalesce(sum(seconds), 0) as s from app_private.ocr_usage where tenant_id = %s", tenant)
    return Decimal(rows[0]["s"])


def _nothing_read(db: Db, receipt_id: uuid.UUID) -> dict[str, Any]:
    state = final_state(db, receipt_id)
    assert state["vat"] == []
    assert state["items"] == []
    assert state["ocr_text"] is None
    assert state["total"] is None
    assert state["merchant"] is None
    assert state["lease_until"] is None
    return state


def test_a_document_over_its_time_limit_fails_with_nothing_written(
    upload: Callable[..., Uploaded],
    receipt_png: bytes,
    db: Db,
    budget: Callable[..., None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    budget(OCR_DOCUMENT_TIMEOUT_SECONDS=0.4)
    scan = _scan(monkeypatch, 3.0)
    uploaded = upload(receipt_png)
    result = process_record(record_for(uploaded.key))
    assert (result.outcome, result.reason) == ("failed", "ocr_document_timeout")
    assert scan.limits[0].document_timeout_seconds == pytest.approx(0.4)
    state = _nothing_read(db, uploaded.receipt_id)
    assert (state["status"], state["failure_reason"]) == ("failed", "ocr_document_timeout")
    assert Decimal("0.3") < _spent(db, TENANT_A) < Decimal("2")  # the seconds it took are charged


def test_a_tenant_over_its_budget_is_not_read_and_can_be_read_later(
    upload: Callable[..., Uploaded],
    receipt_png: bytes,
    db: Db,
    budget: Callable[..., None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    budget(OCR_TENANT_BUDGET_SECONDS=5)
    scan = _scan(monkeypatch, 0.01)
    db(
        "insert into app_private.ocr_usage (tenant_id, window_start, seconds)"
        " values (%s, to_timestamp(floor(extract(epoch from now()) / 3600) * 3600), 5)",
        TENANT_A,
    )
    uploaded = upload(receipt_png)
    result = process_record(record_for(uploaded.key))
    assert (result.outcome, result.reason) == ("failed", "ocr_budget_exhausted")
    assert scan.limits == []  # the engine never ran
    state = _nothing_read(db, uploaded.receipt_id)
    assert state["failure_reason"] == "ocr_budget_exhausted"
    assert db("select failure_retryable from public.receipts where id = %s", uploaded.receipt_id) == [
        {"failure_retryable": True}
    ]
    # another tenant's budget is its own; once the window has passed, the receipt is read
    db("delete from app_private.ocr_usage")
    assert process_record(record_for(uploaded.key)).outcome == "processed"


def test_the_budget_left_bounds_the_document_and_ends_it_as_budget_exhausted(
    upload: Callable[..., Uploaded],
    receipt_png: bytes,
    db: Db,
    budget: Callable[..., None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    budget(OCR_TENANT_BUDGET_SECONDS=10, OCR_DOCUMENT_TIMEOUT_SECONDS=60)
    scan = _scan(monkeypatch, 5.0)
    db(
        "insert into app_private.ocr_usage (tenant_id, window_start, seconds)"
        " values (%s, to_timestamp(floor(extract(epoch from now()) / 3600) * 3600), 9.6)",
        TENANT_A,
    )
    uploaded = upload(receipt_png)
    result = process_record(record_for(uploaded.key))
    assert (result.outcome, result.reason) == ("failed", "ocr_budget_exhausted")
    assert scan.limits[0].document_timeout_seconds == pytest.approx(0.4)
    _nothing_read(db, uploaded.receipt_id)
    assert _spent(db, TENANT_A) >= Decimal("9.9")


def test_a_reading_charges_its_seconds_to_its_tenant(
    upload: Callable[..., Uploaded],
    receipt_png: bytes,
    db: Db,
    budget: Callable[..., None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    budget()
    _scan(monkeypatch, 0.2)
    uploaded = upload(receipt_png)
    assert process_record(record_for(uploaded.key)).outcome == "processed"
    assert Decimal("0.15") < _spent(db, TENANT_A) < Decimal("2")
    rows = db("select tenant_id from app_private.ocr_usage")
    assert {row["tenant_id"] for row in rows} == {TENANT_A}
