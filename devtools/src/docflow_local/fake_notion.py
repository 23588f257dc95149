"""A local stand-in for Notion speaking the part of its documented API DocFlow uses (the SDK's
endpoint types: ``pages``, ``data_sources``, ``blocks``, ``users``).

Served by the local stack on ``NOTION_BASE_URL`` (port ``NOTION_PORT``, 54334) and started by the tests
on a free port. Like Notion:

- ``Authorization: Bearer <token>`` of a known integration (401 ``unauthorized``), ``Notion-Version``
  required (400 ``missing_version``); the error object ``{"object": "error", "status", "code",
  "message", "request_id"}``.
- ``POST /v1/pages`` (parent ``{"type": "data_source_id", "data_source_id"}``, ``properties``, up to
  100 ``children``), ``GET``/``PATCH /v1/pages/{id}``, ``POST /v1/data_sources/{id}/query`` (a
  ``rich_text`` ``equals`` filter), ``GET /v1/data_sources/{id}``, ``PATCH /v1/blocks/{id}/children``
  (up to 100 blocks), ``GET /v1/users/me``. A rich text ``content`` above 2 000 characters, more than
  100 blocks or an unknown data source is a 400 ``validation_error`` / 404 ``object_not_found``.
- The per-integration rate limit (``rate_per_second``, 3 by default, over a sliding second): past it a
  429 ``rate_limited`` with ``Retry-After``; ``over_limit`` counts those.

Faults for tests (:meth:`FakeNotion.fail_next`): ``"429"``, ``"500"``, ``"slow"`` (answers after
``slow_seconds``), ``"redirect"`` (a 307 to elsewhere), ``"oversized"`` (a body larger than any
client accepts).
"""

from __future__ import annotations

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

NOTION_VERSION = "2025-09-03"
MAX_RICH_TEXT = 2000
MAX_BLOCKS = 100
MAX_BODY_BYTES = 2 * 1024 * 1024
OVERSIZED_BYTES = 12 * 1024 * 1024


class NotionProblem(Exception):
    """An error answered as Notion's error object."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.headers = status, code, headers or {}


@dataclass(slots=True)
class FakeNotionState:
    """What the fake remembers; tests and benchmarks read it."""

    pages: dict[str, dict[str, Any]] = field(default_factory=dict)
    data_sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[tuple[str, str, float]] = field(default_factory=list)
    faults: list[str] = field(default_factory=list)
    hits: dict[str, deque[float]] = field(default_factory=dict)
    over_limit: int = 0
    creates: int = 0


class FakeNotion(FakeServer):
    """``with FakeNotion(tokens={...}) as fake:`` serves it on ``fake.url`` until exit."""

    thread_name = "fake-notion"

    def __init__(
        self,
        *,
        tokens: set[str] | None = None,
        rate_per_second: float = 3.0,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.tokens = set(tokens or ())
        self.rate_per_second = rate_per_second
        self.slow_seconds = 3.0
        self.state = FakeNotionState()
        self.lock = threading.RLock()
        super().__init__(_handler_for(self), host=host, port=port)

    @property
    def url(self) -> str:
        """The API base (the SDK appends ``/v1/``)."""
        return self.origin

    def add_token(self, token: str) -> None:
        """Accept ``token`` as an integration's."""
        with self.lock:
            self.tokens.add(token)

    def add_data_source(self, name: str = "DocFlow clients") -> str:
        """A new data source (database) the integrations may write to; its id."""
        ds = str(uuid.uuid4())
        with self.lock:
            self.state.data_sources[ds] = {"object": "data_source", "id": ds, "title": [{"plain_text": name}]}
        return ds

    def fail_next(self, *faults: str) -> None:
        """Answer the next requests with these faults, in order (see the module documentation)."""
        with self.lock:
            self.state.faults.extend(faults)

    def reset(self) -> None:
        """Forget pages, requests and faults (data sources and tokens stay)."""
        with self.lock:
            sources = self.state.data_sources
            self.state = FakeNotionState(data_sources=sources)

    def pages_in(self, data_source: str) -> list[dict[str, Any]]:
        """The pages of a data source."""
        with self.lock:
            return [p for p in self.state.pages.values() if p["parent"].get("data_source_id") == data_source]

    # --- limits ----------------------------------------------------------------------------------

    def _take(self, token: str, now: float) -> None:
        hits = self.state.hits.setdefault(token, deque())
        while hits and hits[0] <= now - 1.0:
            hits.popleft()
        if len(hits) >= self.rate_per_second:
            self.state.over_limit += 1
            retry = max(1, int(hits[0] + 1.0 - now + 0.999))
            raise NotionProblem(
                429, "rate_limited", "You have been rate limited.", {"retry-after": str(retry)}
            )
        hits.append(now)

    @staticmethod
    def _check_rich_text(items: Any) -> None:
        if not isinstance(items, list) or len(items) > 100:
            raise NotionProblem(400, "validation_error", "rich_text should have at most 100 items.")
        for item in items:
            content = ((item or {}).get("text") or {}).get("content", "")
            if not isinstance(content, str) or len(content) > MAX_RICH_TEXT:
                raise NotionProblem(
                    400, "validation_error", "body.rich_text.text.content.length should be ≤ 2000."
                )

    def _check_properties(self, properties: Any) -> None:
        if not isinstance(properties, dict):
            raise NotionProblem(400, "validation_error", "body.properties should be an object.")
        for value in properties.values():
            if not isinstance(value, dict):
                raise NotionProblem(400, "validation_error", "A property value should be an object.")
            for key in ("title", "rich_text"):
                if key in value:
                    self._check_rich_text(value[key])

    def _check_blocks(self, blocks: Any) -> None:
        if not isinstance(blocks, list) or len(blocks) > MAX_BLOCKS:
            raise NotionProblem(400, "validation_error", "body.children.length should be ≤ 100.")
        for block in blocks:
            kind = (block or {}).get("type")
            self._check_rich_text(((block or {}).get(kind) or {}).get("rich_text", []))

    # --- the API ---------------------------------------------------------------------------------

    def route(self, method: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        parts = [p for p in path.split("/") if p]
        if parts[:1] != ["v1"]:
            raise NotionProblem(400, "invalid_request_url", "Invalid request URL.")
        rest = parts[1:]
        if method == "GET" and rest == ["users", "me"]:
            return {"object": "user", "id": "bot-" + uuid.uuid4().hex[:8], "type": "bot", "bot": {}}
        if method == "POST" and rest == ["pages"]:
            return self._create_page(body)
        if len(rest) == 2 and rest[0] == "pages":
            page = self.state.pages.get(rest[1])
            if page is None or page.get("archived"):
                raise NotionProblem(404, "object_not_found", f"Could not find page with ID: {rest[1]}.")
            if method == "PATCH":
                if "properties" in body:
                    self._check_properties(body["properties"])
                    page["properties"].update(body["properties"])
                page["archived"] = bool(body.get("archived", page.get("archived", False)))
                page["last_edited_time"] = _now()
            return page
        if len(rest) == 2 and rest[0] == "data_sources" and method == "GET":
            return self._data_source(rest[1])
        if len(rest) == 3 and rest[0] == "data_sources" and rest[2] == "query" and method == "POST":
            return self._query(rest[1], body)
        if len(rest) == 3 and rest[0] == "blocks" and rest[2] == "children" and method == "PATCH":
            page = self.state.pages.get(rest[1])
            if page is None:
                raise NotionProblem(404, "object_not_found", f"Could not find block with ID: {rest[1]}.")
            self._check_blocks(body.get("children"))
            page["children"].extend(body["children"])
            return {"object": "list", "results": body["children"], "has_more": False, "next_cursor": None}
        raise NotionProblem(400, "invalid_request_url", "Invalid request URL.")

    def _data_source(self, ds: str) -> dict[str, Any]:
        source = self.state.data_sources.get(ds)
        if source is None:
            raise NotionProblem(404, "object_not_found", f"Could not find data_source with ID: {ds}.")
        return source

    def _create_page(self, body: dict[str, Any]) -> dict[str, Any]:
        parent = body.get("parent") or {}
        if parent.get("type") != "data_source_id":
            raise NotionProblem(400, "validation_error", "body.parent.data_source_id should be defined.")
        self._data_source(str(parent.get("data_source_id")))
        self._check_properties(body.get("properties"))
        self._check_blocks(body.get("children", []))
        page_id = str(uuid.uuid4())
        page = {
            "object": "page",
            "id": page_id,
            "parent": {"type": "data_source_id", "data_source_id": parent["data_source_id"]},
            "properties": body["properties"],
            "children": list(body.get("children", [])),
            "archived": False,
            "created_time": _now(),
            "last_edited_time": _now(),
            "url": f"https://www.notion.so/{page_id.replace('-', '')}",
        }
        self.state.pages[page_id] = page
        self.state.creates += 1
        return page

    def _query(self, ds: str, body: dict[str, Any]) -> dict[str, Any]:
        self._data_source(ds)
        wanted = body.get("filter") or {}
        name, equals = wanted.get("property"), (wanted.get("rich_text") or {}).get("equals")
        results = []
        for page in self.pages_in(ds):
            if name is not None:
                items = (page["properties"].get(name) or {}).get("rich_text") or []
                text = "".join(((i.get("text") or {}).get("content", "")) for i in items)
                if text != equals:
                    continue
            results.append(page)
        size = int(body.get("page_size") or 100)
        return {
            "object": "list",
            "results": results[:size],
            "has_more": len(results) > size,
            "next_cursor": None,
        }


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())


def _handler_for(fake: FakeNotion) -> type[BaseHTTPRequestHandler]:
    class Handler(FakeHandler):
        def do_PATCH(self) -> None:  # noqa: N802 - the http.server naming
            self._dispatch("PATCH")

        def _dispatch(self, method: str) -> None:
            path = urlsplit(self.path).path
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(min(length, MAX_BODY_BYTES)) if length else b""
            try:
                with fake.lock:
                    fake.state.requests.append((method, path, time.monotonic()))
                    fault = fake.state.faults.pop(0) if fake.state.faults else None
                if fault == "slow":
                    time.sleep(fake.slow_seconds)
                elif fault == "redirect":
                    self._send(307, b"", {"location": "http://127.0.0.1:9/elsewhere"})
                    return
                elif fault == "oversized":
                    self._send(200, b" " * 0, {"content-length": str(OVERSIZED_BYTES)}, declared=True)
                    return
                elif fault == "429":
                    raise NotionProblem(
                        429, "rate_limited", "You have been rate limited.", {"retry-after": "0"}
                    )
                elif fault == "500":
                    raise NotionProblem(500, "internal_server_error", "Unexpected error occurred.")
                token = (self.headers.get("authorization") or "").removeprefix("Bearer ").strip()
                if token not in fake.tokens:
                    raise NotionProblem(401, "unauthorized", "API token is invalid.")
                if not self.headers.get("notion-version"):
                    raise NotionProblem(400, "missing_version", "Notion-Version header failed validation.")
                if length > MAX_BODY_BYTES:
                    raise NotionProblem(413, "validation_error", "Request body too large.")
                try:
                    body = json.loads(raw) if raw else {}
                except ValueError:
                    raise NotionProblem(400, "invalid_json", "Error parsing JSON body.") from None
                with fake.lock:
                    fake._take(token, time.monotonic())
                    answer = fake.route(method, path, body if isinstance(body, dict) else {})
                self._send(200, json.dumps(answer).encode())
            except NotionProblem as problem:
                error = {
                    "object": "error",
                    "status": problem.status,
                    "code": problem.code,
                    "message": str(problem),
                    "request_id": str(uuid.uuid4()),
                }
                self._send(problem.status, json.dumps(error).encode(), problem.headers)

        def _send(
            self, status: int, body: bytes, headers: dict[str, str] | None = None, *, declared: bool = False
        ) -> None:
            self.send_response(status)
            self.send_header("content-type", "application/json")
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            if not declared:
                self.send_header("content-length", str(len(body)))
            self.end_headers()
            if body:
                self.wfile.write(body)

    return Handler
