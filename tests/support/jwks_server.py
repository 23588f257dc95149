"""A JWKS endpoint on 127.0.0.1 served from a background thread, for tests over real HTTP."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

JWKS_PATH = "/auth/v1/.well-known/jwks.json"


class JwksServer(ThreadingHTTPServer):
    """Serves ``document`` at :data:`JWKS_PATH`; ``status`` and ``delay_seconds`` simulate failures."""

    daemon_threads = True

    def __init__(self, document: Mapping[str, Any], *, delay_seconds: float = 0.0) -> None:
        super().__init__(("127.0.0.1", 0), _JwksHandler)
        self.document: Mapping[str, Any] = document
        self.delay_seconds = delay_seconds
        self.status = 200
        self.request_count = 0
        self.stopping = threading.Event()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``, usable as ``SUPABASE_URL``."""
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def url(self) -> str:
        """The JWKS URL, as :attr:`docflow.config.Settings.jwks_url` derives it from the base URL."""
        return self.base_url + JWKS_PATH

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that time out and hang up are expected here: stay quiet."""


class _JwksHandler(BaseHTTPRequestHandler):
    server: JwksServer

    def do_GET(self) -> None:
        self.server.request_count += 1
        if self.server.delay_seconds and self.server.stopping.wait(self.server.delay_seconds):
            return
        body = json.dumps(self.server.document).encode()
        status = self.server.status if self.path == JWKS_PATH else 404
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output clean."""


@contextmanager
def serve_jwks(document: Mapping[str, Any], *, delay_seconds: float = 0.0) -> Iterator[JwksServer]:
    """Run a :class:`JwksServer` for the duration of the ``with`` block."""
    server = JwksServer(document, delay_seconds=delay_seconds)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), name="jwks-server", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
