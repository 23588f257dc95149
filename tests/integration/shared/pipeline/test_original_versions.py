"""Originals cannot be swapped once read: processing records the S3 version it read, the download URL
names that version, and a later write to the key (a presigned POST reused with other bytes of the same
length) is recorded on the receipt and never served in its place."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient

from docflow.pipeline.events import parse_s3_event
from docflow.pipeline.runner import process_record
from tests.support.receipt_pipeline import FakeScan, Uploaded, next_sequencer, record_for, s3_event

pytestmark = pytest.mark.db

Db = Callable[..., Any]


def _versions(bucket: str, key: str) -> list[str]:
    """Version ids of the key, the latest last."""
    from docflow.aws import s3_client

    listed = s3_client().list_object_versions(Bucket=bucket, Prefix=key)["Versions"]
    return [v["VersionId"] for v in sorted(listed, key=lambda v: bool(v["IsLatest"]))]


def test_a_swapped_original_is_recorded_and_never_served(
    *,
    client: TestClient,
    headers: Callable[..., dict[str, str]],
    upload: Callable[..., Uploaded],
    receipt_png: bytes,
    fake_scan: FakeScan,
    db: Db,
    s3_bucket: str,
) -> None:
    from docflow.aws import s3_client

    uploaded = upload(receipt_png)
    assert process_record(record_for(uploaded.key)).outcome in {"processed", "needs_review"}
    (read,) = _versions(s3_bucket, uploaded.key)
    row = db("select object_version_id, content_hash from public.receipts where id = %s", uploaded.receipt_id)
    assert row[0]["object_version_id"] == read

    other = bytes(reversed(receipt_png))  # same length, other bytes
    s3_client().put_object(Bucket=s3_bucket, Key=uploaded.key, Body=other, ContentType="image/png")
    swapped = _versions(s3_bucket, uploaded.key)[-1]
    event = s3_event(uploaded.key, sequencer=next_sequencer(), size=len(other))
    event["Records"][0]["s3"]["object"]["versionId"] = swapped
    result = process_record(parse_s3_event(event)[0])

    assert (result.outcome, result.reason) == ("skipped", "original_replaced")
    assert fake_scan.calls == 1
    after = db(
        "select object_version_id, content_hash, original_replaced_at, warnings"
        " from public.receipts where id = %s",
        uploaded.receipt_id,
    )[0]
    assert (after["object_version_id"], after["content_hash"]) == (read, row[0]["content_hash"])
    assert after["original_replaced_at"] is not None
    assert [w["code"] for w in after["warnings"]].count("original_replaced") == 1
    assert db(
        "select count(*) as n from public.audit_log"
        " where action = 'receipt.original_replaced' and target_id = %s",
        str(uploaded.receipt_id),
    ) == [{"n": 1}]

    detail = client.get(f"/api/v1/receipts/{uploaded.receipt_id}", headers=headers()).json()
    assert "original_replaced" in [w["code"] for w in detail["warnings"]]
    url = detail["download_url"]
    assert parse_qs(urlsplit(url).query)["versionId"] == [read]
    assert httpx.get(url, timeout=10).content == receipt_png

    # The same swap announced again, or the first version's event redelivered, changes nothing more.
    assert process_record(parse_s3_event(event)[0]).reason in {"original_replaced", "not_claimable"}
    assert process_record(record_for(uploaded.key, sequencer="0" * 4)).reason == "not_claimable"
    final = db("select warnings from public.receipts where id = %s", uploaded.receipt_id)[0]
    assert [w["code"] for w in final["warnings"]].count("original_replaced") == 1


def test_reprocess_reads_and_records_the_new_version(
    *,
    client: TestClient,
    headers: Callable[..., dict[str, str]],
    upload: Callable[..., Uploaded],
    receipt_png: bytes,
    fake_scan: FakeScan,
    db: Db,
    s3_bucket: str,
) -> None:
    uploaded = upload(receipt_png)
    process_record(record_for(uploaded.key))
    assert (
        client.post(f"/api/v1/receipts/{uploaded.receipt_id}/reprocess", headers=headers()).status_code == 202
    )
    first, second = _versions(s3_bucket, uploaded.key)
    assert process_record(record_for(uploaded.key)).outcome in {"processed", "needs_review"}
    row = db(
        "select object_version_id, original_replaced_at from public.receipts where id = %s",
        uploaded.receipt_id,
    )
    assert row == [{"object_version_id": second, "original_replaced_at": None}]
    assert first != second
