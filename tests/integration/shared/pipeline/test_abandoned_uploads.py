"""Uploads whose original never reached the bucket are marked failed by the scheduled drain."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from docflow.db import system_transaction
from docflow.pipeline.store import ABANDONED_UPLOAD_SECONDS, UPLOAD_NOT_RECEIVED, fail_abandoned_uploads
from tests.support.demo import ESIMERKKI as TENANT_B
from tests.support.receipt_pipeline import Uploaded, presign

pytestmark = pytest.mark.db

Db = Callable[..., Any]


def _pending(
    client: TestClient, headers: Callable[..., dict[str, str]], tenant: uuid.UUID = TENANT_B
) -> uuid.UUID:
    """A receipt row created by ``POST /uploads`` whose file was never posted."""
    created = presign(client, headers(tenant), filename="kuitti.png", content_type="image/png", size=100)
    return uuid.UUID(created["receipt_id"])


def _age(db: Db, receipt_id: uuid.UUID, seconds: int) -> None:
    db(
        "update public.receipts set created_at = now() - make_interval(secs => %s) where id = %s",
        seconds,
        receipt_id,
    )


def _status(db: Db, receipt_id: uuid.UUID) -> tuple[str, str | None]:
    row = db("select status, failure_reason from public.receipts where id = %s", receipt_id)[0]
    return row["status"], row["failure_reason"]


def _fail_abandoned() -> list[uuid.UUID]:
    with system_transaction("receipts.abandoned_uploads") as conn:
        return fail_abandoned_uploads(conn)


def test_an_upload_never_posted_is_failed_once_its_url_is_long_expired(
    client: TestClient, headers: Callable[..., dict[str, str]], db: Db
) -> None:
    old, recent = _pending(client, headers), _pending(client, headers)
    _age(db, old, ABANDONED_UPLOAD_SECONDS + 60)
    _age(db, recent, ABANDONED_UPLOAD_SECONDS - 60)

    assert old in _fail_abandoned()
    assert _status(db, old) == ("failed", UPLOAD_NOT_RECEIVED)
    assert _status(db, recent) == ("pending", None)
    history = db(
        "select from_status, to_status from public.receipt_status_history where receipt_id = %s order by id",
        old,
    )
    assert history[-1] == {"from_status": "pending", "to_status": "failed"}


def test_an_arrived_a_queued_or_a_deleted_receipt_is_left_alone(
    client: TestClient,
    headers: Callable[..., dict[str, str]],
    upload: Callable[..., Uploaded],
    receipt_png: bytes,
    db: Db,
) -> None:
    claimed = upload(receipt_png + b"claimed", tenant=TENANT_B).receipt_id
    db("update public.receipts set sequencer = '0A' where id = %s", claimed)
    queued = _pending(client, headers)
    db(
        "insert into app_private.receipt_jobs (receipt_id, tenant_id, bucket, object_key, sequencer)"
        " select id, tenant_id, 'docflow-receipts-local', object_key, '0B'"
        " from public.receipts where id = %s",
        queued,
    )
    deleted = _pending(client, headers)
    db("update public.receipts set deleted_at = now() where id = %s", deleted)
    for receipt_id in (claimed, queued, deleted):
        _age(db, receipt_id, ABANDONED_UPLOAD_SECONDS * 2)
    try:
        failed = _fail_abandoned()
    finally:
        db("delete from app_private.receipt_jobs where receipt_id = %s", queued)
    assert not {claimed, queued, deleted} & set(failed)
    assert _status(db, queued) == ("pending", None)
    assert _status(db, deleted)[0] == "pending"


def test_a_reprocess_request_for_an_original_that_never_arrived_expires_too(
    client: TestClient, headers: Callable[..., dict[str, str]], db: Db
) -> None:
    receipt_id = _pending(client, headers)
    _age(db, receipt_id, ABANDONED_UPLOAD_SECONDS * 3)
    db(
        "update public.receipts set reprocess_requested_at = now() - make_interval(secs => 60) where id = %s",
        receipt_id,
    )
    assert receipt_id not in _fail_abandoned()
    db(
        "update public.receipts set reprocess_requested_at = now() - make_interval(secs => %s) where id = %s",
        ABANDONED_UPLOAD_SECONDS + 60,
        receipt_id,
    )
    assert receipt_id in _fail_abandoned()


def test_the_scheduled_drain_fails_abandoned_uploads(
    client: TestClient, headers: Callable[..., dict[str, str]], db: Db
) -> None:
    from docflow_local.lambda_context import LocalLambdaContext
    from docflow_ocr.handler import handler

    receipt_id = _pending(client, headers)
    _age(db, receipt_id, ABANDONED_UPLOAD_SECONDS + 60)
    result = handler({"docflow_job": "receipts.drain"}, LocalLambdaContext("ocr"))
    assert result["abandoned_uploads"] >= 1
    assert _status(db, receipt_id) == ("failed", UPLOAD_NOT_RECEIVED)


def test_one_call_fails_at_most_its_batch_oldest_first(
    client: TestClient, headers: Callable[..., dict[str, str]], db: Db
) -> None:
    older, newer = _pending(client, headers), _pending(client, headers)
    _age(db, older, ABANDONED_UPLOAD_SECONDS * 4)
    _age(db, newer, ABANDONED_UPLOAD_SECONDS * 2)
    db(  # earlier tests' leftovers must not take the one place
        "update public.receipts set deleted_at = now() where status = 'pending' and sequencer is null"
        " and id <> all(%s)",
        [older, newer],
    )
    with system_transaction("receipts.abandoned_uploads") as conn:
        assert fail_abandoned_uploads(conn, limit=1) == [older]
    assert _status(db, newer) == ("pending", None)
    assert _fail_abandoned() == [newer]
