"""The e-mail function's S3 trigger: a raw message stored under ``inbound/`` (by SES, or locally by the
SMTP endpoint) becomes receipts; a message over the limit is refused from its first bytes only."""

from __future__ import annotations

import json
import uuid
from email.message import EmailMessage
from email.policy import SMTP
from typing import Any

import psycopg
import pytest

from docflow_local.fake_resend import FakeResend
from docflow_local.lambda_context import LocalLambdaContext
from tests.support.email import resend
from tests.support.paths import REPO_ROOT
from tests.support.receipt_pipeline import next_sequencer, s3_bucket, s3_event
from tests.support.tenants import Tenant, create_tenant

__all__ = ["resend", "s3_bucket"]

pytestmark = pytest.mark.db

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 4


@pytest.fixture
def tenant(superuser_url: str) -> tuple[Tenant, str]:
    tenant = create_tenant(superuser_url, "owner")
    with psycopg.connect(superuser_url) as conn:
        row = conn.execute(
            "select local_part from public.email_inbound_addresses where tenant_id = %s", (tenant.id,)
        ).fetchone()
    assert row is not None
    return tenant, f"{row[0]}@inbound.localhost"


def stored_message(bucket: str, sender: str, to: str, *, padding: int = 0) -> tuple[str, int]:
    from docflow.aws.s3 import put_object

    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"], mail["Message-ID"] = (
        sender,
        to,
        "kuitti",
        f"<{uuid.uuid4()}@x.fi>",
    )
    mail.set_content("hei\n")
    mail.add_attachment(JPEG + bytes(padding), maintype="image", subtype="jpeg", filename="kuitti.jpg")
    raw = mail.as_bytes(policy=SMTP)
    key = f"inbound/{uuid.uuid4().hex}"
    put_object(bucket, key, raw, content_type="message/rfc822")
    return key, len(raw)


def invoke(event: dict[str, Any]) -> dict[str, Any]:
    from docflow_email_api.handler import handler

    result: dict[str, Any] = handler(event, LocalLambdaContext("email"))
    return result


def test_a_stored_message_becomes_receipts(
    tenant: tuple[Tenant, str], s3_bucket: str, superuser_url: str
) -> None:
    owner, to = tenant[0].members["owner"], tenant[1]
    key, size = stored_message(s3_bucket, owner.email, to)
    event = s3_event(key, sequencer=next_sequencer(), size=size)
    assert invoke(event)["results"] == [
        {"tenant_id": str(tenant[0].id), "status": "accepted", "reason": None, "receipts": 1}
    ]
    assert invoke(event)["results"][0]["status"] == "duplicate"  # S3 delivers an event twice
    with psycopg.connect(superuser_url) as conn:
        count = conn.execute(
            "select count(*) from public.receipts where tenant_id = %s", (tenant[0].id,)
        ).fetchone()
    assert count == (1,)


def test_a_message_over_the_limit_is_refused_without_reading_it_whole(
    tenant: tuple[Tenant, str], s3_bucket: str, resend: FakeResend, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docflow.email.inbound import mime

    monkeypatch.setattr(mime, "MAX_MESSAGE_BYTES", 64 * 1024)
    owner = tenant[0].members["owner"]
    key, size = stored_message(s3_bucket, owner.email, tenant[1], padding=200 * 1024)
    read: list[int] = []
    monkeypatch.setattr("docflow.aws.s3.read_object", lambda *a, **k: read.append(1) or b"")
    [result] = invoke(s3_event(key, sequencer=next_sequencer(), size=size))["results"]
    assert (result["status"], result["reason"]) == ("rejected", "message_too_large")
    assert read == []
    [reply] = resend.sent_to(owner.email)
    assert "25 Mt" in reply["text"]


def test_objects_outside_the_inbound_prefix_are_skipped(s3_bucket: str) -> None:
    event = s3_event(f"incoming/{uuid.uuid4()}/{uuid.uuid4()}/a.jpg", sequencer=next_sequencer())
    assert invoke(event)["results"] == [{"status": "skipped", "reason": "foreign_key"}]


def test_a_message_no_longer_in_the_bucket_is_skipped_not_retried(s3_bucket: str) -> None:
    event = s3_event(f"inbound/{uuid.uuid4().hex}", sequencer=next_sequencer())
    assert invoke(event)["results"] == [{"status": "skipped", "reason": "object_missing"}]


def test_the_sample_event_names_the_inbound_prefix() -> None:
    sample = json.loads((REPO_ROOT / "events" / "email" / "s3" / "message-received.json").read_text())
    assert sample["Records"][0]["s3"]["object"]["key"].startswith("inbound/")
