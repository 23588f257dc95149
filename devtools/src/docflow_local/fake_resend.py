"""A local stand-in for Resend speaking the part of its documented HTTP API DocFlow uses.

Served by the local stack on ``RESEND_BASE_URL`` and started by the tests on a free port. Like Resend:

- ``POST /emails`` with a JSON body (``from``, ``to`` (one address or up to 50), ``subject``, ``html``
  and/or ``text``, ``attachments`` with base64 ``content`` and optional ``content_id``, ``tags``),
  bearer API key; answers ``{"id": "<uuid>"}``. ``GET /emails/{id}`` reads a sent message back.
- The error object ``{"statusCode", "message", "name"}``: 401 ``missing_api_key``, 403
  ``invalid_api_key``, 422 ``validation_error`` / ``missing_required_field``, 429
  ``rate_limit_exceeded``, 500 ``internal_server_error``.
- ``Idempotency-Key`` (at most 256 characters): the same key with the same body replays the first
  answer for 24 hours; with another body it is a 409 ``invalid_idempotent_request``; while the first
  request with the key is still running, a 409 ``concurrent_idempotent_requests``.
- The team's rate limit (``rate_per_second``, 5 by default, over a sliding second): every answer has
  ``ratelimit-limit``, ``ratelimit-remaining`` and ``ratelimit-reset``; past it a 429 with
  ``retry-after``.

Delivery events are signed as Resend (Svix) signs them: :meth:`FakeResend.signed_event` gives the body
and headers for a test to deliver. Faults for tests: :meth:`FakeResend.fail_next` (``"429"``,
``"500"``, ``"html"``: a 502 page that is not JSON) and ``latency_seconds``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import urlsplit

from docflow_local.fake_server import FakeHandler, FakeServer

MAX_BODY_BYTES = 40 * 1024 * 1024
MAX_IDEMPOTENCY_KEY = 256
IDEMPOTENCY_SECONDS = 24 * 3600


class ResendProblem(Exception):
    """An error answered as Resend's error object."""

    def __init__(self, status: int, name: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.name, self.headers = status, name, headers or {}


@dataclass(slots=True)
class FakeResendState:
    """Everything the fake remembers; tests read it to assert what reached Resend."""

    emails: dict[str, dict[str, Any]] = field(default_factory=dict)
    sent: list[dict[str, Any]] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)
    idempotency: dict[str, tuple[str, float, dict[str, Any] | None]] = field(default_factory=dict)
    faults: list[str] = field(default_factory=list)
    hits: deque[float] = field(default_factory=deque)
    rate_limited: int = 0


def svix_sign(secret: str, svix_id: str, timestamp: int, body: bytes) -> str:
    """``v1,<base64>``: Resend's (Svix's) signature of a delivery under ``whsec_<base64>``."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    digest = hmac.new(key, f"{svix_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


class FakeResend(FakeServer):
    """The fake server. ``with FakeResend(api_key=...) as fake:`` serves it on ``fake.url`` until exit."""

    thread_name = "fake-resend"

    def __init__(
        self,
        *,
        api_key: str,
        webhook_secret: str | None = None,
        rate_per_second: int = 5,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.api_key = api_key
        self.webhook_secret = webhook_secret
        self.rate_per_second = rate_per_second
        self.latency_seconds = 0.0
        self.state = FakeResendState()
        self.lock = threading.RLock()
        super().__init__(_handler_for(self), host=host, port=port)

    @property
    def url(self) -> str:
        """The API base, e.g. ``http://127.0.0.1:54333``."""
        return self.origin

    def fail_next(self, *faults: str) -> None:
        """Answer the next API requests with these faults, in order: ``"429"``, ``"500"``, ``"html"``."""
        with self.lock:
            self.state.faults.extend(faults)

    def reset(self) -> None:
        """Forget everything sent (between tests)."""
        with self.lock:
            self.state = FakeResendState()

    def sent_to(self, address: str) -> list[dict[str, Any]]:
        """The messages accepted for ``address``."""
        with self.lock:
            return [m for m in self.state.sent if address in m["to"]]

    # --- rate limit ------------------------------------------------------------------------------

    def _rate_headers(self, now: float) -> dict[str, str]:
        hits = self.state.hits
        while hits and hits[0] <= now - 1.0:
            hits.popleft()
        remaining = max(0, self.rate_per_second - len(hits))
        reset = max(0.0, (hits[0] + 1.0 - now)) if hits else 0.0
        return {
            "ratelimit-limit": str(self.rate_per_second),
            "ratelimit-remaining": str(remaining),
            "ratelimit-reset": str(max(1, int(reset + 0.999))),
        }

    def _take(self, now: float) -> dict[str, str]:
        headers = self._rate_headers(now)
        if headers["ratelimit-remaining"] == "0":
            self.state.rate_limited += 1
            retry = str(max(1, int(self.state.hits[0] + 1.0 - now + 0.999)))
            raise ResendProblem(
                429,
                "rate_limit_exceeded",
                "Too many requests. You can only make 5 requests per second.",
                {**headers, "retry-after": retry},
            )
        self.state.hits.append(now)
        headers["ratelimit-remaining"] = str(int(headers["ratelimit-remaining"]) - 1)
        return headers

    # --- the API ---------------------------------------------------------------------------------

    def create_email(self, body: dict[str, Any]) -> dict[str, Any]:
        for name in ("from", "to", "subject"):
            if not body.get(name):
                raise ResendProblem(422, "missing_required_field", f"Missing `{name}` field.")
        if not body.get("html") and not body.get("text"):
            raise ResendProblem(422, "validation_error", "Missing `html` or `text` field.")
        to = body["to"] if isinstance(body["to"], list) else [body["to"]]
        if not 1 <= len(to) <= 50 or not all(isinstance(a, str) and "@" in a for a in to):
            raise ResendProblem(422, "validation_error", "Invalid `to` field.")
        for attachment in body.get("attachments") or []:
            try:
                base64.b64decode(str(attachment.get("content", "")), validate=True)
            except ValueError:
                raise ResendProblem(422, "validation_error", "Invalid attachment content.") from None
        email_id = str(uuid.uuid4())
        record = {
            "object": "email",
            "id": email_id,
            "to": to,
            "from": body["from"],
            "subject": body["subject"],
            "html": body.get("html"),
            "text": body.get("text"),
            "attachments": body.get("attachments") or [],
            "tags": body.get("tags") or [],
            "created_at": time.strftime("%Y-%m-%d %H:%M:%S+00", time.gmtime()),
            "last_event": "sent",
        }
        self.state.emails[email_id] = record
        self.state.sent.append(record)
        return {"id": email_id}

    def signed_event(
        self, kind: str, email_id: str, *, extra: dict[str, Any] | None = None, timestamp: int | None = None
    ) -> tuple[bytes, dict[str, str]]:
        """The body and Svix headers of a delivery of event ``kind`` about ``email_id``."""
        if not self.webhook_secret:
            raise RuntimeError("the fake has no webhook secret")
        record = self.state.emails.get(email_id, {})
        event = {
            "type": kind,
            "created_at": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
            "data": {
                "email_id": email_id,
                "from": record.get("from"),
                "to": record.get("to", []),
                "subject": record.get("subject"),
                "created_at": record.get("created_at"),
                **(extra or {}),
            },
        }
        body = json.dumps(event).encode()
        svix_id = f"msg_{uuid.uuid4().hex}"
        moment = int(time.time()) if timestamp is None else timestamp
        return body, {
            "svix-id": svix_id,
            "svix-timestamp": str(moment),
            "svix-signature": svix_sign(self.webhook_secret, svix_id, moment, body),
            "content-type": "application/json",
        }


def _handler_for(fake: FakeResend) -> type[BaseHTTPRequestHandler]:
    class Handler(FakeHandler):
        protocol_version = "HTTP/1.1"

        def _dispatch(self, method: str) -> None:
            path = urlsplit(self.path).path
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(min(length, MAX_BODY_BYTES + 1)) if length else b""
            with fake.lock:
                fake.state.requests.append((method, path))
            if fake.latency_seconds:
                time.sleep(fake.latency_seconds)
            key = self.headers.get("Idempotency-Key") if method == "POST" else None
            rate: dict[str, str] = {}
            try:
                self._authorise()
                with fake.lock:
                    rate = fake._take(time.monotonic())
                    fault = fake.state.faults.pop(0) if fake.state.faults else None
                if fault == "429":
                    raise ResendProblem(
                        429, "rate_limit_exceeded", "Too many requests.", {**rate, "retry-after": "1"}
                    )
                if fault == "500":
                    raise ResendProblem(500, "internal_server_error", "An unexpected error occurred.")
                if fault == "html":
                    self._send(502, b"<html><body>Bad gateway</body></html>", {"Content-Type": "text/html"})
                    return
                if length > MAX_BODY_BYTES:
                    raise ResendProblem(422, "validation_error", "The request body is too large.")
                if method == "GET" and path.startswith("/emails/"):
                    with fake.lock:
                        found = fake.state.emails.get(path.removeprefix("/emails/"))
                    if found is None:
                        raise ResendProblem(404, "not_found", "Email not found.")
                    self._reply(200, found, rate)
                    return
                if method != "POST" or path != "/emails":
                    raise ResendProblem(404, "not_found", "The requested endpoint does not exist.")
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    raise ResendProblem(422, "validation_error", "Invalid JSON body.") from None
                if not isinstance(body, dict):
                    raise ResendProblem(422, "validation_error", "Invalid JSON body.")
                self._reply(200, self._idempotent(key, raw, body), rate)
            except ResendProblem as problem:
                error = {"statusCode": problem.status, "message": str(problem), "name": problem.name}
                self._reply(problem.status, error, {**rate, **problem.headers})

        def _idempotent(self, key: str | None, raw: bytes, body: dict[str, Any]) -> dict[str, Any]:
            if key is None:
                with fake.lock:
                    return fake.create_email(body)
            if not 1 <= len(key) <= MAX_IDEMPOTENCY_KEY:
                raise ResendProblem(400, "invalid_idempotency_key", "The key must be 1-256 characters.")
            digest = hashlib.sha256(raw).hexdigest()
            now = time.time()
            with fake.lock:
                seen = fake.state.idempotency.get(key)
                if seen is not None and now - seen[1] < IDEMPOTENCY_SECONDS:
                    if seen[0] != digest:
                        raise ResendProblem(
                            409,
                            "invalid_idempotent_request",
                            "Same idempotency key used with a different request payload.",
                        )
                    if seen[2] is None:
                        raise ResendProblem(
                            409,
                            "concurrent_idempotent_requests",
                            "Same idempotency key used while original request is still in progress.",
                        )
                    return seen[2]
                fake.state.idempotency[key] = (digest, now, None)
            try:
                with fake.lock:
                    answer = fake.create_email(body)
            except ResendProblem:
                with fake.lock:
                    fake.state.idempotency.pop(key, None)
                raise
            with fake.lock:
                fake.state.idempotency[key] = (digest, now, answer)
            return answer

        def _authorise(self) -> None:
            header = self.headers.get("Authorization") or ""
            if not header.startswith("Bearer ") or not header[7:]:
                raise ResendProblem(401, "missing_api_key", "Missing API key in the authorization header.")
            if not hmac.compare_digest(header[7:].encode(), fake.api_key.encode()):
                raise ResendProblem(403, "invalid_api_key", "API key is invalid.")

        def _reply(self, status: int, payload: dict[str, Any], headers: dict[str, str]) -> None:
            self._send(status, json.dumps(payload).encode(), {"Content-Type": "application/json", **headers})

        def _send(self, status: int, data: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler
