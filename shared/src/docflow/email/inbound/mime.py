"""An inbound message's MIME, read with the standard library (``email`` with ``policy.default``).

:func:`parse_message` turns the raw bytes into what the receipt side needs: the sender, the
recipients, a dedup key and the attachments that can become receipts, or a :class:`Rejected` reason.
Every limit is checked before anything is decoded further: the message size, the number of MIME parts
and their nesting, the number and size of receivable attachments (the upload limits of
:class:`docflow.ocr.OcrLimits`). Attachments are taken by the type their bytes announce (an e-mail
client's declared type is often ``application/octet-stream``); other attachments (archives, office
files) are skipped and never opened, so a zip bomb stays a few kilobytes of skipped bytes. Parts of
a forwarded message (``message/rfc822``) count as the message's own.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from email.message import EmailMessage, Message
from typing import Final

from docflow.pipeline.keys import EXTENSIONS, safe_filename

MIB: Final = 1024 * 1024
#: Largest raw message handled (SES receiving stores up to 40 MB; a larger message is refused).
MAX_MESSAGE_BYTES: Final = 25 * MIB
#: Receivable attachments per message (one receipt each): the upload route's files per request.
MAX_ATTACHMENTS: Final = 10
#: MIME parts walked per message, and how deep multiparts and forwarded messages may nest.
MAX_PARTS: Final = 200
MAX_DEPTH: Final = 8
#: Longest Message-ID kept for the dedup key (RFC 5322's line limit).
MAX_MESSAGE_ID_LENGTH: Final = 998
#: Bytes read of a message too large to parse whole, for its sender and recipients.
HEAD_BYTES: Final = 64 * 1024

#: MIME defects that mean the structure cannot be trusted (a multipart without its boundaries).
_STRUCTURE_DEFECTS: Final = frozenset(
    {
        "NoBoundaryInMultipartDefect",
        "StartBoundaryNotFoundDefect",
        "CloseBoundaryNotFoundDefect",
        "MultipartInvariantViolationDefect",
        "InvalidMultipartContentTransferEncodingDefect",
        "MissingHeaderBodySeparatorDefect",
    }
)


class Rejected(Exception):
    """The message makes no receipt; ``reason`` is a stable code for the log and the reply."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class InboundAttachment:
    """One receivable attachment: its safe name, the type its bytes announce, and the bytes."""

    filename: str
    content_type: str
    data: bytes

    @property
    def sha256(self) -> str:
        """The content hash (the pipeline's duplicate detection compares the same hash)."""
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """What the receipt side needs of one message."""

    sender: str
    recipients: tuple[str, ...]
    dedup_key: str
    attachments: tuple[InboundAttachment, ...]
    skipped: int = 0
    verdicts: dict[str, str] = field(default_factory=dict)
    #: Why the message makes no receipt (``None``: it does); the sender is known unless malformed.
    rejection: str | None = None


def _parse(raw: bytes) -> EmailMessage:
    from email import policy
    from email.parser import BytesParser

    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    return message


def _addresses(message: Message, name: str) -> list[str]:
    """The addr-specs of an address header (every occurrence); a header that does not parse gives none."""
    found: list[str] = []
    for header in message.get_all(name, []):
        for address in getattr(header, "addresses", ()):
            spec = str(address.addr_spec).strip().lower()
            if "@" in spec and len(spec) <= 320:
                found.append(spec)
    return found


def parse_sender(message: Message) -> str:
    """The one address of ``From`` (:class:`Rejected` ``malformed_mime`` for none or several)."""
    try:
        senders = _addresses(message, "From")
    except Exception:  # a header the policy cannot fold into addresses
        raise Rejected("malformed_mime") from None
    if len(senders) != 1:
        raise Rejected("malformed_mime")
    return senders[0]


def parse_headers(raw_head: bytes) -> tuple[str | None, tuple[str, ...]]:
    """Sender and recipients from the headers alone (for a message too large to read whole)."""
    from email import policy
    from email.parser import BytesHeaderParser

    try:
        message = BytesHeaderParser(policy=policy.default).parsebytes(raw_head)
        sender = parse_sender(message)
        recipients = tuple(_addresses(message, "To") + _addresses(message, "Cc"))
    except Exception:
        return None, ()
    return sender, recipients


def _verdicts(message: Message) -> dict[str, str]:
    """SES's verdict headers (the first occurrence: SES adds its own above the sender's)."""
    verdicts: dict[str, str] = {}
    for kind in ("Spam", "Virus", "SPF", "DKIM", "DMARC"):
        value = message.get(f"X-SES-{kind}-Verdict")
        if value is not None:
            verdicts[kind.lower()] = str(value).strip().upper()[:20]
    return verdicts


def check_verdicts(verdicts: dict[str, str]) -> None:
    """Refuse what SES found to carry a virus or spam, or whose sender is authenticated by neither SPF
    nor DKIM (when SES judged them: a local message carries no verdicts)."""
    if verdicts.get("virus") == "FAIL":
        raise Rejected("virus")
    if verdicts.get("spam") == "FAIL":
        raise Rejected("spam")
    if verdicts.get("dmarc") == "FAIL":
        raise Rejected("sender_not_authenticated")
    if "spf" in verdicts and "dkim" in verdicts and "PASS" not in {verdicts["spf"], verdicts["dkim"]}:
        raise Rejected("sender_not_authenticated")


def _leaves(message: Message) -> list[Message]:
    """The non-multipart parts, depth first, forwarded messages included; bounded in count and depth."""
    leaves: list[Message] = []
    seen = 0
    stack: list[tuple[Message, int]] = [(message, 0)]
    while stack:
        part, depth = stack.pop()
        seen += 1
        if seen > MAX_PARTS or depth > MAX_DEPTH:
            raise Rejected("malformed_mime")
        defects = {type(defect).__name__ for defect in part.defects}
        if defects & _STRUCTURE_DEFECTS:
            raise Rejected("malformed_mime")
        if part.is_multipart():
            children = part.get_payload()
            if not isinstance(children, list) or not all(isinstance(c, Message) for c in children):
                raise Rejected("malformed_mime")
            stack.extend((child, depth + 1) for child in reversed(children) if isinstance(child, Message))
        else:
            leaves.append(part)
    return leaves


def _attachment(part: Message) -> InboundAttachment | None:
    """The part as a receivable attachment, or ``None`` (text, an unsupported type, nothing in it)."""
    from docflow.ocr import ALLOWED_CONTENT_TYPES, OcrLimits
    from docflow.ocr.sniff import sniff_content_type

    if part.get_content_maintype() in {"text", "multipart", "message"} and part.get_filename() is None:
        return None
    data = part.get_payload(decode=True)
    if not isinstance(data, bytes) or not data:
        return None
    content_type = sniff_content_type(data[:16])
    if content_type is None or content_type not in ALLOWED_CONTENT_TYPES:
        return None
    limits = OcrLimits()
    limit = limits.max_pdf_bytes if content_type == "application/pdf" else limits.max_image_bytes
    if len(data) > limit:
        raise Rejected("attachment_too_large")
    extension = EXTENSIONS.get(content_type, "bin")
    stem = safe_filename(part.get_filename() or "receipt", fallback_extension=extension).rsplit(".", 1)[0]
    return InboundAttachment(filename=f"{stem}.{extension}", content_type=content_type, data=data)


def dedup_key(message_id: str, attachments: tuple[InboundAttachment, ...]) -> str:
    """The message's identity across deliveries: its Message-ID and its attachments' contents (a
    redelivery with new trace headers is the same message; a reused Message-ID with other files is not)."""
    digest = hashlib.sha256(message_id[:MAX_MESSAGE_ID_LENGTH].encode("utf-8", "replace"))
    for attachment in attachments:
        digest.update(b"\0" + attachment.sha256.encode())
    return digest.hexdigest()


def rejected(raw_head: bytes, reason: str, message_id: str = "") -> InboundMessage:
    """A message that makes no receipt, with what its headers tell (for the log and the reply); its
    dedup key is its Message-ID's (or, without one, its first bytes')."""
    sender, recipients = parse_headers(raw_head)
    identity = message_id or hashlib.sha256(raw_head).hexdigest()
    return InboundMessage(
        sender=sender or "",
        recipients=recipients,
        dedup_key=hashlib.sha256(
            f"rejected\0{identity[:MAX_MESSAGE_ID_LENGTH]}".encode("utf-8", "replace")
        ).hexdigest(),
        attachments=(),
        rejection=reason,
    )


def parse_message(raw: bytes) -> InboundMessage:
    """The sender, recipients, dedup key and receivable attachments of a raw message (see the module
    documentation); a message that can make no receipt comes back with its ``rejection`` reason."""
    head = raw[:HEAD_BYTES]
    if len(raw) > MAX_MESSAGE_BYTES:
        return rejected(head, "message_too_large")
    try:
        message = _parse(raw)
        message_id = str(message.get("Message-ID", "") or "").strip()
    except Exception:
        return rejected(head, "malformed_mime")
    try:
        return _receivable(message, message_id)
    except Rejected as refusal:
        return rejected(head, refusal.reason, message_id)


def _receivable(message: EmailMessage, message_id: str) -> InboundMessage:
    sender = parse_sender(message)
    try:
        recipients = tuple(_addresses(message, "To") + _addresses(message, "Cc"))
    except Exception:
        raise Rejected("malformed_mime") from None
    verdicts = _verdicts(message)
    check_verdicts(verdicts)
    found: list[InboundAttachment] = []
    skipped = 0
    for part in _leaves(message):
        try:
            attachment = _attachment(part)
        except Rejected:
            raise
        except Exception:  # a payload the decoder cannot read
            raise Rejected("malformed_mime") from None
        if attachment is None:
            is_file = part.get_content_disposition() == "attachment" or part.get_filename() is not None
            skipped += int(is_file)
            continue
        found.append(attachment)
        if len(found) > MAX_ATTACHMENTS:
            raise Rejected("too_many_attachments")
    if not found:
        raise Rejected("no_supported_attachment" if skipped else "no_attachments")
    attachments = tuple(found)
    return InboundMessage(
        sender=sender,
        recipients=recipients,
        dedup_key=dedup_key(message_id, attachments),
        attachments=attachments,
        skipped=skipped,
        verdicts=verdicts,
    )
