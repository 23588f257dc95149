"""The local stand-in for SES receiving: an SMTP endpoint (``aiosmtpd``) on ``SMTP_PORT`` (54336) that
accepts mail for the inbound domain and stores each raw message in the local S3 under ``inbound/``,
as SES's S3 action does; the bucket's notification then runs the e-mail function, as deployed.

Recipients outside ``EMAIL_INBOUND_DOMAIN`` are refused at ``RCPT`` (550), and messages are bounded
at 40 MB as SES bounds them (larger ones are refused at ``DATA``, 552); the application's own limit
(25 MB) is checked by the same code as in AWS.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from typing import Any

#: SES receiving's largest message (the S3 action stores up to 40 MB).
SES_MAX_MESSAGE_BYTES = 40 * 1024 * 1024
DEFAULT_SMTP_PORT = 54336


def smtp_port() -> int:
    """``SMTP_PORT``, 54336 by default."""
    return int(os.environ.get("SMTP_PORT", str(DEFAULT_SMTP_PORT)))


def store_raw(raw: bytes) -> str:
    """Write one received message where SES would (``inbound/<id>``); returns its key."""
    from docflow.aws.s3 import put_object
    from docflow.config import get_settings
    from docflow.email.settings import get_email_settings

    key = f"{get_email_settings().email_inbound_prefix.strip('/')}/{uuid.uuid4().hex}"
    put_object(get_settings().receipts_bucket, key, raw, content_type="message/rfc822")
    return key


class InboundHandler:
    """aiosmtpd hooks: recipients of the inbound domain only; each message to S3."""

    def __init__(self, domain: str) -> None:
        self.domain = domain.lower()

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        """Accept addresses of the inbound domain only."""
        if not address.lower().endswith("@" + self.domain):
            return "550 5.1.1 Not a DocFlow inbound address"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        """Store the raw message (in a worker thread: S3 calls block)."""
        raw = envelope.original_content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        await asyncio.get_running_loop().run_in_executor(None, store_raw, bytes(raw))
        return "250 Message accepted for delivery"


class LocalSmtp:
    """The SMTP endpoint while the ``with`` block runs."""

    def __init__(self, *, port: int, domain: str) -> None:
        from aiosmtpd.controller import Controller

        self.port = port
        self.controller = Controller(
            InboundHandler(domain),
            hostname="127.0.0.1",
            port=port,
            data_size_limit=SES_MAX_MESSAGE_BYTES,
            server_hostname="docflow-local-inbound",
        )

    def __enter__(self) -> LocalSmtp:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()
