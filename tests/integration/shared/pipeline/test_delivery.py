"""At-least-once delivery: duplicates, concurrency, stale events and crashes converge to one result."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from docflow.pipeline.runner import process_record
from docflow.pipeline.steps import STEPS, Context, ReceiptBusy
from tests.support.demo import ESIMERKKI as TENANT_B
from tests.support.paths import REPO_ROOT
from tests.support.receipt_pipeline import (
    FakeScan,
    Uploaded,
    expire_lease,
    final_state,
    next_sequencer,
    record_for,
)

pytestmark = pytest.mark.db


class InjectedCrash(BaseException):
    """The process dies here (not an Exception: nothing in the pipeline may catch it)."""


def test_one_delivery_stores_fields_rows_and_history(
    upload: Callable[..., Uploaded], receipt_png: bytes, fake_scan: FakeScan, db: Callable[..., Any]
) -> None:
    uploaded = upload(receipt_png)
    result = process_record(record_for(uploaded.key))
    assert result.outcome == "processed"
    state = final_state(db, uploaded.receipt_id)
    assert state["status"] == "processed"
    assert state["merchant"] == "K-MARKET TESTI"
    assert state["total"] == state["vat"][0]["gross"]
    assert [str(row["rate"]) for row in state["vat"]] == ["13.50"]
    stored = db("select confidence from public.receipt_vat_rows where receipt_id = %s", uploaded.receipt_id)
    assert [round(row["confidence"], 2) for row in stored] == [0.93]  # the reading's, not a default 1.0
    assert state["fields"]["total"] == {"value": str(state["total"]), "confidence": 0.99}
    assert "040 123 4567" not in state["ocr_text"]  # phone numbers are scrubbed from stored text
    assert state["lease_until"] is None
    history = db(
        "select from_status, to_status, actor from public.receipt_status_history"
        " where receipt_id = %s order by id",
        uploaded.receipt_id,
    )
    assert [(h["from_status"], h["to_status"]) for h in history] == [
        (None, "pending"),
        ("pending", "processing"),
        ("processing", "processed"),
    ]
    assert history[1]["actor"] == "receipts.claim"


def test_five_sequential_deliveries_run_the_engine_once(
    upload: Callable[..., Uploaded], receipt_png: bytes, fake_scan: FakeScan, db: Callable[..., Any]
) -> None:
    uploaded = upload(receipt_png)
    record = record_for(uploaded.key)
    outcomes = [process_record(record).outcome for _ in range(5)]
    assert outcomes == ["processed", "skipped", "skipped", "skipped", "skipped"]
    assert fake_scan.calls == 1
    assert db("select attempts from public.receipts where id = %s", uploaded.receipt_id)[0]["attempts"] == 1


def test_eight_concurrent_deliveries_run_the_engine_once(
    upload: Callable[..., Uploaded], receipt_png: bytes, fake_scan: FakeScan, db: Callable[..., Any]
) -> None:
    uploaded = upload(receipt_png)
    record = record_for(uploaded.key)
    barrier = threading.Barrier(8)
    outcomes: list[str] = []

    def deliver() -> None:
        barrier.wait()
        try:
            outcomes.append(process_record(record).outcome)
        except ReceiptBusy:
            outcomes.append("busy")  # Lambda retries these later

    threads = [threading.Thread(target=deliver) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes.count("processed") == 1
    assert set(outcomes) <= {"processed", "skipped", "busy"}
    assert len(outcomes) == 8
    retries = [process_record(record).outcome for _ in range(outcomes.count("busy"))]
    assert set(retries) <= {"skipped"}
    assert fake_scan.calls == 1
    rows = db("select count(*) as n from public.receipt_vat_rows where receipt_id = %s", uploaded.receipt_id)
    assert rows == [{"n": 1}]


def test_an_older_event_never_overwrites_a_newer_one(
    upload: Callable[..., Uploaded], receipt_png: bytes, fake_scan: FakeScan, db: Callable[..., Any]
) -> None:
    uploaded = upload(receipt_png)
    older, newer = next_sequencer(), next_sequencer()
    assert process_record(record_for(uploaded.key, sequencer=newer)).outcome == "processed"
    db(
        "update public.receipts set status = 'failed', failure_retryable = true where id = %s",
        uploaded.receipt_id,
    )
    assert process_record(record_for(uploaded.key, sequencer=older)).outcome == "skipped"
    assert fake_scan.calls == 1
    assert (
        db("select sequencer from public.receipts where id = %s", uploaded.receipt_id)[0]["sequencer"]
        == newer
    )


def test_a_taken_lease_is_respected_until_it_expires(
    upload: Callable[..., Uploaded], receipt_png: bytes, fake_scan: FakeScan, db: Callable[..., Any]
) -> None:
    uploaded = upload(receipt_png)
    record = record_for(uploaded.key)

    def crash(step: str, ctx: Context) -> None:
        if step == "claim":
            raise InjectedCrash

    with pytest.raises(InjectedCrash):
        process_record(record, after_step=crash)
    with pytest.raises(ReceiptBusy):  # the lease still holds: retried later, never dropped
        process_record(record)
    expire_lease(db, uploaded.receipt_id)
    assert process_record(record).outcome == "processed"


@pytest.mark.parametrize("step", [name for name, _ in STEPS])
def test_a_crash_after_any_step_then_redelivery_converges(
    step: str,
    upload: Callable[..., Uploaded],
    receipt_png: bytes,
    fake_scan: FakeScan,
    db: Callable[..., Any],
) -> None:
    crashed = upload(receipt_png)
    record = record_for(crashed.key)

    def crash(name: str, ctx: Context) -> None:
        if name == step:
            raise InjectedCrash

    with pytest.raises(InjectedCrash):
        process_record(record, after_step=crash)
    expire_lease(db, crashed.receipt_id)
    process_record(record)
    clean = upload(receipt_png, tenant=TENANT_B)  # the same bytes, where they are no duplicate
    process_record(record_for(clean.key))
    assert final_state(db, crashed.receipt_id) == final_state(db, clean.receipt_id)
    assert final_state(db, crashed.receipt_id)["status"] == "processed"


def test_a_transient_error_releases_the_claim_for_the_retry(
    upload: Callable[..., Uploaded],
    receipt_png: bytes,
    fake_scan: FakeScan,
    db: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    uploaded = upload(receipt_png)
    record = record_for(uploaded.key)

    def unavailable(*args: object, **kwargs: object) -> None:
        raise ConnectionError("S3 is having a moment")

    with monkeypatch.context() as patch:
        patch.setattr("docflow.aws.s3.read_object", unavailable)
        with pytest.raises(ConnectionError):
            process_record(record)
    row = db(
        "select status, failure_reason, failure_retryable from public.receipts where id = %s",
        uploaded.receipt_id,
    )
    assert row == [{"status": "failed", "failure_reason": "transient_error", "failure_retryable": True}]
    assert process_record(record).outcome == "processed"


def test_user_corrections_survive_a_new_reading(
    upload: Callable[..., Uploaded], receipt_png: bytes, fake_scan: FakeScan, db: Callable[..., Any]
) -> None:
    uploaded = upload(receipt_png)
    process_record(record_for(uploaded.key))
    db(
        "update public.receipts set merchant = 'K-Market Kallio', corrected_fields = '{merchant}',"
        ' fields = jsonb_set(fields, \'{merchant}\', \'{"value": "K-Market Kallio", "confidence": 1.0}\'),'
        " status = 'pending' where id = %s",
        uploaded.receipt_id,
    )
    assert process_record(record_for(uploaded.key)).outcome == "processed"
    state = final_state(db, uploaded.receipt_id)
    assert state["merchant"] == "K-Market Kallio"
    assert state["fields"]["merchant"]["value"] == "K-Market Kallio"
    assert state["fields"]["total"]["value"] == str(state["total"])
    assert fake_scan.calls == 2


def test_the_ocr_lambda_handler_takes_s3_events(
    upload: Callable[..., Uploaded], receipt_png: bytes, fake_scan: FakeScan
) -> None:
    import json

    from docflow_local.lambda_context import LocalLambdaContext
    from docflow_ocr.handler import handler
    from tests.support.receipt_pipeline import s3_event

    sample = REPO_ROOT / "events" / "ocr" / "s3" / "object-created.json"
    result = handler(json.loads(sample.read_text()), LocalLambdaContext("ocr"))
    assert result == {"results": [{"outcome": "skipped", "reason": "not_claimable"}]}
    uploaded = upload(receipt_png)
    event = s3_event(uploaded.key, sequencer=next_sequencer(), size=len(receipt_png))
    assert handler(event, LocalLambdaContext("ocr")) == {
        "results": [{"outcome": "processed", "reason": None}]
    }
    assert fake_scan.calls == 1
