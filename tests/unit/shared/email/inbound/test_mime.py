"""The inbound MIME corpus: what becomes a receipt, what is refused and why, and the dedup key."""

from __future__ import annotations

import io
import time
import zipfile
from email.message import EmailMessage
from email.policy import SMTP

import pytest

from docflow.email.inbound.mime import (
    MAX_ATTACHMENTS,
    MAX_MESSAGE_BYTES,
    InboundMessage,
    parse_message,
)

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 8
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(255, -1, -1)) * 8
PDF = b"%PDF-1.4\n" + b"1 0 obj << >> endobj\n" * 50 + b"%%EOF\n"
SENDER = "Maija Meikäläinen <Maija@Example.FI>"
TO = "r-0123456789abcdef0123@inbound.localhost"


def message(*, subject: str = "Kuitti", message_id: str = "<m1@example.fi>") -> EmailMessage:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"], mail["Message-ID"] = SENDER, TO, subject, message_id
    mail.set_content("Tässä kuitti.\n")
    return mail


def raw(mail: EmailMessage) -> bytes:
    return mail.as_bytes(policy=SMTP)


def accepted(data: bytes) -> InboundMessage:
    parsed = parse_message(data)
    assert parsed.rejection is None, parsed.rejection
    return parsed


def test_an_attachment_of_a_multipart_alternative_message_is_received() -> None:
    mail = message()
    mail.add_alternative("<p>Tässä kuitti.</p>", subtype="html")
    mail.add_attachment(JPEG, maintype="image", subtype="jpeg", filename="kuitti.jpg")
    parsed = accepted(raw(mail))
    assert parsed.sender == "maija@example.fi"
    assert parsed.recipients == (TO,)
    [attachment] = parsed.attachments
    assert (attachment.filename, attachment.content_type, attachment.data) == (
        "kuitti.jpg",
        "image/jpeg",
        JPEG,
    )


def test_text_and_html_alone_make_no_receipt() -> None:
    mail = message()
    mail.add_alternative("<p>Ei liitettä</p>", subtype="html")
    assert parse_message(raw(mail)).rejection == "no_attachments"


def test_attachments_of_a_forwarded_message_count() -> None:
    inner = message(message_id="<inner@shop.example>")
    inner.add_attachment(PDF, maintype="application", subtype="pdf", filename="lasku.pdf")
    outer = message(subject="Fwd: lasku")
    outer.add_attachment(inner)
    assert outer.get_payload()[1].get_content_type() == "message/rfc822"  # type: ignore[index]
    [attachment] = accepted(raw(outer)).attachments
    assert (attachment.filename, attachment.data) == ("lasku.pdf", PDF)


def test_base64_and_quoted_printable_parts_decode_to_the_same_bytes() -> None:
    qp_png = _quoted_printable(PNG)
    data = (
        (
            f"From: {SENDER}\r\nTo: {TO}\r\nSubject: kaksi\r\nMessage-ID: <qp@example.fi>\r\n"
            "MIME-Version: 1.0\r\n"
            'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
            "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
            "Kaksi kuittia =C3=A4\r\n"
            '--b1\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename="a.png"\r\n'
            "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        ).encode()
        + qp_png
        + (
            b'\r\n--b1\r\nContent-Type: image/jpeg\r\nContent-Disposition: attachment; filename="b.jpg"\r\n'
            b"Content-Transfer-Encoding: base64\r\n\r\n"
        )
        + _base64(JPEG)
        + b"\r\n--b1--\r\n"
    )
    attachments = accepted(data).attachments
    assert [(a.filename, a.data) for a in attachments] == [("a.png", PNG), ("b.jpg", JPEG)]


def _quoted_printable(data: bytes) -> bytes:
    """Every byte outside printable ASCII (line breaks included) as ``=XX``, soft breaks at 76."""
    tokens = [chr(b).encode() if 33 <= b <= 126 and b != ord("=") else f"={b:02X}".encode() for b in data]
    lines, line = [], b""
    for token in tokens:
        if len(line) + len(token) > 75:
            lines.append(line + b"=")
            line = b""
        line += token
    return b"\r\n".join([*lines, line])


def _base64(data: bytes) -> bytes:
    import base64

    encoded = base64.b64encode(data)
    return b"\r\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76))


@pytest.mark.parametrize(
    ("disposition", "expected"),
    [
        # RFC 2231 with a charset, percent-encoded UTF-8.
        ("attachment; filename*=UTF-8''kuitti%20%C3%A4%C3%B6.jpg", "kuitti_ao.jpg"),
        # RFC 2231 continuations.
        ("attachment; filename*0*=UTF-8''Tukku%20Oy%20; filename*1*=kuitti.jpg", "Tukku_Oy_kuitti.jpg"),
        # RFC 2047 encoded word (what many clients send instead).
        ('attachment; filename="=?UTF-8?B?a3VpdHRpX8OkLmpwZw==?="', "kuitti_a.jpg"),
        # A path and a misleading extension: the name is cleaned, the extension follows the bytes.
        ('attachment; filename="../../etc/kuitti.exe"', "kuitti.jpg"),
    ],
)
def test_encoded_file_names_are_decoded_and_made_safe(disposition: str, expected: str) -> None:
    data = (
        (
            f"From: {SENDER}\r\nTo: {TO}\r\nMessage-ID: <n@example.fi>\r\nMIME-Version: 1.0\r\n"
            'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
            "--b\r\nContent-Type: text/plain\r\n\r\nhei\r\n"
            f"--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: {disposition}\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n"
        ).encode()
        + _base64(JPEG)
        + b"\r\n--b--\r\n"
    )
    [attachment] = accepted(data).attachments
    assert attachment.filename == expected
    assert attachment.content_type == "image/jpeg"


def _zip_bomb() -> bytes:
    """About 100 MB of zeros deflated into a small archive (never to be opened)."""
    buffer = io.BytesIO()
    chunk = bytes(1024 * 1024)
    with (
        zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("zeros.bin", "w", force_zip64=True) as entry,
    ):
        for _ in range(100):
            entry.write(chunk)
    return buffer.getvalue()


def test_a_zip_bomb_is_skipped_unopened() -> None:
    bomb = _zip_bomb()
    assert len(bomb) < 200_000
    alone = message()
    alone.add_attachment(bomb, maintype="application", subtype="zip", filename="kuitit.zip")
    started = time.perf_counter()
    assert parse_message(raw(alone)).rejection == "no_supported_attachment"
    assert time.perf_counter() - started < 1.0
    beside = message(message_id="<m2@example.fi>")
    beside.add_attachment(bomb, maintype="application", subtype="zip", filename="kuitit.zip")
    beside.add_attachment(JPEG, maintype="image", subtype="jpeg", filename="kuitti.jpg")
    parsed = accepted(raw(beside))
    assert [a.filename for a in parsed.attachments] == ["kuitti.jpg"]
    assert parsed.skipped == 1


def test_a_30_mb_message_is_refused_with_its_sender_known() -> None:
    mail = message()
    mail.add_attachment(
        b"\xff\xd8\xff" + bytes(30 * 1024 * 1024), maintype="image", subtype="jpeg", filename="x.jpg"
    )
    data = raw(mail)
    assert len(data) > MAX_MESSAGE_BYTES
    parsed = parse_message(data)
    assert parsed.rejection == "message_too_large"
    assert (parsed.sender, parsed.recipients, parsed.attachments) == ("maija@example.fi", (TO,), ())


def test_an_attachment_over_the_upload_limit_refuses_the_message() -> None:
    mail = message()
    mail.add_attachment(JPEG, maintype="image", subtype="jpeg", filename="ok.jpg")
    mail.add_attachment(
        b"\xff\xd8\xff" + bytes(16 * 1024 * 1024), maintype="image", subtype="jpeg", filename="big.jpg"
    )
    assert parse_message(raw(mail)).rejection == "attachment_too_large"


def test_too_many_attachments_refuse_the_message() -> None:
    mail = message()
    for index in range(MAX_ATTACHMENTS + 1):
        mail.add_attachment(JPEG + bytes([index]), maintype="image", subtype="jpeg", filename=f"{index}.jpg")
    assert parse_message(raw(mail)).rejection == "too_many_attachments"
    exactly = message()
    for index in range(MAX_ATTACHMENTS):
        exactly.add_attachment(
            JPEG + bytes([index]), maintype="image", subtype="jpeg", filename=f"{index}.jpg"
        )
    assert len(accepted(raw(exactly)).attachments) == MAX_ATTACHMENTS


@pytest.mark.parametrize(
    "data",
    [
        # A multipart without its boundary parameter.
        f"From: {SENDER}\r\nTo: {TO}\r\nContent-Type: multipart/mixed\r\n\r\n"
        "--x\r\nhei\r\n--x--\r\n".encode(),
        # The boundary is declared but never opened.
        f"From: {SENDER}\r\nTo: {TO}\r\n"
        'Content-Type: multipart/mixed; boundary="b"\r\n\r\nno parts\r\n'.encode(),
        # No sender, or two.
        f"To: {TO}\r\nContent-Type: text/plain\r\n\r\nhei\r\n".encode(),
        f"From: a@example.fi, b@example.fi\r\nTo: {TO}\r\n\r\nhei\r\n".encode(),
        # Not a message at all.
        b"\x00\x01\x02 binary noise",
    ],
)
def test_malformed_messages_are_refused(data: bytes) -> None:
    assert parse_message(data).rejection == "malformed_mime"


def test_nesting_deeper_than_the_limit_is_refused() -> None:
    mail = message()
    mail.add_attachment(JPEG, maintype="image", subtype="jpeg", filename="k.jpg")
    for depth in range(10):
        outer = message(message_id=f"<d{depth}@example.fi>")
        outer.add_attachment(mail)
        mail = outer
    assert parse_message(raw(mail)).rejection == "malformed_mime"


def test_the_type_is_taken_from_the_bytes_not_the_declaration() -> None:
    mail = message()
    mail.add_attachment(b"MZ\x90\x00 not an image", maintype="image", subtype="jpeg", filename="kuitti.jpg")
    mail.add_attachment(PNG, maintype="application", subtype="octet-stream", filename="scan")
    parsed = accepted(raw(mail))
    assert [(a.filename, a.content_type) for a in parsed.attachments] == [("scan.png", "image/png")]
    assert parsed.skipped == 1


def test_ses_verdicts_refuse_viruses_spam_and_unauthenticated_senders() -> None:
    def with_headers(**headers: str) -> bytes:
        mail = message()
        mail.add_attachment(JPEG, maintype="image", subtype="jpeg", filename="k.jpg")
        for name, value in headers.items():
            mail[f"X-SES-{name}-Verdict"] = value
        return raw(mail)

    assert parse_message(with_headers(Virus="FAIL")).rejection == "virus"
    assert parse_message(with_headers(Spam="FAIL")).rejection == "spam"
    assert parse_message(with_headers(SPF="FAIL", DKIM="GRAY")).rejection == "sender_not_authenticated"
    assert (
        parse_message(with_headers(DMARC="FAIL", SPF="PASS", DKIM="PASS")).rejection
        == "sender_not_authenticated"
    )
    assert parse_message(with_headers(SPF="FAIL", DKIM="PASS", Spam="PASS", Virus="PASS")).rejection is None


def test_a_redelivery_has_the_same_dedup_key_and_another_message_another() -> None:
    mail = message()
    mail.add_attachment(JPEG, maintype="image", subtype="jpeg", filename="k.jpg")
    first = accepted(raw(mail)).dedup_key
    mail["Received"] = "from mx2.example.fi by inbound-smtp; Mon, 7 Dec 2026 08:00:00 +0000"
    assert accepted(raw(mail)).dedup_key == first
    other = message()  # the same Message-ID reused with another file
    other.add_attachment(PNG, maintype="image", subtype="png", filename="k.png")
    assert accepted(raw(other)).dedup_key != first
    refused = message()
    assert parse_message(raw(refused)).dedup_key == parse_message(raw(refused)).dedup_key != first
