"""A local stand-in for Linear's GraphQL API (``POST /graphql``) for the operations DocFlow sends.

Served by the local stack on ``LINEAR_API_URL`` (port ``LINEAR_PORT``, 54335) and started by the tests
on a free port. The operations are recognised by name (``DocflowViewer``, ``DocflowTeams``,
``DocflowIssueCreate``, ``DocflowIssue``); the documents themselves are checked against Linear's
schema in the tests. Like Linear:

- a personal API key raw in ``Authorization`` (an unknown one: HTTP 400 with a GraphQL error of
  ``extensions.type`` ``"authentication error"``); errors as ``{"errors": [{"message", "extensions":
  {"type", "userPresentableMessage"}}]}``;
- ``issueCreate`` takes a client-chosen ``id``; the same id again is an ``"invalid input"`` error;
  an unknown team is one too; ``issue(id)`` of an unknown id is ``"entity not found"``;
- a request limit per key (``requests_per_second``): every answer carries
  ``x-ratelimit-requests-limit``, ``-remaining`` and ``-reset`` (epoch ms); past it HTTP 429 with a
  ``"ratelimited"`` error.

Webhooks: :meth:`FakeLinear.move_issue` changes an issue's state and returns the signed delivery
(``Linear-Signature``, ``Linear-Delivery``, ``webhookTimestamp``), also POSTing it to ``webhook_url``
when set. Faults (:meth:`FakeLinear.fail_next`): ``"429"``, ``"500"``, ``"slow"``, ``"redirect"``,
``"oversized"``.
"""

from __future__ import annotations

import contextlib
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

from docflow_local.fake_server import FakeHandler, FakeServer

MAX_BODY_BYTES = 1024 * 1024
OVERSIZED_BYTES = 12 * 1024 * 1024


class GraphQLProblem(Exception):
    """A GraphQL error answered with its HTTP status."""

    def __init__(self, status: int, kind: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.kind, self.headers = status, kind, headers or {}


@dataclass(slots=True)
class Workspace:
    """One Linear workspace: its organization, teams, key and webhook secret."""

    organization_id: str
    api_key: str
    webhook_secret: str
    teams: list[dict[str, str]]


@dataclass(slots=True)
class FakeLinearState:
    """What the fake remembers; tests and benchmarks read it."""

    issues: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[tuple[str, float]] = field(default_factory=list)
    faults: list[str] = field(default_factory=list)
    hits: dict[str, deque[float]] = field(default_factory=dict)
    rate_limited: int = 0
    create_calls: int = 0


class FakeLinear(FakeServer):
    """``with FakeLinear() as fake:`` serves it on ``fake.url`` (the GraphQL endpoint) until exit."""

    thread_name = "fake-linear"

    def __init__(self, *, requests_per_second: float = 50.0, host: str = "127.0.0.1", port: int = 0) -> None:
        self.requests_per_second = requests_per_second
        self.slow_seconds = 3.0
        self.webhook_url: str | None = None
        self.workspaces: dict[str, Workspace] = {}
        self.state = FakeLinearState()
        self.lock = threading.RLock()
        super().__init__(_handler_for(self), host=host, port=port)

    @property
    def url(self) -> str:
        """The GraphQL endpoint, e.g. ``http://127.0.0.1:54335/graphql``."""
        return f"{self.origin}/graphql"

    def add_workspace(self, *, api_key: str | None = None, webhook_secret: str | None = None) -> Workspace:
        """A new workspace with one team ``DOC``; its key and webhook secret."""
        space = Workspace(
            organization_id=str(uuid.uuid4()),
            api_key=api_key or f"lin_api_{uuid.uuid4().hex}",
            webhook_secret=webhook_secret or f"lin_wh_{uuid.uuid4().hex}",
            teams=[{"id": str(uuid.uuid4()), "key": "DOC", "name": "DocFlow"}],
        )
        with self.lock:
            self.workspaces[space.api_key] = space
        return space

    def fail_next(self, *faults: str) -> None:
        """Answer the next requests with these faults, in order."""
        with self.lock:
            self.state.faults.extend(faults)

    def reset(self) -> None:
        """Forget issues, requests and faults (workspaces stay)."""
        with self.lock:
            self.state = FakeLinearState()

    # --- webhooks --------------------------------------------------------------------------------

    def move_issue(
        self, issue_id: str, name: str, kind: str, *, timestamp_ms: int | None = None
    ) -> tuple[bytes, dict[str, str]]:
        """Move an issue to a state; the signed ``Issue`` ``update`` delivery (sent to ``webhook_url``
        too when set)."""
        with self.lock:
            issue = self.state.issues[issue_id]
            issue["state"] = {"name": name, "type": kind}
            space = next(s for s in self.workspaces.values() if s.organization_id == issue["organizationId"])
        body = json.dumps(
            {
                "action": "update",
                "type": "Issue",
                "createdAt": _now(),
                "organizationId": space.organization_id,
                "webhookTimestamp": int(time.time() * 1000) if timestamp_ms is None else timestamp_ms,
                "webhookId": str(uuid.uuid5(uuid.NAMESPACE_URL, space.organization_id)),
                "data": {k: v for k, v in issue.items() if k != "organizationId"},
                "url": issue["url"],
            }
        ).encode()
        headers = {
            "Content-Type": "application/json",
            "Linear-Delivery": str(uuid.uuid4()),
            "Linear-Event": "Issue",
            "Linear-Signature": hmac.new(space.webhook_secret.encode(), body, hashlib.sha256).hexdigest(),
        }
        if self.webhook_url:
            import urllib.request

            request = urllib.request.Request(self.webhook_url, data=body, headers=headers, method="POST")  # noqa: S310
            with contextlib.suppress(OSError):
                urllib.request.urlopen(request, timeout=10).close()  # noqa: S310 - the stack's own URL
        return body, headers

    # --- the API ---------------------------------------------------------------------------------

    def _take(self, key: str, now: float) -> dict[str, str]:
        hits = self.state.hits.setdefault(key, deque())
        while hits and hits[0] <= now - 1.0:
            hits.popleft()
        reset = str(int((hits[0] + 1.0 if hits else now + 1.0) * 1000 + (time.time() - now) * 1000))
        headers = {
            "x-ratelimit-requests-limit": str(int(self.requests_per_second)),
            "x-ratelimit-requests-remaining": str(max(0, int(self.requests_per_second - len(hits) - 1))),
            "x-ratelimit-requests-reset": reset,
        }
        if len(hits) >= self.requests_per_second:
            self.state.rate_limited += 1
            raise GraphQLProblem(429, "ratelimited", "Rate limit exceeded", headers)
        hits.append(now)
        return headers

    def execute(self, space: Workspace, operation: str, variables: dict[str, Any]) -> dict[str, Any]:
        if operation == "DocflowViewer":
            return {
                "viewer": {
                    "id": str(uuid.uuid5(uuid.NAMESPACE_URL, space.api_key)),
                    "organization": {"id": space.organization_id, "name": "Demo workspace"},
                }
            }
        if operation == "DocflowTeams":
            return {"teams": {"nodes": space.teams}}
        if operation == "DocflowIssue":
            issue = self.state.issues.get(str(variables.get("id")))
            if issue is None or issue["organizationId"] != space.organization_id:
                raise GraphQLProblem(200, "entity not found", "Entity not found: Issue")
            return {"issue": {k: v for k, v in issue.items() if k not in {"organizationId", "title"}}}
        if operation == "DocflowIssueCreate":
            self.state.create_calls += 1
            data = variables.get("input") or {}
            team = next((t for t in space.teams if t["id"] == data.get("teamId")), None)
            if team is None:
                raise GraphQLProblem(200, "invalid input", "Team not found")
            issue_id = str(data.get("id") or uuid.uuid4())
            if issue_id in self.state.issues:
                raise GraphQLProblem(200, "invalid input", "An issue with this id already exists")
            number = 1 + sum(
                1 for i in self.state.issues.values() if i["organizationId"] == space.organization_id
            )
            identifier = f"{team['key']}-{number}"
            issue = {
                "id": issue_id,
                "identifier": identifier,
                "title": str(data.get("title") or ""),
                "url": f"https://linear.app/demo/issue/{identifier}",
                "state": {"name": "Todo", "type": "unstarted"},
                "organizationId": space.organization_id,
            }
            self.state.issues[issue_id] = issue
            public = {k: v for k, v in issue.items() if k not in {"organizationId", "title"}}
            return {
                "issueCreate": {"success": True, "lastSyncId": float(len(self.state.issues)), "issue": public}
            }
        raise GraphQLProblem(400, "invalid input", f"Unknown operation {operation!r}")


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())


def _operation(query: str) -> str:
    for word in ("query", "mutation"):
        head = query.strip()
        if head.startswith(word):
            return head[len(word) :].strip().split("(")[0].split("{")[0].strip()
    return ""


def _handler_for(fake: FakeLinear) -> type[BaseHTTPRequestHandler]:
    class Handler(FakeHandler):
        def _dispatch(self, method: str) -> None:
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(min(length, MAX_BODY_BYTES)) if length else b""
            headers: dict[str, str] = {}
            try:
                with fake.lock:
                    fake.state.requests.append((method, time.monotonic()))
                    fault = fake.state.faults.pop(0) if fake.state.faults else None
                if fault == "slow":
                    time.sleep(fake.slow_seconds)
                elif fault == "redirect":
                    self._send(307, b"", {"location": "http://127.0.0.1:9/graphql"})
                    return
                elif fault == "oversized":
                    self._send(200, b"", {"content-length": str(OVERSIZED_BYTES)}, declared=True)
                    return
                elif fault == "429":
                    raise GraphQLProblem(
                        429,
                        "ratelimited",
                        "Rate limit exceeded",
                        {"x-ratelimit-requests-reset": str(int(time.time() * 1000))},
                    )
                elif fault == "500":
                    self._send(500, b"<html>Internal Server Error</html>", {"content-type": "text/html"})
                    return
                if method == "POST" and self.path.startswith("/_fake/issues/"):
                    self._move(raw)
                    return
                if method != "POST" or self.path.split("?")[0] != "/graphql":
                    raise GraphQLProblem(404, "invalid input", "Not found")
                key = (self.headers.get("authorization") or "").strip()
                space = fake.workspaces.get(key)
                if space is None:
                    raise GraphQLProblem(
                        400, "authentication error", "Authentication required, not authenticated"
                    )
                try:
                    body = json.loads(raw)
                except ValueError:
                    raise GraphQLProblem(400, "invalid input", "Body is not JSON") from None
                if not isinstance(body, dict) or not isinstance(body.get("query"), str):
                    raise GraphQLProblem(400, "invalid input", "Must provide query string.")
                with fake.lock:
                    headers = fake._take(key, time.monotonic())
                    data = fake.execute(space, _operation(body["query"]), body.get("variables") or {})
                self._send(200, json.dumps({"data": data}).encode(), headers)
            except GraphQLProblem as problem:
                error = {
                    "errors": [
                        {
                            "message": str(problem),
                            "extensions": {
                                "type": problem.kind,
                                "code": problem.kind.upper().replace(" ", "_"),
                                "userError": problem.status < 500,
                                "userPresentableMessage": str(problem),
                            },
                        }
                    ],
                    "data": None,
                }
                self._send(problem.status, json.dumps(error).encode(), {**headers, **problem.headers})

        def _move(self, raw: bytes) -> None:
            """``POST /_fake/issues/{identifier}/state`` ``{"name", "type"}``: move the issue, as a
            person in Linear would, and deliver the webhook (the local demo's control)."""
            identifier = self.path.split("/")[3]
            wanted = json.loads(raw or b"{}")
            with fake.lock:
                issue = next((i for i in fake.state.issues.values() if i["identifier"] == identifier), None)
            if issue is None:
                self._send(404, b'{"error": "no such issue"}')
                return
            fake.move_issue(
                issue["id"], str(wanted.get("name", "Done")), str(wanted.get("type", "completed"))
            )
            self._send(200, json.dumps({"moved": identifier}).encode())

        def _send(
            self, status: int, body: bytes, headers: dict[str, str] | None = None, *, declared: bool = False
        ) -> None:
            self.send_response(status)
            extra = dict(headers or {})
            self.send_header("content-type", extra.pop("content-type", "application/json"))
            for name, value in extra.items():
                self.send_header(name, value)
            if not declared:
                self.send_header("content-length", str(len(body)))
            self.end_headers()
            if body:
                self.wfile.write(body)

    return Handler
