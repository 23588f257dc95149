"""Headless Chromium (Debian's ``chromium``) driven over the DevTools protocol on a pipe: no port, no
extra package. Used to look at rendered HTML as a person would (the report e-mail's screenshots).

Chromium starts with a fresh ``--user-data-dir`` and every background feature off; the protocol's
messages are JSON separated by NUL bytes on file descriptors 3 (to Chromium) and 4 (from it).
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import itertools
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
)


def chromium_binary() -> str | None:
    """The Chromium executable, if installed (``make chromium`` installs it as root)."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


class Chromium:
    """One headless browser with one page; ``with Chromium() as browser: browser.open(url, width=...)``."""

    def __init__(self, binary: str, *, timeout: float = 30.0) -> None:
        self.timeout = timeout
        self._profile = tempfile.TemporaryDirectory(prefix="docflow-chromium-")
        to_read, to_chromium = os.pipe()
        from_chromium, to_write = os.pipe()

        def pipes_on_3_and_4() -> None:
            # Chromium reads commands on fd 3 and writes answers on fd 4 (dup2 leaves them inheritable).
            low, high = fcntl.fcntl(to_read, fcntl.F_DUPFD, 10), fcntl.fcntl(to_write, fcntl.F_DUPFD, 10)
            os.dup2(low, 3)
            os.dup2(high, 4)

        self._process = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={self._profile.name}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=False,
            preexec_fn=pipes_on_3_and_4,  # noqa: PLW1509 - only dup2 calls in the child
        )
        os.close(to_read)
        os.close(to_write)
        self._out = os.fdopen(to_chromium, "wb", buffering=0)
        self._in = os.fdopen(from_chromium, "rb", buffering=0)
        self._buffer = b""
        self._ids = itertools.count(1)
        self._events: list[dict[str, Any]] = []
        targets = self.call("Target.getTargets")["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        self.session = self.call("Target.attachToTarget", {"targetId": page["targetId"], "flatten": True})[
            "sessionId"
        ]
        self.call("Page.enable", session=True)

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the browser and remove its profile."""
        with contextlib.suppress(Exception):  # it may be gone already
            self.call("Browser.close")
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
        self._out.close()
        self._in.close()
        self._profile.cleanup()

    def _read_message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline:
                raise TimeoutError("Chromium did not answer in time")
            chunk = self._in.read(65536)
            if not chunk:
                raise ConnectionError("Chromium closed its pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        result: dict[str, Any] = json.loads(message)
        return result

    def call(self, method: str, params: dict[str, Any] | None = None, *, session: bool = False) -> Any:
        """Send one command and wait for its answer (events arriving meanwhile are kept)."""
        ident = next(self._ids)
        command: dict[str, Any] = {"id": ident, "method": method, "params": params or {}}
        if session:
            command["sessionId"] = self.session
        self._out.write(json.dumps(command).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            message = self._read_message(deadline)
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self._events.append(message)

    def wait_for(self, event: str) -> None:
        """Until the page's ``event`` arrives (e.g. ``Page.loadEventFired``)."""
        deadline = time.monotonic() + self.timeout
        while True:
            if any(e.get("method") == event for e in self._events):
                self._events = [e for e in self._events if e.get("method") != event]
                return
            self._events.append(self._read_message(deadline))

    def open(self, url: str, *, width: int, height: int, mobile: bool) -> None:
        """Load ``url`` in a viewport of ``width`` x ``height`` CSS pixels (a phone when ``mobile``)."""
        self.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
            session=True,
        )
        self._events.clear()
        self.call("Page.navigate", {"url": url}, session=True)
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        """The JSON value of a JavaScript expression in the page."""
        result = self.call(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=True
        )["result"]
        return result.get("value")

    def screenshot(self, path: Path) -> bytes:
        """The whole page (beyond the viewport) as PNG, written to ``path``."""
        data = base64.b64decode(
            self.call(
                "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}, session=True
            )["data"]
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return data
