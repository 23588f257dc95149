"""A local emulation of the Lambda Runtime API, enough for a runtime interface client (awslambdaric).

The client long-polls ``GET /2018-06-01/runtime/invocation/next``; each ``invoke(event)`` hands it one
event and waits for its ``POST .../invocation/{id}/response`` or ``.../error``. A failing handler
import is reported on ``POST /2018-06-01/runtime/init/error``. The time of the first ``next`` call is
kept: the client asks for work only after it has imported the handler, so that is the end of init.
"""

from __future__ import annotations

import json
import queue
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

from docflow_local.fake_server import FakeHandler, FakeServer

PREFIX = "/2018-06-01/runtime"


@dataclass(frozen=True)
class Outcome:
    """What the function answered to one invocation: ``response`` or ``error``, and the JSON body."""

    kind: str
    body: Any
    seconds: float


class RuntimeApiError(Exception):
    """The runtime reported an init error, or no answer came in time."""


class LambdaRuntimeApi(FakeServer):
    """The Runtime API on a free local port; ``address`` is the value of ``AWS_LAMBDA_RUNTIME_API``."""

    thread_name = "lambda-runtime-api"

    def __init__(self, *, function_arn: str = "arn:aws:lambda:eu-north-1:000000000000:function:ocr") -> None:
        self.function_arn = function_arn
        self._pending: queue.Queue[tuple[str, bytes]] = queue.Queue()
        self._answers: dict[str, queue.Queue[Outcome]] = {}
        self._started: dict[str, float] = {}
        self._lock = threading.Lock()
        self.first_next_at: float | None = None
        self.init_error: Any = None
        super().__init__(self._handler_class())

    @property
    def address(self) -> str:
        """``host:port``, as the client reads it from ``AWS_LAMBDA_RUNTIME_API``."""
        return self.origin.removeprefix("http://")

    def invoke(self, event: Any, *, timeout: float = 120.0) -> Outcome:
        """Queue one event for the client and wait for its answer."""
        request_id = str(uuid.uuid4())
        answer: queue.Queue[Outcome] = queue.Queue(maxsize=1)
        with self._lock:
            self._answers[request_id] = answer
        self._pending.put((request_id, json.dumps(event).encode()))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.init_error is not None:
                raise RuntimeApiError(f"init error: {self.init_error}")
            try:
                return answer.get(timeout=0.2)
            except queue.Empty:
                continue
        raise RuntimeApiError(f"no answer to {request_id} within {timeout} s")

    def wait_until_ready(self, *, timeout: float) -> float:
        """Wait for the client's first ``next`` call; returns its monotonic time."""
        deadline = time.monotonic() + timeout
        while self.first_next_at is None:
            if self.init_error is not None:
                raise RuntimeApiError(f"init error: {self.init_error}")
            if time.monotonic() > deadline:
                raise RuntimeApiError(f"the runtime did not ask for work within {timeout} s")
            time.sleep(0.02)
        return self.first_next_at

    def _next(self) -> tuple[str, bytes]:
        if self.first_next_at is None:
            self.first_next_at = time.monotonic()
        request_id, body = self._pending.get()
        self._started[request_id] = time.monotonic()
        return request_id, body

    def _answer(self, request_id: str, kind: str, body: Any) -> bool:
        with self._lock:
            answer = self._answers.pop(request_id, None)
        if answer is None:
            return False
        answer.put(Outcome(kind, body, time.monotonic() - self._started.get(request_id, time.monotonic())))
        return True

    def _handler_class(self) -> type[FakeHandler]:
        api = self

        class Handler(FakeHandler):
            def _dispatch(self, method: str) -> None:
                path = self.path.split("?", 1)[0]
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else None
                if method == "GET" and path == f"{PREFIX}/invocation/next":
                    request_id, event = api._next()
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Lambda-Runtime-Aws-Request-Id", request_id)
                    self.send_header("Lambda-Runtime-Deadline-Ms", str(int(time.time() * 1000) + 60_000))
                    self.send_header("Lambda-Runtime-Invoked-Function-Arn", api.function_arn)
                    self.send_header(
                        "Lambda-Runtime-Trace-Id", f"Root=1-{uuid.uuid4().hex[:8]}-{uuid.uuid4().hex[:24]}"
                    )
                    self.send_header("Content-Length", str(len(event)))
                    self.end_headers()
                    self.wfile.write(event)
                    return
                parts = path.removeprefix(f"{PREFIX}/").split("/")
                if method == "POST" and parts == ["init", "error"]:
                    api.init_error = body
                    self._reply(202)
                elif (
                    method == "POST"
                    and len(parts) == 3
                    and parts[0] == "invocation"
                    and parts[2]
                    in {
                        "response",
                        "error",
                    }
                ):
                    self._reply(202 if api._answer(parts[1], parts[2], body) else 404)
                else:
                    self._reply(404)

            def _reply(self, status: int) -> None:
                payload = b'{"status":"OK"}' if status == 202 else b'{"errorType":"InvalidRequestID"}'
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        return Handler
