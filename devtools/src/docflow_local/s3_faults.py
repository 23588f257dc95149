"""Scripted faults of the local S3, for the fault benchmarks and tests.

:class:`S3Faults` is a switch the local S3 server consults on every request whose path starts with
``path_prefix`` (a bucket: the local SQS of the bucket notifications, served by the same moto, keeps
working, as SQS does when S3 is in trouble): ``"500"`` answers S3's ``InternalError``, ``"hang"``
holds the request ``hang_seconds`` before answering ``503 SlowDown`` (clients with a read timeout
give up first). ``methods`` narrows a fault to some HTTP methods (e.g. the pipeline's ``HEAD`` and
``GET`` while browsers' ``POST`` uploads still land). :class:`FaultMiddleware` applies it in front of
the WSGI app.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

Mode = Literal["500", "hang"]
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


@dataclass
class S3Faults:
    """The fault in force (``None``: none) and how many requests it has answered."""

    mode: Mode | None = None
    path_prefix: str = "/"
    hang_seconds: float = 30.0
    methods: frozenset[str] | None = None
    answered: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def fail(
        self,
        mode: Mode,
        *,
        path_prefix: str = "/",
        hang_seconds: float = 30.0,
        methods: frozenset[str] | None = None,
    ) -> None:
        """Answer every request under ``path_prefix`` (of ``methods``, all when ``None``) with ``mode``
        until :meth:`clear`."""
        with self.lock:
            self.mode, self.path_prefix, self.hang_seconds = mode, path_prefix, hang_seconds
            self.methods = methods

    def clear(self) -> None:
        """Serve every request again."""
        with self.lock:
            self.mode = None

    def take(self, method: str, path: str) -> tuple[Mode, float] | None:
        """The fault to apply to a ``method`` request for ``path``, counted, or ``None``."""
        with self.lock:
            if self.mode is None or not path.startswith(self.path_prefix):
                return None
            if self.methods is not None and method not in self.methods:
                return None
            self.answered += 1
            return self.mode, self.hang_seconds


def _error(code: str, message: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{code}</Code><Message>{message}</Message>"
        f"<RequestId>{uuid.uuid4().hex[:16].upper()}</RequestId></Error>"
    ).encode()


class FaultMiddleware:
    """A WSGI wrapper answering the requests :class:`S3Faults` selects with its fault."""

    def __init__(self, app: WsgiApp, faults: S3Faults) -> None:
        self.app = app
        self.faults = faults

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        fault = self.faults.take(environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", ""))
        if fault is None:
            return self.app(environ, start_response)
        mode, seconds = fault
        if mode == "hang":
            time.sleep(seconds)
            status, body = "503 Slow Down", _error("SlowDown", "Please reduce your request rate.")
        else:
            status, body = (
                "500 Internal Server Error",
                _error("InternalError", "We encountered an internal error. Please try again."),
            )
        start_response(status, [("Content-Type", "application/xml"), ("Content-Length", str(len(body)))])
        return [body]
