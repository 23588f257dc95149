"""Sentry: no canary reaches an envelope, whatever part of the event carries it."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
import sentry_sdk

from docflow import sentry as docflow_sentry
from tests.support.sentry_transport import CapturingTransport

from .test_scrub_text import JWT

EMAIL = "canary.person@example.fi"
PHONE = "+358 40 765 4321"
HETU = "131052-308T"
IBAN = "FI21 1234 5600 0007 85"
CARD = "4111 1111 1111 1111"
API_KEY = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"
BEARER = "opaque-canary-bearer-9f8e7d"
SESSION = "canary-session-cookie-42"

#: Every form in which a canary could leak (as written, compact, or as a Python repr would show it).
CANARIES = (
    EMAIL,
    PHONE,
    "407654321",
    HETU,
    IBAN,
    "FI2112345600000785",
    CARD,
    "4111111111111111",
    JWT,
    JWT.split(".")[1],
    API_KEY,
    BEARER,
    SESSION,
)
TYPED_MARKERS = ("[EMAIL]", "[PHONE]", "[HETU]", "[IBAN]", "[CARD]", "[JWT]", "[SECRET]")
DSN = "https://public@o0.ingest.sentry.invalid/1"


@pytest.fixture
def transport() -> Iterator[CapturingTransport]:
    capturing = CapturingTransport()
    assert docflow_sentry.init_sentry(
        dsn=DSN, environment="test", release="docflow@test", transport=capturing
    )
    try:
        with sentry_sdk.isolation_scope():  # breadcrumbs, tags and user stay within the test
            yield capturing
    finally:
        docflow_sentry.shutdown_sentry()
    assert not sentry_sdk.get_client().is_active()


def _charge_customer(customer_email: str, note: str) -> None:
    """Fails with personal data in its message and its local variables."""
    card = CARD
    iban = IBAN
    hetu = HETU
    phone = PHONE
    bearer_header = f"Authorization: Bearer {BEARER}"
    api_key = API_KEY
    jwt = JWT
    raise ValueError(
        f"could not charge {customer_email} ({note}): card {card}, iban {iban}, hetu {hetu}, phone {phone}, "
        f"{bearer_header}, key {api_key}, session {jwt}"
    )


def _add_request(event: Any, hint: dict[str, Any]) -> Any:
    event["request"] = {
        "method": "POST",
        "url": f"https://api.docflow.fi/v1/clients?email={EMAIL}",
        "query_string": f"email={EMAIL}&access_token={JWT}",
        "headers": {"Authorization": f"Bearer {BEARER}", "Cookie": f"sid={SESSION}", "X-Note": PHONE},
        "cookies": {"sid": SESSION},
        "data": {"hetu": HETU, "card": CARD, "comment": f"call me at {PHONE}"},
    }
    return event


def test_given_exception_full_of_canaries_when_captured_then_envelope_holds_only_markers(
    transport: CapturingTransport,
) -> None:
    sentry_sdk.add_breadcrumb(category="http", message=f"GET /clients?email={EMAIL}", data={"iban": IBAN})
    sentry_sdk.add_breadcrumb(message=f"token {JWT} for {PHONE}", data={"authorization": f"Bearer {BEARER}"})
    with sentry_sdk.new_scope() as scope:
        scope.set_extra("customer", {"email": EMAIL, "hetu": HETU, "notes": [f"card {CARD}", f"iban {IBAN}"]})
        scope.set_context("billing", {"card_number": CARD, "comment": f"key {API_KEY}"})
        scope.set_tag("contact", EMAIL)
        scope.set_user({"id": "user-123", "email": EMAIL, "username": "canary", "ip_address": "192.0.2.1"})
        scope.add_event_processor(_add_request)
        try:
            _charge_customer(EMAIL, f"phone {PHONE}")
        except ValueError:
            sentry_sdk.capture_exception()
    sentry_sdk.flush()

    payload = transport.serialized()
    assert transport.envelopes
    assert [canary for canary in CANARIES if canary in payload] == []
    assert [marker for marker in TYPED_MARKERS if marker not in payload] == []
    (event,) = [event for event in transport.events() if event.get("exception")]
    assert event["user"] == {"id": "user-123"}
    frame = event["exception"]["values"][-1]["stacktrace"]["frames"][-1]
    assert frame["function"] == "_charge_customer"
    assert frame["vars"]["card"] == "'[CARD]'"
    assert frame["vars"]["hetu"] == "[REDACTED]"
    assert event["environment"] == "test"
    assert event["release"] == "docflow@test"


def test_given_error_log_with_canaries_when_logged_then_event_and_breadcrumbs_scrubbed(
    transport: CapturingTransport, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="docflow.tests.sentry")
    logger = logging.getLogger("docflow.tests.sentry")
    logger.info("looked up %s", EMAIL)
    logger.error("payment failed for %s with card %s", EMAIL, CARD, extra={"iban": IBAN, "hetu_note": HETU})
    sentry_sdk.flush()

    payload = transport.serialized()
    assert [canary for canary in CANARIES if canary in payload] == []
    (event,) = transport.events()
    assert event["logentry"]["params"] == ["[EMAIL]", "[CARD]"]
    assert "[EMAIL]" in event["breadcrumbs"]["values"][-1]["message"]


def test_given_tenant_context_when_event_captured_then_tenant_tag_and_user_id_only(
    transport: CapturingTransport,
) -> None:
    with sentry_sdk.isolation_scope():
        docflow_sentry.set_tenant_context("tenant-42", "user-7")
        sentry_sdk.capture_message("hello")
    sentry_sdk.flush()

    (event,) = transport.events()
    assert event["tags"]["tenant_id"] == "tenant-42"
    assert event["user"] == {"id": "user-7"}


def test_given_initialised_when_initialised_again_then_no_second_client(
    transport: CapturingTransport,
) -> None:
    client = sentry_sdk.get_client()
    assert docflow_sentry.init_sentry(dsn="https://other@o1.ingest.sentry.invalid/2", environment="prod")
    assert sentry_sdk.get_client() is client


def test_given_empty_dsn_when_initialised_then_disabled_and_context_calls_are_no_ops() -> None:
    assert docflow_sentry.init_sentry(dsn="", environment="test") is False
    assert not docflow_sentry.is_sentry_enabled()
    docflow_sentry.set_tenant_context("tenant-42", "user-7")
    assert not sentry_sdk.get_client().is_active()


def test_given_sentry_log_when_hook_runs_then_body_and_attributes_scrubbed() -> None:
    log: Any = {
        "severity_text": "error",
        "severity_number": 17,
        "body": f"refund to {IBAN} for {EMAIL}",
        "attributes": {"customer.phone": PHONE, "authorization": f"Bearer {BEARER}", "count": 2},
        "time_unix_nano": 1,
        "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736",
        "span_id": None,
    }
    scrubbed: Any = docflow_sentry.before_send_log(log, {})
    assert scrubbed["body"] == "refund to [IBAN] for [EMAIL]"
    assert scrubbed["attributes"] == {"customer.phone": "[PHONE]", "authorization": "[REDACTED]", "count": 2}
    assert scrubbed["trace_id"] == log["trace_id"]
    assert log["body"].startswith("refund to FI21")


def test_given_breadcrumb_when_hook_runs_then_message_and_data_scrubbed() -> None:
    crumb: Any = {
        "category": "query",
        "message": f"SELECT * WHERE email = '{EMAIL}'",
        "data": {"cookie": SESSION},
    }
    assert docflow_sentry.before_breadcrumb(crumb, {}) == {
        "category": "query",
        "message": "SELECT * WHERE email = '[EMAIL]'",
        "data": {"cookie": "[REDACTED]"},
    }


def test_given_sentry_module_when_imported_then_sentry_sdk_not_needed_until_init() -> None:
    import subprocess
    import sys

    code = "import sys, docflow.sentry, docflow.pii; print('sentry_sdk' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
