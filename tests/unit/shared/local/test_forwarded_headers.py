"""The local API believes no ``X-Forwarded-For`` unless told which proxies to trust: the caller's
address (what per-address rate limits count) is the connection's, as ``sourceIp`` is in AWS."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn

from docflow_local.stack import TRUSTED_PROXIES_VARIABLE, server_config


async def echo_client(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Answers with the client address the server gave the app."""
    if scope["type"] != "http":
        return
    host = (scope.get("client") or ("none", 0))[0]
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": f"{host} {scope['scheme']}".encode()})


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(monkeypatch: pytest.MonkeyPatch, trusted: str | None) -> Iterator[str]:
    if trusted is None:
        monkeypatch.delenv(TRUSTED_PROXIES_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(TRUSTED_PROXIES_VARIABLE, trusted)
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "*")  # uvicorn's own variable must not widen the trust
    port = _free_port()
    server = uvicorn.Server(server_config(echo_client, port))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def untrusting(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    yield from _serve(monkeypatch, None)


@pytest.fixture
def trusting_localhost(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    yield from _serve(monkeypatch, "127.0.0.1")


FORWARDED = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https", "Forwarded": "for=203.0.113.9"}


def test_forwarded_headers_are_ignored_by_default(untrusting: str) -> None:
    assert httpx.get(untrusting, headers=FORWARDED).text == "127.0.0.1 http"


def test_forwarded_headers_from_a_named_proxy_are_believed(trusting_localhost: str) -> None:
    assert httpx.get(trusting_localhost, headers=FORWARDED).text == "203.0.113.9 https"
