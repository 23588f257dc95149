"""``make_handler`` with Sentry configured: nothing loads at cold start, no error report is lost.

Sentry starts on the first event it must send; these tests check that the event which starts it
(an unhandled error, a 5xx problem's ERROR log, an exception escaping the handler, an explicit
capture) reaches the transport in the very invocation that raised it, scrubbed by DocFlow's hooks.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import sentry_sdk
from fastapi import APIRouter

from docflow import sentry as docflow_sentry
from docflow.errors import ServiceUnavailable
from docflow.http import create_app, make_handler
from docflow.observability import bind_tenant, capture_exception
from docflow_local.lambda_context import LocalLambdaContext
from tests.support.paths import REPO_ROOT
from tests.support.sentry_transport import CapturingTransport

DSN = "http://public@127.0.0.1:9/1"
EMAIL = "canary.person@example.fi"
IBAN = "FI21 1234 5600 0007 85"
TENANT = "7d0c2a8e-5a8f-4e0a-9a8e-1f1b2c3d4e5f"

router = APIRouter()


@router.get("/boom")
def boom() -> None:
    customer_email = EMAIL  # a local variable Sentry would attach to the frame
    bind_tenant(TENANT, "user-7")
    raise RuntimeError(f"could not bill {customer_email} to {IBAN}")


@router.get("/unavailable")
def unavailable() -> None:
    raise ServiceUnavailable("The database is not reachable")


@router.get("/fine")
def fine() -> dict[str, str]:
    return {"status": "ok"}


def event_for(path: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((REPO_ROOT / "events" / "health" / "get-health.json").read_text())
    event["rawPath"] = event["requestContext"]["http"]["path"] = path
    event["routeKey"] = event["requestContext"]["routeKey"] = f"GET {path}"
    event["requestContext"]["requestId"] = str(uuid.uuid4())
    return event


@pytest.fixture
def transport() -> Iterator[CapturingTransport]:
    """Sentry configured (not started) with an in-memory transport; shut down afterwards."""
    docflow_sentry.shutdown_sentry()
    capturing = CapturingTransport()
    assert docflow_sentry.configure_sentry(dsn=DSN, environment="test", transport=capturing)
    assert not docflow_sentry.is_sentry_enabled()
    try:
        with sentry_sdk.isolation_scope():
            yield capturing
    finally:
        docflow_sentry.shutdown_sentry()


@pytest.fixture
def handler(transport: CapturingTransport) -> Any:
    return make_handler(create_app(router, title="test"))


def exception_events(transport: CapturingTransport) -> list[dict[str, Any]]:
    return [event for event in transport.events() if event.get("exception")]


def test_given_sentry_configured_when_request_succeeds_then_sentry_not_started(
    handler: Any, transport: CapturingTransport
) -> None:
    response = handler(event_for("/fine"), LocalLambdaContext("test"))
    assert response["statusCode"] == 200
    assert not docflow_sentry.is_sentry_enabled()
    assert docflow_sentry.is_sentry_configured()
    assert transport.envelopes == []


def test_given_first_invocation_raises_when_handled_then_error_reaches_transport_scrubbed_and_tagged(
    handler: Any, transport: CapturingTransport
) -> None:
    response = handler(event_for("/boom"), LocalLambdaContext("test"))

    assert response["statusCode"] == 500
    assert docflow_sentry.is_sentry_enabled()
    events = exception_events(transport)  # flushed by the handler before it returned
    assert events
    assert {event["exception"]["values"][-1]["type"] for event in events} == {"RuntimeError"}
    payload = transport.serialized()
    assert EMAIL not in payload
    assert "FI2112345600000785" not in payload.replace(" ", "")
    assert "[EMAIL]" in payload  # the message and the frame's locals went through before_send
    event = events[0]
    assert event["tags"]["tenant_id"] == TENANT  # bound before Sentry started, kept for the report
    assert event["user"] == {"id": "user-7"}
    assert event["environment"] == "test"


def test_given_first_failure_is_a_5xx_problem_when_handled_then_its_error_log_is_reported(
    handler: Any, transport: CapturingTransport
) -> None:
    response = handler(event_for("/unavailable"), LocalLambdaContext("test"))

    assert response["statusCode"] == 503
    messages = [event.get("logentry", {}).get("message") for event in transport.events()]
    assert "request failed" in messages


def test_given_exception_escapes_asgi_adapter_when_invoked_then_reported_and_reraised(
    handler: Any, transport: CapturingTransport
) -> None:
    with pytest.raises(RuntimeError, match="unable to infer a handler") as raised:
        handler({"not": "an API Gateway event"}, LocalLambdaContext("test"))

    reported = {event["exception"]["values"][-1]["type"] for event in exception_events(transport)}
    assert type(raised.value).__name__ in reported


def test_given_explicit_capture_when_sentry_not_started_then_started_and_sent(
    transport: CapturingTransport,
) -> None:
    try:
        raise ValueError(f"refund to {IBAN}")
    except ValueError as exc:
        capture_exception(exc)
    sentry_sdk.flush()

    (event,) = exception_events(transport)
    assert event["exception"]["values"][-1]["type"] == "ValueError"
    assert "[IBAN]" in event["exception"]["values"][-1]["value"]


def test_given_sentry_started_lazily_when_before_send_hook_replaced_then_hook_is_docflows(
    transport: CapturingTransport,
) -> None:
    assert docflow_sentry.ensure_sentry()
    options = sentry_sdk.get_client().options
    assert options["before_send"] is docflow_sentry.before_send
    assert options["before_breadcrumb"] is docflow_sentry.before_breadcrumb
    assert not options.get("send_default_pii")


def test_given_no_dsn_when_error_logged_or_captured_then_nothing_starts() -> None:
    docflow_sentry.shutdown_sentry()
    assert docflow_sentry.configure_sentry(dsn="", environment="test") is False
    capture_exception(RuntimeError("boom"))
    assert not docflow_sentry.ensure_sentry()
    assert not docflow_sentry.is_sentry_enabled()


PROBE = """
import json, sys
from fastapi import APIRouter
from docflow import sentry as docflow_sentry
from docflow.http import create_app, make_handler
from docflow_local.lambda_context import LocalLambdaContext
router = APIRouter()
@router.get("/fine")
def fine(): return {{"status": "ok"}}
@router.get("/boom")
def boom(): raise RuntimeError("boom")
docflow_sentry.configure_sentry(dsn={dsn!r}, environment="test")
handler = make_handler(create_app(router, title="probe"))
event = json.loads({event!r})
fine_status = handler(event, LocalLambdaContext("probe"))["statusCode"]
after_fine = "sentry_sdk" in sys.modules
event["rawPath"] = event["requestContext"]["http"]["path"] = "/boom"
boom_status = handler(event, LocalLambdaContext("probe"))["statusCode"]
print(json.dumps([fine_status, after_fine, boom_status, docflow_sentry.is_sentry_enabled()]))
"""


def test_given_fresh_process_when_first_request_succeeds_then_sentry_sdk_never_imported() -> None:
    event = json.dumps(event_for("/fine"))
    output = subprocess.run(
        [sys.executable, "-c", PROBE.format(dsn=DSN, event=event)],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO_ROOT,
    ).stdout
    fine_status, loaded_after_fine, boom_status, started = json.loads(output.strip().splitlines()[-1])
    assert (fine_status, loaded_after_fine) == (200, False)
    assert (boom_status, started) == (500, True)
