"""Receipts by e-mail: a member's message becomes one pending receipt per attachment (the original
written under the upload prefix, where the pipeline reads it), once however often it is delivered;
everything else is recorded with its reason, and only members are ever answered."""

from __future__ import annotations

import uuid
from email.message import EmailMessage
from email.policy import SMTP
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row

from docflow.email.inbound.accept import handle_raw
from docflow_local.fake_resend import FakeResend
from tests.support.receipt_pipeline import s3_event
from tests.support.tenants import Tenant, create_tenant

pytestmark = pytest.mark.db

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 4
PDF = b"%PDF-1.4\n" + b"1 0 obj << >> endobj\n" * 20 + b"%%EOF\n"


def address_of(superuser_url: str, tenant: Tenant) -> str:
    with psycopg.connect(superuser_url) as conn:
        row = conn.execute(
            "select local_part from public.email_inbound_addresses where tenant_id = %s", (tenant.id,)
        ).fetchone()
    assert row is not None
    return f"{row[0]}@inbound.localhost"


def mail(sender: str, to: str, *files: tuple[str, bytes], message_id: str | None = None) -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, "Kuitit"
    message["Message-ID"] = message_id or f"<{uuid.uuid4().hex}@example.fi>"
    message.set_content("Kuitit liitteenä.\n")
    for name, data in files:
        maintype, subtype = ("application", "pdf") if data.startswith(b"%PDF") else ("image", "jpeg")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes(policy=SMTP)


def rows(superuser_url: str, sql: str, *params: Any) -> list[dict[str, Any]]:
    with psycopg.connect(superuser_url, row_factory=dict_row) as conn:
        return conn.execute(sql, params).fetchall()


@pytest.fixture
def tenant(superuser_url: str, resend: FakeResend) -> Tenant:
    tenant = create_tenant(superuser_url, "owner", "member", "viewer")
    with psycopg.connect(superuser_url) as conn:
        conn.execute(
            "insert into public.profiles (user_id, locale) values (%s, 'sv')"
            " on conflict (user_id) do update set locale = 'sv'",
            (tenant.members["member"].user_id,),
        )
    return tenant


def test_a_members_message_becomes_one_pending_receipt_per_attachment(
    tenant: Tenant, superuser_url: str, s3_bucket: str
) -> None:
    from docflow.aws import s3_client

    member = tenant.members["member"]
    raw = mail(member.email.upper(), address_of(superuser_url, tenant), ("a.jpg", JPEG), ("lasku.pdf", PDF))
    [outcome] = handle_raw(raw)
    assert (outcome.tenant_id, outcome.status, len(outcome.receipt_ids)) == (tenant.id, "accepted", 2)
    receipts = rows(
        superuser_url,
        "select id, status, uploaded_by, object_key, content_type, size_bytes, original_filename"
        " from public.receipts where tenant_id = %s order by original_filename",
        tenant.id,
    )
    assert [(r["status"], r["uploaded_by"], r["original_filename"]) for r in receipts] == [
        ("pending", member.user_id, "a.jpg"),
        ("pending", member.user_id, "lasku.pdf"),
    ]
    for receipt, data, content_type in zip(
        receipts, (JPEG, PDF), ("image/jpeg", "application/pdf"), strict=True
    ):
        assert receipt["object_key"] == f"incoming/{tenant.id}/{receipt['id']}/{receipt['original_filename']}"
        stored = s3_client().get_object(Bucket=s3_bucket, Key=receipt["object_key"])
        assert (stored["Body"].read(), stored["ContentType"]) == (data, content_type)
        assert receipt["size_bytes"] == len(data)
    [logged] = rows(
        superuser_url, "select * from public.email_inbound_messages where tenant_id = %s", tenant.id
    )
    assert (logged["status"], logged["sender_user_id"], logged["attachments"]) == (
        "accepted",
        member.user_id,
        2,
    )
    assert sorted(logged["receipt_ids"]) == sorted(outcome.receipt_ids)


def test_a_message_delivered_twice_creates_its_receipts_once(
    tenant: Tenant, superuser_url: str, s3_bucket: str
) -> None:
    raw = mail(tenant.members["owner"].email, address_of(superuser_url, tenant), ("a.jpg", JPEG))
    [first] = handle_raw(raw)
    # The second delivery went through another relay: a new trace header, the same message.
    [second] = handle_raw(b"Received: from mx2.example.fi; Mon, 7 Dec 2026 08:00:00 +0000\r\n" + raw)
    assert (first.status, second.status) == ("accepted", "duplicate")
    assert second.receipt_ids == first.receipt_ids
    assert len(rows(superuser_url, "select id from public.receipts where tenant_id = %s", tenant.id)) == 1


def test_concurrent_deliveries_create_the_receipts_once(
    tenant: Tenant, superuser_url: str, s3_bucket: str
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    raw = mail(tenant.members["owner"].email, address_of(superuser_url, tenant), ("a.jpg", JPEG))
    with ThreadPoolExecutor(4) as pool:
        outcomes = [o for result in pool.map(lambda _: handle_raw(raw), range(4)) for o in result]
    assert sorted(o.status for o in outcomes) == ["accepted", "duplicate", "duplicate", "duplicate"]
    assert len(rows(superuser_url, "select id from public.receipts where tenant_id = %s", tenant.id)) == 1


def test_a_redelivery_writes_an_original_a_crash_left_missing(
    tenant: Tenant, superuser_url: str, s3_bucket: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docflow.aws import s3_client

    raw = mail(tenant.members["owner"].email, address_of(superuser_url, tenant), ("a.jpg", JPEG))

    def crash(*_args: object, **_kwargs: object) -> None:
        raise ConnectionError("S3 went away after the commit")

    monkeypatch.setattr("docflow.aws.s3.put_object", crash)
    with pytest.raises(ConnectionError):
        handle_raw(raw)
    [receipt] = rows(
        superuser_url, "select id, object_key, status from public.receipts where tenant_id = %s", tenant.id
    )
    assert receipt["status"] == "pending"
    monkeypatch.undo()
    [again] = handle_raw(raw)
    assert (again.status, again.receipt_ids) == ("duplicate", (receipt["id"],))
    assert s3_client().get_object(Bucket=s3_bucket, Key=receipt["object_key"])["Body"].read() == JPEG
    assert len(rows(superuser_url, "select id from public.receipts where tenant_id = %s", tenant.id)) == 1


def test_a_mailed_receipt_runs_through_the_upload_pipeline(
    tenant: Tenant,
    superuser_url: str,
    s3_bucket: str,
    fake_scan: object,
) -> None:
    from docflow.pipeline.runner import process_event

    raw = mail(tenant.members["owner"].email, address_of(superuser_url, tenant), ("a.jpg", JPEG))
    [outcome] = handle_raw(raw)
    [receipt] = rows(
        superuser_url,
        "select object_key, size_bytes from public.receipts where id = %s",
        outcome.receipt_ids[0],
    )
    [result] = process_event(s3_event(receipt["object_key"], sequencer="0A01", size=receipt["size_bytes"]))
    assert result.outcome in {"processed", "needs_review"}
    [stored] = rows(
        superuser_url, "select status, total from public.receipts where id = %s", outcome.receipt_ids[0]
    )
    assert stored["status"] == result.outcome
    assert stored["total"] is not None


def test_the_same_file_mailed_again_is_marked_as_a_duplicate(
    tenant: Tenant, superuser_url: str, s3_bucket: str
) -> None:
    import hashlib

    to = address_of(superuser_url, tenant)
    [first] = handle_raw(mail(tenant.members["owner"].email, to, ("a.jpg", JPEG)))
    with psycopg.connect(superuser_url) as conn:
        conn.execute(
            "update public.receipts set content_hash = %s, status = 'processed' where id = %s",
            (hashlib.sha256(JPEG).hexdigest(), first.receipt_ids[0]),
        )
    [second] = handle_raw(mail(tenant.members["owner"].email, to, ("same.jpg", JPEG)))
    [row] = rows(
        superuser_url,
        "select duplicate_of, warnings from public.receipts where id = %s",
        second.receipt_ids[0],
    )
    assert row["duplicate_of"] == first.receipt_ids[0]
    assert row["warnings"][0]["code"] == "duplicate"


def test_unknown_and_unconfirmed_senders_get_no_receipt_and_no_reply(
    tenant: Tenant, superuser_url: str, resend: FakeResend, s3_bucket: str
) -> None:
    to = address_of(superuser_url, tenant)
    [stranger] = handle_raw(mail("someone@elsewhere.example", to, ("a.jpg", JPEG)))
    assert (stranger.status, stranger.reason) == ("rejected", "unknown_sender")
    owner = tenant.members["owner"]
    with psycopg.connect(superuser_url) as conn:
        conn.execute("update auth.users set email_confirmed_at = null where id = %s", (owner.user_id,))
    [unconfirmed] = handle_raw(mail(owner.email, to, ("a.jpg", JPEG)))
    assert unconfirmed.reason == "unknown_sender"
    assert resend.sent_to("someone@elsewhere.example") == resend.sent_to(owner.email) == []
    assert rows(superuser_url, "select id from public.receipts where tenant_id = %s", tenant.id) == []
    logged = rows(
        superuser_url,
        "select status, reason, sender_user_id from public.email_inbound_messages where tenant_id = %s",
        tenant.id,
    )
    assert [(r["status"], r["reason"], r["sender_user_id"]) for r in logged] == [
        ("rejected", "unknown_sender", None)
    ] * 2


def test_a_member_is_told_once_in_their_language_why_nothing_was_received(
    tenant: Tenant, superuser_url: str, resend: FakeResend, s3_bucket: str
) -> None:
    member = tenant.members["member"]
    raw = mail(member.email, address_of(superuser_url, tenant))
    [outcome] = handle_raw(raw)
    handle_raw(raw)
    assert (outcome.status, outcome.reason) == ("rejected", "no_attachments")
    [reply] = resend.sent_to(member.email)
    assert reply["subject"] == "E-postmeddelandet blev inget kvitto"
    assert "meddelandet hade inga bilagor" in reply["text"]


def test_viewers_cannot_mail_receipts(
    tenant: Tenant, superuser_url: str, resend: FakeResend, s3_bucket: str
) -> None:
    viewer = tenant.members["viewer"]
    [outcome] = handle_raw(mail(viewer.email, address_of(superuser_url, tenant), ("a.jpg", JPEG)))
    assert (outcome.status, outcome.reason) == ("rejected", "sender_not_allowed")
    assert len(resend.sent_to(viewer.email)) == 1
    assert rows(superuser_url, "select id from public.receipts where tenant_id = %s", tenant.id) == []


def test_the_plan_limit_of_uploads_applies(superuser_url: str, resend: FakeResend, s3_bucket: str) -> None:
    from docflow.billing.plans import LIMITS, Limit, Plan

    free = create_tenant(superuser_url, "owner", paid=False)
    allowed = LIMITS[Plan.FREE].of(Limit.RECEIPTS_PER_MONTH)
    files = [(f"{i}.jpg", JPEG + bytes([i % 256, i // 256])) for i in range(min(allowed, 10))]
    to = address_of(superuser_url, free)
    owner = free.members["owner"].email
    for start in range(0, allowed, 10):
        batch = [(n, d + start.to_bytes(4, "big")) for n, d in files[: min(10, allowed - start)]]
        [outcome] = handle_raw(mail(owner, to, *batch))
        assert outcome.status == "accepted"
    [over] = handle_raw(mail(owner, to, ("over.jpg", JPEG)))
    assert (over.status, over.reason) == ("rejected", "plan_limit_reached")
    [reply] = resend.sent_to(owner)
    assert "kuittimäärä" in reply["text"]


def test_a_message_to_no_tenants_address_is_ignored(tenant: Tenant, superuser_url: str) -> None:
    [outcome] = handle_raw(
        mail(tenant.members["owner"].email, "r-00000000000000000000@inbound.localhost", ("a.jpg", JPEG))
    )
    assert (outcome.tenant_id, outcome.status, outcome.reason) == (None, "ignored", "unknown_recipient")
    [other] = handle_raw(mail(tenant.members["owner"].email, "receipts@example.fi", ("a.jpg", JPEG)))
    assert other.reason == "unknown_recipient"


def test_new_tenants_get_an_inbound_address(superuser_url: str) -> None:
    first, second = create_tenant(superuser_url), create_tenant(superuser_url)
    a, b = address_of(superuser_url, first), address_of(superuser_url, second)
    assert a != b
    assert a.startswith("r-")
    assert a.endswith("@inbound.localhost")
