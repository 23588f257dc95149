"""Mail after processing: an uploaded receipt that needs review mails its uploader once; a message's
mailed receipts give their sender one digest once all of them are final (none before, no per-receipt
mail); both are logged in the result's transaction and sent after its commit."""

from __future__ import annotations

import dataclasses
import uuid
from email.message import EmailMessage
from email.policy import SMTP
from typing import Any

import psycopg
import pytest

from docflow.email.inbound.accept import handle_raw
from docflow.ocr import DocumentError
from docflow_local.fake_resend import FakeResend
from tests.support.email import sends
from tests.support.receipt_pipeline import fixed_reading, next_sequencer, s3_event
from tests.support.tenants import Tenant, create_tenant

pytestmark = pytest.mark.db

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 4
UNDATED = b"undated"
UNREADABLE = b"unreadable"


@pytest.fixture
def scan(monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine: a fixed reading, without a date when the bytes say so (needs review), or an
    unreadable document."""

    def fake(data: bytes, **_kwargs: Any) -> Any:
        if UNREADABLE in data:
            raise DocumentError("The document cannot be read")
        receipt, result = fixed_reading(data)
        if UNDATED in data:
            receipt = dataclasses.replace(receipt, date=None)
        return receipt, result

    monkeypatch.setattr("docflow.pipeline.steps.scan_bytes", fake)


@pytest.fixture
def tenant(superuser_url: str) -> Tenant:
    tenant = create_tenant(superuser_url, "owner", "member")
    with psycopg.connect(superuser_url) as conn:
        conn.execute(
            "insert into public.profiles (user_id, locale) values (%s, 'en')"
            " on conflict (user_id) do update set locale = 'en'",
            (tenant.members["member"].user_id,),
        )
    return tenant


def process(superuser_url: str, receipt_id: uuid.UUID) -> str:
    from docflow.pipeline.runner import process_event

    with psycopg.connect(superuser_url) as conn:
        row = conn.execute(
            "select object_key, size_bytes from public.receipts where id = %s", (receipt_id,)
        ).fetchone()
    assert row is not None
    [result] = process_event(s3_event(row[0], sequencer=next_sequencer(), size=row[1]))
    return result.outcome


def uploaded(superuser_url: str, bucket: str, tenant: Tenant, data: bytes) -> uuid.UUID:
    """A receipt uploaded by the member, as the upload route and a presigned POST leave it."""
    from docflow.aws.s3 import put_object

    receipt_id = uuid.uuid4()
    key = f"incoming/{tenant.id}/{receipt_id}/kuitti.jpg"
    with psycopg.connect(superuser_url) as conn:
        conn.execute(
            "insert into public.receipts (id, tenant_id, uploaded_by, object_key, original_filename,"
            " content_type, size_bytes) values (%s, %s, %s, %s, 'kuitti.jpg', 'image/jpeg', %s)",
            (receipt_id, tenant.id, tenant.members["member"].user_id, key, len(data)),
        )
    put_object(bucket, key, data, content_type="image/jpeg")
    return receipt_id


def test_an_upload_that_needs_review_mails_its_uploader_once(
    tenant: Tenant, superuser_url: str, s3_bucket: str, resend: FakeResend, scan: None
) -> None:
    receipt_id = uploaded(superuser_url, s3_bucket, tenant, JPEG + UNDATED)
    assert process(superuser_url, receipt_id) == "needs_review"
    [mail] = resend.sent_to(tenant.members["member"].email)
    assert mail["subject"] == "A receipt needs review"
    assert f"/receipts/{receipt_id}" in mail["text"]
    # Reprocessing reads it again with the same result: no second mail.
    with psycopg.connect(superuser_url) as conn:
        conn.execute(
            "update public.receipts set status = 'pending', sequencer = null where id = %s", (receipt_id,)
        )
    assert process(superuser_url, receipt_id) == "needs_review"
    assert len(resend.sent_to(tenant.members["member"].email)) == 1
    assert [(s["kind"], s["status"]) for s in sends(superuser_url, tenant.id)] == [
        ("receipt_needs_review", "sent")
    ]


def test_a_processed_upload_mails_nobody(
    tenant: Tenant, superuser_url: str, s3_bucket: str, resend: FakeResend, scan: None
) -> None:
    assert process(superuser_url, uploaded(superuser_url, s3_bucket, tenant, JPEG)) == "processed"
    assert sends(superuser_url, tenant.id) == []


def _mail(tenant: Tenant, superuser_url: str, *files: bytes) -> list[uuid.UUID]:
    with psycopg.connect(superuser_url) as conn:
        row = conn.execute(
            "select local_part from public.email_inbound_addresses where tenant_id = %s", (tenant.id,)
        ).fetchone()
    assert row is not None
    message = EmailMessage()
    message["From"], message["To"] = tenant.members["member"].email, f"{row[0]}@inbound.localhost"
    message["Message-ID"] = f"<{uuid.uuid4()}@example.fi>"
    message.set_content("kuitit")
    for index, data in enumerate(files):
        message.add_attachment(data, maintype="image", subtype="jpeg", filename=f"{index}.jpg")
    [outcome] = handle_raw(message.as_bytes(policy=SMTP))
    assert outcome.status == "accepted"
    return list(outcome.receipt_ids)


def test_mailed_receipts_give_one_digest_once_all_are_final(
    tenant: Tenant, superuser_url: str, s3_bucket: str, resend: FakeResend, scan: None
) -> None:
    ids = _mail(tenant, superuser_url, JPEG, JPEG + UNDATED, JPEG + UNREADABLE)
    member = tenant.members["member"].email
    assert process(superuser_url, ids[0]) == "processed"
    assert process(superuser_url, ids[1]) == "needs_review"
    assert resend.sent_to(member) == []  # one still waiting; no per-receipt mail for mailed receipts
    assert process(superuser_url, ids[2]) == "failed"
    [digest] = resend.sent_to(member)
    assert digest["subject"] == "Receipts processed: 3"
    assert "1 done, 1 need review, 1 failed" in digest["text"]
    with psycopg.connect(superuser_url) as conn:
        conn.execute(
            "update public.receipts set status = 'pending', sequencer = null where id = %s", (ids[1],)
        )
    process(superuser_url, ids[1])
    assert len(resend.sent_to(member)) == 1
    assert [s["kind"] for s in sends(superuser_url, tenant.id)] == ["receipts_digest"]
