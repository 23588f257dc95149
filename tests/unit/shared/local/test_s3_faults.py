"""The local S3's scripted faults: only requests under the chosen prefix fail, as S3 fails them
(500 ``InternalError``, or held and then 503 ``SlowDown``), until cleared."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from docflow_local.s3_faults import FaultMiddleware, S3Faults


def _call(app: FaultMiddleware, path: str, method: str = "GET") -> tuple[str, bytes]:
    seen: list[str] = []

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        seen.append(status)

    body = b"".join(app({"PATH_INFO": path, "REQUEST_METHOD": method}, start_response))
    return seen[0], body


def _moto(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"moto"]


def test_no_fault_passes_every_request_through() -> None:
    app = FaultMiddleware(_moto, S3Faults())
    assert _call(app, "/bucket/key") == ("200 OK", b"moto")


def test_500_fails_the_bucket_only_and_is_counted_until_cleared() -> None:
    faults = S3Faults()
    app = FaultMiddleware(_moto, faults)
    faults.fail("500", path_prefix="/bucket")
    status, body = _call(app, "/bucket/incoming/k.png")
    assert status.startswith("500")
    assert b"<Code>InternalError</Code>" in body
    assert _call(app, "/") == ("200 OK", b"moto")  # SQS of the notifications, served by the same moto
    assert faults.answered == 1
    faults.clear()
    assert _call(app, "/bucket/incoming/k.png") == ("200 OK", b"moto")


def test_hang_holds_the_request_then_answers_slow_down() -> None:
    faults = S3Faults()
    faults.fail("hang", path_prefix="/bucket", hang_seconds=0.2)
    started = time.monotonic()
    status, body = _call(FaultMiddleware(_moto, faults), "/bucket/k")
    assert time.monotonic() - started >= 0.2
    assert status.startswith("503")
    assert b"<Code>SlowDown</Code>" in body


def test_a_fault_can_spare_some_methods() -> None:
    faults = S3Faults()
    faults.fail("500", path_prefix="/bucket", methods=frozenset({"GET", "HEAD"}))
    app = FaultMiddleware(_moto, faults)
    assert _call(app, "/bucket", "POST") == ("200 OK", b"moto")  # a browser's upload lands
    assert _call(app, "/bucket/k", "HEAD")[0].startswith("500")
