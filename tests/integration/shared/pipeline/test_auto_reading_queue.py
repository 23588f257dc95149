"""Processing queues a hard receipt for the automatic second reading after its commit, only for a
tenant with the setting on, and never for a reading that was not stored."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from docflow.ai.auto import reset_auto_settings
from docflow.config import reset_settings
from docflow.pipeline.runner import process_record
from tests.support.demo import DEMO_OY as TENANT_A
from tests.support.receipt_pipeline import Uploaded, record_for

pytestmark = pytest.mark.db

Db = Callable[..., Any]


@pytest.fixture
def reading_queue(
    s3_bucket: str, monkeypatch: pytest.MonkeyPatch, db: Db
) -> Iterator[Callable[[], list[Any]]]:
    """An SQS queue (moto) named in ``AI_READING_QUEUE_URL``; the function returns its messages."""
    import uuid

    from docflow.aws import sqs_client

    url = sqs_client().create_queue(QueueName=f"ai-reading-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    monkeypatch.setenv("AI_READING_QUEUE_URL", url)
    reset_auto_settings()

    def messages() -> list[Any]:
        got = sqs_client().receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
        return [json.loads(m["Body"]) for m in got.get("Messages", [])]

    yield messages
    monkeypatch.undo()
    reset_auto_settings()
    reset_settings()
    db("update public.tenants set ai_auto_second_reading = false where id = %s", TENANT_A)


def _wants(db: Db, on: bool) -> None:
    db("update public.tenants set ai_auto_second_reading = %s where id = %s", on, TENANT_A)


def _all_need_review(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECEIPTS_REVIEW_CONFIDENCE", "1")
    reset_settings()


@pytest.mark.usefixtures("fake_scan")
def test_a_hard_receipt_is_queued_once_stored(
    upload: Callable[..., Uploaded],
    receipt_png: bytes,
    db: Db,
    reading_queue: Callable[[], list[Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _wants(db, True)
    _all_need_review(monkeypatch)
    uploaded = upload(receipt_png)
    assert process_record(record_for(uploaded.key)).outcome == "needs_review"
    assert reading_queue() == [{"tenant_id": str(TENANT_A), "receipt_id": str(uploaded.receipt_id)}]


@pytest.mark.usefixtures("fake_scan")
def test_nothing_is_queued_for_a_tenant_without_the_setting(
    upload: Callable[..., Uploaded],
    receipt_png: bytes,
    db: Db,
    reading_queue: Callable[[], list[Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _all_need_review(monkeypatch)
    uploaded = upload(receipt_png)
    assert process_record(record_for(uploaded.key)).outcome == "needs_review"
    assert reading_queue() == []


@pytest.mark.usefixtures("fake_scan")
def test_a_confident_reading_is_not_queued(
    upload: Callable[..., Uploaded],
    receipt_png: bytes,
    db: Db,
    reading_queue: Callable[[], list[Any]],
) -> None:
    _wants(db, True)
    uploaded = upload(receipt_png)
    assert process_record(record_for(uploaded.key)).outcome == "processed"
    assert reading_queue() == []


@pytest.mark.usefixtures("fake_scan")
def test_a_reading_that_rolled_back_queues_nothing(
    upload: Callable[..., Uploaded],
    receipt_png: bytes,
    db: Db,
    reading_queue: Callable[[], list[Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _wants(db, True)
    _all_need_review(monkeypatch)

    def broken(*_: Any) -> None:
        raise RuntimeError("categorising failed")

    monkeypatch.setattr("docflow.finance.rules.apply_to_stored_receipt", broken)
    uploaded = upload(receipt_png)
    with pytest.raises(RuntimeError):
        process_record(record_for(uploaded.key))
    assert reading_queue() == []
    assert (
        db("select status from public.receipts where id = %s", uploaded.receipt_id)[0]["status"] == "failed"
    )
