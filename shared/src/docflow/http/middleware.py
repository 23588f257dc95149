"""One ASGI middleware for what every response needs: a correlation id, a request body limit and
security headers. Pure ASGI (no BaseHTTPMiddleware) so it adds microseconds, not a task per request."""

from __future__ import annotations

import json
import re
import sys
import uuid
from collections.abc import MutableMapping
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from docflow.http.problems import INTERNAL_ERROR_DETAIL, PROBLEM_MEDIA_TYPE, problem_body, report_unhandled
from docflow.observability import bind_request, get_logger

CORRELATION_HEADER = "x-correlation-id"
_SAFE_CORRELATION_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"strict-transport-security", b"max-age=63072000; includeSubDomains"),
)
_DOCS_PATHS = ("/docs", "/redoc", "/openapi.json")
_API_CSP = (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'")


def correlation_id_for(scope: Scope) -> str:
    """A client's well-formed ``X-Correlation-Id``, else API Gateway's request id, else a new UUID."""
    for name, value in scope.get("headers", ()):
        if name == CORRELATION_HEADER.encode():
            candidate: str = value.decode("latin-1").strip()
            if _SAFE_CORRELATION_ID.match(candidate):
                return candidate
            break
    event = scope.get("aws.event")
    if isinstance(event, dict):
        request_id = event.get("requestContext", {}).get("requestId")
        if isinstance(request_id, str) and request_id:
            return str(request_id)
    return str(uuid.uuid4())


class RequestGuardMiddleware:
    """Correlation id in and out, body size limit (413), security headers and ``no-store``."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        correlation_id = correlation_id_for(scope)
        bind_request(correlation_id)
        is_docs = str(scope.get("path", "")).startswith(_DOCS_PATHS)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[tuple[bytes, bytes]] = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                extra = [h for h in SECURITY_HEADERS if h[0] not in present]
                if b"cache-control" not in present:
                    extra.append((b"cache-control", b"no-store"))
                if not is_docs and _API_CSP[0] not in present:
                    extra.append(_API_CSP)
                extra.append((CORRELATION_HEADER.encode(), correlation_id.encode()))
                message["headers"] = headers + extra
            await send(message)

        declared = _declared_length(scope)
        if declared is not None and declared > self.max_body_bytes:
            await self._reject_too_large(send_with_headers)
            return
        body = await self._read_body(receive)
        if body is None:
            await self._reject_too_large(send_with_headers)
            return
        started = False

        async def send_tracking(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send_with_headers(message)

        try:
            await self.app(scope, _replay(body, receive), send_tracking)
        except Exception as exc:  # the last line of defence: log, report, answer a generic 500
            if database_unavailable(exc) and not started:
                # the database is down, restarting or out of connections: a 503 the client retries
                get_logger().warning("database unavailable", extra={"error_type": type(exc).__name__})
                await self._send_problem(
                    send_with_headers, 503, DATABASE_UNAVAILABLE_DETAIL, code="database_unavailable"
                )
                return
            report_unhandled(exc)
            if started:
                raise
            await self._send_problem(send_with_headers, 500, INTERNAL_ERROR_DETAIL, code="internal_error")

    async def _read_body(self, receive: Receive) -> bytes | None:
        """The whole request body, or None once it exceeds the limit."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    async def _reject_too_large(self, send: Send) -> None:
        detail = f"The request body exceeds {self.max_body_bytes} bytes"
        await self._send_problem(send, 413, detail, code="payload_too_large")

    @staticmethod
    async def _send_problem(send: Send, status: int, detail: str, *, code: str) -> None:
        title = {413: "Payload too large", 500: "Internal error", 503: "Service unavailable"}[status]
        payload = json.dumps(problem_body(status, code, title, detail)).encode()
        headers = [
            (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
            (b"content-length", str(len(payload)).encode()),
        ]
        if status == 503:
            headers.append((b"retry-after", str(DATABASE_RETRY_AFTER_SECONDS).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": payload})


DATABASE_UNAVAILABLE_DETAIL = "The database is unavailable right now; try again in a few seconds"
DATABASE_RETRY_AFTER_SECONDS = 5


def database_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` says the database cannot be reached (connection refused or lost, the pool's
    wait for a connection timed out: ``psycopg.OperationalError`` and its subclasses). psycopg is
    only consulted once loaded, so this costs a cold start nothing."""
    psycopg = sys.modules.get("psycopg")
    return psycopg is not None and isinstance(exc, psycopg.OperationalError)


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands the buffered body to the app once, then defers to the server."""
    sent = False

    async def replay() -> MutableMapping[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
