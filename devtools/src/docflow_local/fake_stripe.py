"""A local stand-in for Stripe speaking the part of its documented HTTP API DocFlow uses.

Served by the local stack on ``STRIPE_API_BASE`` and started by the tests on a free port. Like Stripe:
form-encoded request bodies (``a[b][0][c]=v``), bearer secret key, the error object
(``{"error": {"type", "code", "message", "param"}}``), ``Idempotency-Key`` (the same key replays the
first answer, with other parameters it is a 400 ``idempotency_error``), list objects with
``limit``/``starting_after``/``has_more``, ``Request-Id`` and ``Stripe-Should-Retry`` headers.

- ``POST /v1/customers``, ``GET /v1/customers/{id}``;
- ``POST /v1/checkout/sessions``, ``GET /v1/checkout/sessions/{id}``; the session's ``url`` is
  ``/c/pay/{id}`` on the fake, and opening it pays: the subscription is created and the events
  ``checkout.session.completed``, ``customer.subscription.created`` and ``invoice.paid`` are sent;
- ``POST /v1/billing_portal/sessions``;
- ``GET /v1/subscriptions/{id}``, ``GET /v1/subscriptions`` (``status=all``, pagination).

Events are signed with the webhook secret exactly as Stripe signs them (``t=...,v1=HMAC-SHA256``) and
POSTed to ``webhook_url`` when one is set; :meth:`FakeStripe.signed` gives the body and header for a
test to deliver itself. Faults for tests: :meth:`FakeStripe.fail_next` (429, 500, a redirect, an
oversized body) and ``latency_seconds``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from docflow_local.fake_server import FakeHandler, FakeServer

API_VERSION = "2026-10-28.endive"
MAX_BODY_BYTES = 256 * 1024
MAX_LIST_LIMIT = 100


class StripeProblem(Exception):
    """An error answered as Stripe's error object."""

    def __init__(
        self, status: int, kind: str, message: str, code: str | None = None, param: str | None = None
    ):
        super().__init__(message)
        self.status, self.kind, self.code, self.param = status, kind, code, param


def decode_form(body: str) -> dict[str, Any]:
    """Stripe's form encoding as nested dicts and lists: ``a[0][b]=v`` is ``{"a": [{"b": "v"}]}``."""
    root: dict[str, Any] = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        parts = key.replace("]", "").split("[")
        node: Any = root
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            if last:
                node[part] = value
            else:
                node = node.setdefault(part, {})
    decoded: dict[str, Any] = _lists(root)
    return decoded


def _lists(node: Any) -> Any:
    if isinstance(node, dict):
        converted = {key: _lists(value) for key, value in node.items()}
        if converted and all(key.isdigit() for key in converted):
            return [converted[key] for key in sorted(converted, key=int)]
        return converted
    return node


_ID_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _new_id(prefix: str) -> str:
    """An object id in Stripe's form: the type's prefix, an underscore, 24 letters and digits."""
    return f"{prefix}_{''.join(secrets.choice(_ID_ALPHABET) for _ in range(24))}"


def sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """The ``Stripe-Signature`` header Stripe sends with ``payload`` (one ``v1`` per secret given)."""
    moment = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{moment}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={moment},v1={digest}"


@dataclass(slots=True)
class FakeStripeState:
    """Everything the fake remembers; tests read it to assert what reached Stripe."""

    customers: dict[str, dict[str, Any]] = field(default_factory=dict)
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    portal_sessions: list[dict[str, Any]] = field(default_factory=list)
    subscriptions: dict[str, dict[str, Any]] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)
    idempotency: dict[str, tuple[dict[str, Any], int, Any]] = field(default_factory=dict)
    faults: list[str] = field(default_factory=list)
    deliveries: list[int] = field(default_factory=list)


class FakeStripe(FakeServer):
    """The fake server. ``with FakeStripe(...) as fake:`` serves it on ``fake.url`` until exit."""

    thread_name = "fake-stripe"

    def __init__(
        self,
        *,
        api_key: str,
        webhook_secret: str,
        webhook_url: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.api_key = api_key
        self.webhook_secret = webhook_secret
        self.webhook_url = webhook_url
        self.latency_seconds = 0.0
        self.state = FakeStripeState()
        self.lock = threading.RLock()
        super().__init__(_handler_for(self), host=host, port=port)

    @property
    def url(self) -> str:
        """The API base, e.g. ``http://127.0.0.1:54331``."""
        return self.origin

    def fail_next(self, *faults: str) -> None:
        """Answer the next API requests with these faults, in order: ``"429"``, ``"500"``,
        ``"redirect"``, ``"oversized"``."""
        with self.lock:
            self.state.faults.extend(faults)

    # --- the API ---------------------------------------------------------------------------------

    def create_customer(self, params: dict[str, Any]) -> dict[str, Any]:
        customer_id = _new_id("cus")
        customer: dict[str, Any] = {
            "id": customer_id,
            "object": "customer",
            "created": int(time.time()),
            "email": params.get("email"),
            "name": params.get("name"),
            "metadata": params.get("metadata") or {},
            "livemode": False,
            "tax_ids": {
                "object": "list",
                "data": [
                    {"id": _new_id("txi"), "object": "tax_id", "type": t.get("type"), "value": t.get("value")}
                    for t in params.get("tax_id_data") or []
                ],
                "has_more": False,
                "url": "/v1/customers/tax_ids",
            },
        }
        self.state.customers[customer_id] = customer
        return customer

    def create_checkout_session(self, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("mode") != "subscription":
            raise StripeProblem(400, "invalid_request_error", "mode must be subscription here", param="mode")
        items = params.get("line_items") or []
        if not items or not str(items[0].get("price", "")).startswith("price_"):
            raise StripeProblem(
                400, "invalid_request_error", "No such price", "resource_missing", "line_items"
            )
        customer = params.get("customer")
        if customer and customer not in self.state.customers:
            raise StripeProblem(
                400, "invalid_request_error", "No such customer", "resource_missing", "customer"
            )
        session_id = _new_id("cs")
        session = {
            "id": session_id,
            "object": "checkout.session",
            "created": int(time.time()),
            "expires_at": int(time.time()) + 86400,
            "mode": "subscription",
            "status": "open",
            "payment_status": "unpaid",
            "client_reference_id": params.get("client_reference_id"),
            "customer": customer,
            "subscription": None,
            "automatic_tax": {
                "enabled": params.get("automatic_tax", {}).get("enabled") == "true",
                "status": None,
            },
            "metadata": params.get("metadata") or {},
            "success_url": params.get("success_url"),
            "cancel_url": params.get("cancel_url"),
            "currency": "eur",
            "livemode": False,
            "url": f"{self.url}/c/pay/{session_id}",
            "_price": items[0]["price"],
            "_subscription_metadata": (params.get("subscription_data") or {}).get("metadata") or {},
        }
        self.state.sessions[session_id] = session
        return _public(session)

    def create_portal_session(self, params: dict[str, Any]) -> dict[str, Any]:
        customer = str(params.get("customer"))
        if customer not in self.state.customers:
            raise StripeProblem(
                400, "invalid_request_error", "No such customer", "resource_missing", "customer"
            )
        session = {
            "id": _new_id("bps"),
            "object": "billing_portal.session",
            "created": int(time.time()),
            "customer": customer,
            "return_url": params.get("return_url"),
            "livemode": False,
            "url": f"{self.url}/p/session/{secrets.token_urlsafe(24)}",
        }
        self.state.portal_sessions.append(session)
        return session

    def list_subscriptions(self, query: dict[str, str]) -> dict[str, Any]:
        try:
            limit = int(query.get("limit", "10"))
        except ValueError:
            raise StripeProblem(400, "invalid_request_error", "Invalid integer", param="limit") from None
        if not 1 <= limit <= MAX_LIST_LIMIT:
            raise StripeProblem(400, "invalid_request_error", "limit must be 1 to 100", param="limit")
        status = query.get("status")
        newest_first = sorted(
            self.state.subscriptions.values(), key=lambda s: (s["created"], s["id"]), reverse=True
        )
        if status != "all":
            newest_first = [s for s in newest_first if s["status"] != "canceled"]
        after = query.get("starting_after")
        if after:
            ids = [s["id"] for s in newest_first]
            if after not in ids:
                raise StripeProblem(400, "invalid_request_error", "No such object", param="starting_after")
            newest_first = newest_first[ids.index(after) + 1 :]
        page = newest_first[:limit]
        return {
            "object": "list",
            "url": "/v1/subscriptions",
            "has_more": len(newest_first) > limit,
            "data": page,
        }

    # --- what happens in Stripe's pages and dashboard, driven by tests and the local stack ---------

    def complete_checkout(self, session_id: str) -> str:
        """The customer paid: create the subscription, send the events; returns the subscription id."""
        with self.lock:
            session = self.state.sessions[session_id]
            if session["status"] == "complete":
                return str(session["subscription"])
            customer = session["customer"] or self.create_customer({})["id"]
            now = int(time.time())
            sub_id = _new_id("sub")
            price = session["_price"]
            subscription = {
                "id": sub_id,
                "object": "subscription",
                "created": now,
                "start_date": now,
                "billing_cycle_anchor": now,
                "customer": customer,
                "status": "active",
                "currency": "eur",
                "cancel_at_period_end": False,
                "canceled_at": None,
                "ended_at": None,
                "trial_end": None,
                "livemode": False,
                "metadata": session["_subscription_metadata"],
                "automatic_tax": {"enabled": session["automatic_tax"]["enabled"], "liability": None},
                "latest_invoice": None,
                "items": {
                    "object": "list",
                    "url": f"/v1/subscription_items?subscription={sub_id}",
                    "has_more": False,
                    "data": [
                        {
                            "id": _new_id("si"),
                            "object": "subscription_item",
                            "created": now,
                            "quantity": 1,
                            "subscription": sub_id,
                            "metadata": {},
                            "current_period_start": now,
                            "current_period_end": now + 30 * 86400,
                            "price": {
                                "id": price,
                                "object": "price",
                                "currency": "eur",
                                "type": "recurring",
                                "active": True,
                                "livemode": False,
                            },
                        }
                    ],
                },
            }
            self.state.subscriptions[sub_id] = subscription
            session.update(status="complete", payment_status="paid", customer=customer, subscription=sub_id)
            sent = [
                self.emit("checkout.session.completed", _public(session)),
                self.emit("customer.subscription.created", subscription),
                self.emit("invoice.paid", self._invoice(subscription, "paid")),
            ]
        self._deliver_all(sent)
        return sub_id

    def update_subscription(self, sub_id: str, **changes: Any) -> dict[str, Any]:
        """Change a subscription as the dashboard or a payment would, and send its events
        (``past_due`` also sends ``invoice.payment_failed``, ``canceled`` sends ``deleted``)."""
        with self.lock:
            subscription = self.state.subscriptions[sub_id]
            if "price" in changes:
                subscription["items"]["data"][0]["price"]["id"] = changes.pop("price")
            subscription.update(changes)
            status = subscription["status"]
            if status == "canceled":
                subscription["canceled_at"] = subscription["ended_at"] = int(time.time())
                sent = [self.emit("customer.subscription.deleted", subscription)]
            else:
                sent = [self.emit("customer.subscription.updated", subscription)]
            if status == "past_due":
                sent.append(self.emit("invoice.payment_failed", self._invoice(subscription, "open")))
        self._deliver_all(sent)
        return subscription

    def _deliver_all(self, events: list[dict[str, Any]]) -> None:
        """Deliver events to the webhook URL, if any, outside the lock (the webhook calls back)."""
        if self.webhook_url:
            for event in events:
                self.deliver(event)

    def _invoice(self, subscription: dict[str, Any], status: str) -> dict[str, Any]:
        return {
            "id": _new_id("in"),
            "object": "invoice",
            "created": int(time.time()),
            "customer": subscription["customer"],
            "status": status,
            "currency": "eur",
            "amount_due": 2900,
            "amount_paid": 2900 if status == "paid" else 0,
            "livemode": False,
            "parent": {
                "type": "subscription_details",
                "quote_details": None,
                "subscription_details": {
                    "subscription": subscription["id"],
                    "metadata": subscription["metadata"],
                },
            },
        }

    def emit(self, kind: str, obj: dict[str, Any]) -> dict[str, Any]:
        """Record an event about ``obj`` (a snapshot of it now)."""
        event = {
            "id": _new_id("evt"),
            "object": "event",
            "api_version": API_VERSION,
            "created": int(time.time()),
            "data": {"object": json.loads(json.dumps(obj))},
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": kind,
        }
        self.state.events.append(event)
        return event

    def signed(self, event: dict[str, Any], *, timestamp: int | None = None) -> tuple[bytes, str]:
        """The body and ``Stripe-Signature`` header of a delivery of ``event``."""
        body = json.dumps(event, indent=2).encode()
        return body, sign(body, self.webhook_secret, timestamp)

    def deliver(self, event: dict[str, Any]) -> int:
        """POST one event to the webhook URL as Stripe does; returns the status answered."""
        body, header = self.signed(event)
        request = urllib.request.Request(  # noqa: S310 - a local URL given by the stack or a test
            str(self.webhook_url),
            data=body,
            headers={"Content-Type": "application/json; charset=utf-8", "Stripe-Signature": header},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                status = int(response.status)
        except urllib.error.HTTPError as exc:
            status = exc.code
        self.state.deliveries.append(status)
        return status


def _public(obj: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in obj.items() if not key.startswith("_")}


def _handler_for(fake: FakeStripe) -> type[BaseHTTPRequestHandler]:
    class Handler(FakeHandler):
        protocol_version = "HTTP/1.1"

        def _dispatch(self, method: str) -> None:
            parts = urlsplit(self.path)
            query = dict(parse_qsl(parts.query))
            with fake.lock:
                fake.state.requests.append((method, parts.path))
            if fake.latency_seconds:
                time.sleep(fake.latency_seconds)
            if method == "GET" and parts.path.startswith("/c/pay/"):
                self._pay(parts.path.removeprefix("/c/pay/"))
                return
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(min(length, MAX_BODY_BYTES + 1)).decode(errors="replace") if length else ""
            try:
                if self._fault():
                    return
                self._authorise()
                if length > MAX_BODY_BYTES:
                    raise StripeProblem(413, "invalid_request_error", "Request too large")
                params = decode_form(raw) if method == "POST" else {}
                key = self.headers.get("Idempotency-Key") if method == "POST" else None
                with fake.lock:
                    if key and key in fake.state.idempotency:
                        first, status, payload = fake.state.idempotency[key]
                        if first != params:
                            raise StripeProblem(
                                400,
                                "idempotency_error",
                                "Keys for idempotent requests can only be used "
                                "with the same parameters they were first used with.",
                            )
                        self._reply(status, payload, {"Idempotent-Replayed": "true"})
                        return
                    payload = self._route(method, parts.path, query, params)
                    if key:
                        fake.state.idempotency[key] = (params, 200, payload)
                self._reply(200, payload)
            except StripeProblem as problem:
                error = {"type": problem.kind, "message": str(problem)}
                if problem.code:
                    error["code"] = problem.code
                if problem.param:
                    error["param"] = problem.param
                self._reply(problem.status, {"error": error})

        def _fault(self) -> bool:
            with fake.lock:
                fault = fake.state.faults.pop(0) if fake.state.faults else None
            if fault is None:
                return False
            if fault == "redirect":
                self._reply(302, {}, {"Location": "http://127.0.0.1:9/elsewhere"})
            elif fault == "oversized":
                self._reply(200, {"padding": "x" * (8 * 1024 * 1024)})
            elif fault == "429":
                error = {
                    "type": "invalid_request_error",
                    "code": "rate_limit",
                    "message": "Too many requests",
                }
                self._reply(429, {"error": error}, {"Stripe-Should-Retry": "true"})
            else:
                self._reply(
                    500,
                    {"error": {"type": "api_error", "message": "Something went wrong"}},
                    {"Stripe-Should-Retry": "true"},
                )
            return True

        def _authorise(self) -> None:
            header = self.headers.get("Authorization") or ""
            if not hmac.compare_digest(header, f"Bearer {fake.api_key}"):
                raise StripeProblem(401, "invalid_request_error", "Invalid API Key provided")

        def _route(self, method: str, path: str, query: dict[str, str], params: dict[str, Any]) -> Any:  # noqa: PLR0911
            state = fake.state
            segments = path.strip("/").split("/")
            if method == "POST" and path == "/v1/customers":
                return fake.create_customer(params)
            if method == "POST" and path == "/v1/checkout/sessions":
                return fake.create_checkout_session(params)
            if method == "POST" and path == "/v1/billing_portal/sessions":
                return fake.create_portal_session(params)
            if method == "GET" and path == "/v1/subscriptions":
                return fake.list_subscriptions(query)
            if method == "GET" and len(segments) == 3 and segments[:2] == ["v1", "subscriptions"]:
                return self._found(state.subscriptions, segments[2])
            if method == "GET" and len(segments) == 3 and segments[:2] == ["v1", "customers"]:
                return self._found(state.customers, segments[2])
            if method == "GET" and len(segments) == 4 and segments[:3] == ["v1", "checkout", "sessions"]:
                return _public(self._found(state.sessions, segments[3]))
            raise StripeProblem(404, "invalid_request_error", f"Unrecognized request URL ({method} {path})")

        @staticmethod
        def _found(table: dict[str, dict[str, Any]], key: str) -> dict[str, Any]:
            if key not in table:
                raise StripeProblem(
                    404, "invalid_request_error", f"No such object: '{key}'", "resource_missing", "id"
                )
            return table[key]

        def _pay(self, session_id: str) -> None:
            if session_id not in fake.state.sessions:
                self._reply(404, {"error": {"type": "invalid_request_error", "message": "No such session"}})
                return
            fake.complete_checkout(session_id)
            body = b"<!doctype html><title>Paid</title><p>Payment complete (local fake Stripe).</p>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _reply(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Request-Id", f"req_{secrets.token_hex(7)}")
            self.send_header("Stripe-Version", API_VERSION)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

    return Handler
