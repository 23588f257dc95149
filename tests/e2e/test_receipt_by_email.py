"""End to end in the local stack: a receipt mailed over SMTP to a tenant's inbound address is stored
under ``inbound/`` (as SES stores it), the bucket notification runs the e-mail function, which writes
the attachment under ``incoming/``, whose notification runs the OCR function: read by Tesseract."""

from __future__ import annotations

import smtplib
import time
import uuid
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import psycopg
import pytest

from docflow_local.postgres import free_port
from tests.support.ocr_corpus import encode, render_receipt
from tests.support.tenants import Tenant, create_tenant

pytestmark = [pytest.mark.db, pytest.mark.ocr]

ROOT = Path(__file__).resolve().parents[2]
LINES = (
    "K-MARKET TESTI",
    "Y-tunnus 1234567-1",
    "15.03.2026 10:05",
    "MAITO 1L          1,95",
    "LEIPA             3,40",
    "YHTEENSA          5,35",
    "ALV%  VEROTON  VERO  VEROLLINEN",
    "13,5    4,71   0,64   5,35",
    "KORTTI            5,35",
)


@pytest.fixture(scope="module")
def smtp_port(postgres: object) -> Iterator[int]:
    """The local SMTP endpoint and the S3 notifications of both prefixes."""
    from docflow.aws import s3_client
    from docflow_local.s3_events import deliver_receipt_events
    from docflow_local.smtp_inbound import LocalSmtp
    from tests.support.local_s3 import ensure_receipts_bucket

    bucket = ensure_receipts_bucket()
    port = free_port()
    try:
        with deliver_receipt_events(ROOT / "template.yaml"), LocalSmtp(port=port, domain="inbound.localhost"):
            yield port
    finally:
        s3_client().put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={})


def test_a_mailed_receipt_is_read(smtp_port: int, superuser_url: str) -> None:
    from PIL.PngImagePlugin import PngInfo

    tenant: Tenant = create_tenant(superuser_url, "member")
    with psycopg.connect(superuser_url) as conn:
        row = conn.execute(
            "select local_part from public.email_inbound_addresses where tenant_id = %s", (tenant.id,)
        ).fetchone()
    assert row is not None
    info = PngInfo()
    info.add_text("Comment", uuid.uuid4().hex)
    mail = EmailMessage()
    mail["From"], mail["To"] = tenant.members["member"].email, f"{row[0]}@inbound.localhost"
    mail["Subject"], mail["Message-ID"] = "Kuitti", f"<{uuid.uuid4()}@example.fi>"
    mail.set_content("Kuitti liitteenä.\n")
    png = encode(render_receipt(LINES), "PNG", pnginfo=info)
    mail.add_attachment(png, maintype="image", subtype="png", filename="K-Market kuitti.png")
    with smtplib.SMTP("127.0.0.1", smtp_port, timeout=10) as smtp:
        assert smtp.send_message(mail) == {}
    deadline = time.monotonic() + 90
    status = None
    while time.monotonic() < deadline:
        with psycopg.connect(superuser_url) as conn:
            found = conn.execute(
                "select status, total, original_filename from public.receipts where tenant_id = %s",
                (tenant.id,),
            ).fetchone()
        status = found[0] if found else None
        if status in {"processed", "needs_review", "failed"}:
            break
        time.sleep(0.3)
    assert found is not None
    assert (found[0], str(found[1]), found[2]) == ("processed", "5.35", "K-Market_kuitti.png")


def test_mail_for_other_domains_is_refused(smtp_port: int) -> None:
    with (
        smtplib.SMTP("127.0.0.1", smtp_port, timeout=10) as smtp,
        pytest.raises(smtplib.SMTPRecipientsRefused) as refused,
    ):
        smtp.sendmail("a@example.fi", ["someone@example.fi"], b"Subject: x\r\n\r\nx\r\n")
    assert refused.value.recipients["someone@example.fi"][0] == 550
