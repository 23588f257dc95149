"""The serving part every local fake of an outside service shares: a threaded HTTP server on a local
port, started in the background and stopped with its port released (also as a context manager)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self


class FakeServer:
    """Serves ``handler`` on ``host:port`` (0: a free port) in a daemon thread once started."""

    #: Name of the serving thread, for thread dumps.
    thread_name = "fake-server"

    def __init__(
        self, handler: type[BaseHTTPRequestHandler], *, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self._server = ThreadingHTTPServer((host, port), handler)
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def origin(self) -> str:
        """``http://host:port`` of the listening socket."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> Self:
        """Serve in a background thread."""
        self._thread = threading.Thread(target=self._server.serve_forever, name=self.thread_name, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


class FakeHandler(BaseHTTPRequestHandler):
    """Request handler base of the fakes: never logs (keys, tokens, prompts and addresses stay out of
    test output) and hands ``GET`` and ``POST`` to ``_dispatch(method)``."""

    def log_message(self, *_: object) -> None:
        return

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        self.send_error(405)
