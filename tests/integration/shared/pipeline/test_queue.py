"""The receipt queue: jobs are claimed round-robin by tenant, never more than the cap of one tenant
in flight, newer records replace older ones, and failed or abandoned jobs converge."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from docflow.db import system_transaction
from docflow.pipeline import queue
from docflow.pipeline.budget import reset_budget_settings
from tests.support.demo import DEMO_OY as TENANT_A
from tests.support.demo import ESIMERKKI as TENANT_B
from tests.support.receipt_pipeline import FakeScan, Uploaded, final_state, next_sequencer, record_for

pytestmark = pytest.mark.db

Db = Callable[..., Any]


@pytest.fixture
def empty_queue(db: Db, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    db("delete from app_private.receipt_jobs")
    db("delete from app_private.receipt_job_turns")
    db("delete from app_private.ocr_usage")
    yield
    monkeypatch.undo()
    reset_budget_settings()
    db("delete from app_private.receipt_jobs")
    db("delete from app_private.receipt_job_turns")


def _queue(upload: Callable[..., Uploaded], data: bytes, tenant: uuid.UUID, n: int) -> list[Uploaded]:
    """``n`` uploads of ``tenant``, each with bytes of its own: the fake reading's total follows the
    bytes, so receipts of other tests never make one of these a duplicate."""
    uploads = []
    for _ in range(n):
        uploaded = upload(data + uuid.uuid4().bytes, tenant=tenant)
        assert queue.enqueue([record_for(uploaded.key)]) == []
        uploads.append(uploaded)
    return uploads


def _claim(cap: int = 10) -> queue.Job | None:
    with system_transaction("receipts.queue") as conn:
        return queue.claim_next(conn, max_in_flight=cap, lease_seconds=90)


def _finish(job: queue.Job) -> None:
    with system_transaction("receipts.queue") as conn:
        queue.finish(conn, job)


@pytest.mark.usefixtures("empty_queue")
def test_claims_go_round_robin_between_tenants(upload: Callable[..., Uploaded], receipt_png: bytes) -> None:
    a = _queue(upload, receipt_png, TENANT_A, 4)
    b = _queue(upload, receipt_png, TENANT_B, 2)
    order = []
    while (job := _claim()) is not None:
        order.append(job.receipt_id)
        _finish(job)
    ids_a, ids_b = [u.receipt_id for u in a], [u.receipt_id for u in b]
    assert order == [ids_a[0], ids_b[0], ids_a[1], ids_b[1], ids_a[2], ids_a[3]]


@pytest.mark.usefixtures("empty_queue")
def test_one_tenant_never_has_more_than_the_cap_in_flight(
    upload: Callable[..., Uploaded], receipt_png: bytes
) -> None:
    _queue(upload, receipt_png, TENANT_A, 5)
    first, second = _claim(cap=2), _claim(cap=2)
    assert first is not None
    assert second is not None
    assert _claim(cap=2) is None  # A is at its cap; its other jobs wait
    (b,) = _queue(upload, receipt_png, TENANT_B, 1)
    other = _claim(cap=2)
    assert other is not None
    assert other.receipt_id == b.receipt_id
    _finish(first)
    third = _claim(cap=2)
    assert third is not None
    assert third.tenant_id == TENANT_A


@pytest.mark.usefixtures("empty_queue")
def test_a_newer_record_replaces_the_queued_one_and_survives_the_older_run(
    upload: Callable[..., Uploaded], receipt_png: bytes, db: Db
) -> None:
    (uploaded,) = _queue(upload, receipt_png, TENANT_A, 1)
    running = _claim()
    assert running is not None
    newer = record_for(uploaded.key, sequencer=next_sequencer())
    queue.enqueue([newer])
    queue.enqueue([record_for(uploaded.key, sequencer="01")])  # an older, late record changes nothing
    _finish(running)  # the older run ends: the newer record stays, free to claim
    again = _claim()
    assert again is not None
    assert again.record.sequencer == newer.sequencer


@pytest.mark.usefixtures("empty_queue")
def test_records_of_unknown_receipts_are_not_queued(s3_bucket: str) -> None:
    stray = record_for(f"incoming/{TENANT_A}/{uuid.uuid4()}/kuitti.png")
    assert queue.enqueue([stray]) == [stray]
    assert _claim() is None


@pytest.mark.usefixtures("empty_queue")
def test_drain_processes_every_job_fairly(
    upload: Callable[..., Uploaded], receipt_png: bytes, fake_scan: FakeScan, db: Db
) -> None:
    a = _queue(upload, receipt_png, TENANT_A, 3)
    (b,) = _queue(upload, receipt_png, TENANT_B, 1)
    results = queue.drain()
    assert [r.outcome for r in results] == ["processed"] * 4
    assert results[1].key == b.key  # B's one receipt went second, not after all of A's
    assert {final_state(db, u.receipt_id)["status"] for u in [*a, b]} == {"processed"}
    assert db("select count(*) as n from app_private.receipt_jobs") == [{"n": 0}]


@pytest.mark.usefixtures("empty_queue")
def test_a_transient_failure_waits_and_is_dropped_after_the_last_attempt(
    upload: Callable[..., Uploaded], receipt_png: bytes, monkeypatch: pytest.MonkeyPatch, db: Db
) -> None:
    monkeypatch.setenv("RECEIPTS_QUEUE_MAX_ATTEMPTS", "2")
    reset_budget_settings()

    def broken(*_: Any, **__: Any) -> Any:
        raise ConnectionError("engine gone")

    monkeypatch.setattr("docflow.pipeline.steps.scan_bytes", broken)
    (uploaded,) = _queue(upload, receipt_png, TENANT_A, 1)
    with pytest.raises(ConnectionError):
        queue.drain()
    assert queue.drain() == []  # waiting out its delay
    db("update app_private.receipt_jobs set not_before = now()")
    with pytest.raises(ConnectionError):
        queue.drain()
    assert db("select count(*) as n from app_private.receipt_jobs") == [{"n": 0}]
    state = final_state(db, uploaded.receipt_id)
    assert (state["status"], state["failure_reason"]) == ("failed", "transient_error")


@pytest.mark.usefixtures("empty_queue")
def test_a_job_whose_worker_died_is_taken_again_after_its_lease(
    upload: Callable[..., Uploaded], receipt_png: bytes, fake_scan: FakeScan, db: Db
) -> None:
    (uploaded,) = _queue(upload, receipt_png, TENANT_A, 1)
    assert _claim() is not None  # the worker dies here
    assert queue.drain() == []  # still leased
    db("update app_private.receipt_jobs set lease_until = now() - interval '1 second'")
    assert [r.outcome for r in queue.drain()] == ["processed"]
    assert final_state(db, uploaded.receipt_id)["status"] == "processed"


def test_the_scheduled_drain_event_reaches_the_queue(
    upload: Callable[..., Uploaded], receipt_png: bytes, fake_scan: FakeScan, empty_queue: None
) -> None:
    from docflow_local.lambda_context import LocalLambdaContext
    from docflow_ocr.handler import handler

    _queue(upload, receipt_png, TENANT_B, 1)
    result = handler({"docflow_job": "receipts.drain"}, LocalLambdaContext("ocr"))
    assert result["results"] == [{"outcome": "processed", "reason": None}]
