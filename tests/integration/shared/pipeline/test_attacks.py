"""The upload attack corpus: every hostile original ends ``failed`` (or is ignored) and none of them
reaches the OCR engine unless only decoding can tell (bombs are stopped at their header)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from docflow.pipeline.runner import process_record
from tests.support.demo import ESIMERKKI as TENANT_B
from tests.support.ocr_corpus import encode, gif_with_frame, pdf_flate_bomb, png_header_only, text_image
from tests.support.receipt_pipeline import FakeScan, Uploaded, record_for

pytestmark = pytest.mark.db

Db = Callable[..., Any]


def _status(db: Db, receipt_id: uuid.UUID) -> tuple[str, str | None]:
    row = db("select status, failure_reason from public.receipts where id = %s", receipt_id)[0]
    return row["status"], row["failure_reason"]


@pytest.mark.parametrize(
    ("data", "filename", "content_type", "reason"),
    [
        (b"<html><body><script>alert(1)</script></body></html>", "kuitti.png", "image/png", "type_mismatch"),
        (encode(text_image(), "PNG") + b"%PDF-1.7\n1 0 obj\n", "kuitti.png", "image/png", "polyglot_file"),
        (
            encode(text_image(), "PNG") + b"<svg xmlns='http://www.w3.org/2000/svg'>",
            "kuitti.png",
            "image/png",
            "polyglot_file",
        ),
        (encode(text_image(), "JPEG"), "kuitti.png", "image/png", "type_mismatch"),
    ],
    ids=["html-as-png", "png-pdf-polyglot", "png-svg-polyglot", "jpeg-as-png"],
)
def test_spoofed_and_polyglot_files_fail_before_decoding(
    *,
    upload: Callable[..., Uploaded],
    fake_scan: FakeScan,
    db: Db,
    data: bytes,
    filename: str,
    content_type: str,
    reason: str,
) -> None:
    uploaded = upload(data, filename=filename, content_type=content_type)
    assert process_record(record_for(uploaded.key)).outcome == "failed"
    assert _status(db, uploaded.receipt_id) == ("failed", reason)
    assert fake_scan.calls == 0


@pytest.mark.parametrize(
    ("data", "filename", "content_type"),
    [
        (png_header_only(100_000, 100_000), "bomb.png", "image/png"),
        (png_header_only(14_000, 14_000), "bomb196.png", "image/png"),
        (gif_with_frame((100, 100), (30_000, 30_000)), "bomb.gif", "image/gif"),
        (pdf_flate_bomb(300 * 1024 * 1024), "bomb.pdf", "application/pdf"),
    ],
    ids=["png-10gp", "png-196mp", "gif-frame", "pdf-flate"],
)
def test_bombs_are_stopped_at_their_headers(
    *,
    upload: Callable[..., Uploaded],
    counted_scan: FakeScan,
    db: Db,
    data: bytes,
    filename: str,
    content_type: str,
) -> None:
    uploaded = upload(data, filename=filename, content_type=content_type)
    assert process_record(record_for(uploaded.key)).outcome == "failed"
    status, reason = _status(db, uploaded.receipt_id)
    assert status == "failed"
    assert reason in {"too_many_pixels", "dimensions_too_large", "decompression_bomb", "corrupt_file"}


def test_an_object_longer_than_announced_is_never_read(
    upload: Callable[..., Uploaded], fake_scan: FakeScan, db: Db, receipt_png: bytes
) -> None:
    uploaded = upload(receipt_png + b"\x00" * 64, declared_size=len(receipt_png))
    assert process_record(record_for(uploaded.key)).outcome == "failed"
    assert _status(db, uploaded.receipt_id) == ("failed", "size_mismatch")
    assert fake_scan.calls == 0


def test_an_object_of_another_type_than_announced_is_never_read(
    upload: Callable[..., Uploaded], fake_scan: FakeScan, db: Db, receipt_png: bytes, s3_bucket: str
) -> None:
    from docflow.aws import s3_client

    uploaded = upload(receipt_png)
    s3_client().put_object(Bucket=s3_bucket, Key=uploaded.key, Body=receipt_png, ContentType="text/html")
    assert process_record(record_for(uploaded.key)).outcome == "failed"
    assert _status(db, uploaded.receipt_id) == ("failed", "type_mismatch")
    assert fake_scan.calls == 0


def test_a_key_under_another_tenants_prefix_is_ignored(
    upload: Callable[..., Uploaded], fake_scan: FakeScan, db: Db, receipt_png: bytes, s3_bucket: str
) -> None:
    from docflow.aws import s3_client

    victim = upload(receipt_png)
    forged = victim.key.replace(victim.key.split("/")[1], str(TENANT_B))
    s3_client().put_object(Bucket=s3_bucket, Key=forged, Body=receipt_png, ContentType="image/png")
    renamed = victim.key.rsplit("/", 1)[0] + "/other.png"
    s3_client().put_object(Bucket=s3_bucket, Key=renamed, Body=receipt_png, ContentType="image/png")
    for key in (forged, renamed, "outgoing/x.png", f"incoming/{uuid.uuid4()}/kuitti.png"):
        assert process_record(record_for(key)).outcome == "skipped"
    assert _status(db, victim.receipt_id) == ("pending", None)
    assert fake_scan.calls == 0


def test_an_event_of_another_bucket_is_ignored(
    upload: Callable[..., Uploaded], fake_scan: FakeScan, receipt_png: bytes
) -> None:
    from docflow.pipeline.events import parse_s3_event
    from tests.support.receipt_pipeline import next_sequencer, s3_event

    uploaded = upload(receipt_png)
    record = parse_s3_event(
        s3_event(uploaded.key, sequencer=next_sequencer(), bucket="someone-elses-bucket")
    )[0]
    assert process_record(record).outcome == "skipped"
    assert fake_scan.calls == 0


def test_the_sync_ocr_route_refuses_bodies_over_the_lambda_payload_cap(
    headers: Callable[..., dict[str, str]],
) -> None:
    from fastapi.testclient import TestClient

    from docflow_ocr.handler import app

    with TestClient(app) as client:
        response = client.post(
            "/api/v1/ocr",
            content=b"\x89PNG\r\n\x1a\n" + b"\x00" * 4_600_000,
            headers={**headers(), "Content-Type": "image/png"},
        )
    assert response.status_code == 413
