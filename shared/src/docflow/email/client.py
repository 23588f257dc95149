"""Sending one message through Resend's ``POST /emails`` with the official SDK.

The SDK is configured from the settings (``RESEND_API_KEY``, ``RESEND_BASE_URL``, which points at the
local fake in development and tests) and imported lazily. Every request carries the message's
``Idempotency-Key``, so a retry, a rerun or a crash after the send but before the commit never mails
twice (Resend replays the first answer for the same key for 24 hours). 429 and 5xx answers and network
failures (timeouts included) are retried with a bounded exponential backoff (a 429's ``retry-after``
wins when longer) while the next attempt fits ``EMAIL_SEND_BUDGET_SECONDS`` from the first; other
4xx answers are final. Every request first takes a send slot shared by all instances through
PostgreSQL (``app_private.email_take_send_slot``), so together they stay under Resend's team-wide rate
limit (``EMAIL_RATE_PER_SECOND``, 5) instead of learning it from 429s.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from docflow.config import get_settings
from docflow.email.settings import get_email_settings
from docflow.observability import get_logger


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with a message; ``content_id`` makes it inline (``<img src="cid:...">``)."""

    filename: str
    content: bytes
    content_type: str
    content_id: str | None = None


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message to one recipient."""

    to: str
    subject: str
    html: str
    text: str
    idempotency_key: str
    attachments: tuple[Attachment, ...] = ()
    tags: tuple[tuple[str, str], ...] = ()


class SendFailed(Exception):
    """Resend refused the message or stayed unavailable; ``code`` names why (no address, no body)."""

    def __init__(self, code: str, *, retryable: bool, attempts: int) -> None:
        super().__init__(code)
        self.code, self.retryable, self.attempts = code, retryable, attempts


def _configure() -> Any:
    import resend

    settings = get_settings()
    resend.api_key = settings.require("resend_api_key")
    resend.api_url = settings.resend_base_url
    timeout = get_email_settings().resend_timeout_seconds
    if getattr(resend.default_http_client, "_timeout", None) != timeout:
        resend.default_http_client = resend.RequestsClient(timeout=timeout)
    return resend


def _params(message: Outgoing) -> dict[str, Any]:
    import base64

    params: dict[str, Any] = {
        "from": get_email_settings().email_from,
        "to": [message.to],
        "subject": message.subject,
        "html": message.html,
        "text": message.text,
    }
    if message.attachments:
        attachments: list[dict[str, Any]] = []
        for item in message.attachments:
            entry: dict[str, Any] = {
                "filename": item.filename,
                "content": base64.b64encode(item.content).decode(),
                "content_type": item.content_type,
            }
            if item.content_id:
                entry["content_id"] = item.content_id
            attachments.append(entry)
        params["attachments"] = attachments
    if message.tags:
        params["tags"] = [{"name": name, "value": value} for name, value in message.tags]
    return params


def _retry_after(headers: dict[str, str]) -> float | None:
    for name, value in headers.items():
        if name.lower() == "retry-after":
            try:
                return max(0.0, float(value))
            except ValueError:
                return None
    return None


#: How the backoff waits (tests replace it).
_sleep: Callable[[float], None] = time.sleep


def _pace() -> None:
    """Wait for this request's slot under the shared rate limit."""
    from docflow.db import system_transaction

    with system_transaction("email.pace") as conn:
        row = conn.execute(
            "select app_private.email_take_send_slot(%s) as wait",
            (get_email_settings().email_rate_per_second,),
        ).fetchone()
    wait = float(row["wait"]) if row else 0.0
    if wait > 0:
        _sleep(wait)


def send(message: Outgoing) -> str:
    """Send ``message`` and return Resend's id; :class:`SendFailed` when refused or out of attempts."""
    resend = _configure()
    settings = get_email_settings()
    params = _params(message)
    started = time.monotonic()
    attempt = 0
    while True:
        attempt += 1
        _pace()
        try:
            answer = resend.Emails.send(params, {"idempotency_key": message.idempotency_key})
            return str(answer["id"])
        except resend.exceptions.ResendError as exc:
            try:
                status = int(exc.code)
            except (TypeError, ValueError):
                status = 500
            retryable = status == 429 or status >= 500
            code = f"{status}:{exc.error_type}"[:100]
            backoff = min(
                settings.email_backoff_max_seconds, settings.email_backoff_base_seconds * 2 ** (attempt - 1)
            )
            wait = max(
                backoff, min(_retry_after(dict(exc.headers)) or 0.0, settings.email_backoff_max_seconds)
            )
            ends = time.monotonic() - started + wait + settings.resend_timeout_seconds
            if (
                not retryable
                or attempt >= settings.email_max_attempts
                or ends > settings.email_send_budget_seconds
            ):
                raise SendFailed(code, retryable=retryable, attempts=attempt) from None
            get_logger().info(
                "resend retry", extra={"status": status, "attempt": attempt, "wait_seconds": wait}
            )
            _sleep(wait)
