"""Logs written through the scrubbing formatter and filter carry no canary."""

from __future__ import annotations

import io
import json
import logging
import uuid
from typing import Any

import pytest
from aws_lambda_powertools import Logger

from docflow.pii.logging import ScrubbingFilter, ScrubbingFormatter

from .test_scrub_text import JWT
from .test_sentry_envelope import API_KEY, BEARER, CANARIES, CARD, EMAIL, HETU, IBAN, PHONE


def powertools_logger() -> tuple[Logger, io.StringIO]:
    buffer = io.StringIO()
    logger = Logger(
        service=f"pii-test-{uuid.uuid4().hex[:8]}",
        level="DEBUG",
        logger_formatter=ScrubbingFormatter(),
        logger_handler=logging.StreamHandler(buffer),
    )
    return logger, buffer


def records(buffer: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


def leaked(text: str) -> list[str]:
    return [canary for canary in CANARIES if canary in text]


def _fail_with_personal_data() -> None:
    raise RuntimeError(f"charge failed for {EMAIL} card {CARD} iban {IBAN} hetu {HETU} with {API_KEY}")


def test_given_powertools_logger_when_logging_canaries_then_output_has_markers_only() -> None:
    logger, buffer = powertools_logger()
    logger.append_keys(tenant_id="tenant-42")
    logger.info("receipt from %s, phone %s", EMAIL, PHONE)
    logger.info(
        "lookup", extra={"customer": {"email": EMAIL, "iban": IBAN}, "authorization": f"Bearer {BEARER}"}
    )
    logger.info({"event": "login", "token": JWT, "note": f"hetu {HETU}"})
    logger.warning(f"Authorization: Bearer {BEARER}")

    output = buffer.getvalue()
    assert leaked(output) == []
    first, second, third, fourth = records(buffer)
    assert first["message"] == "receipt from [EMAIL], phone [PHONE]"
    assert second["customer"] == {"email": "[EMAIL]", "iban": "[REDACTED]"}
    assert second["authorization"] == "[REDACTED]"
    assert third["message"] == {"event": "login", "token": "[REDACTED]", "note": "hetu [HETU]"}
    assert fourth["message"] == "Authorization: Bearer [SECRET]"


def test_given_powertools_logger_when_exception_logged_then_message_and_traceback_scrubbed() -> None:
    logger, buffer = powertools_logger()
    try:
        _fail_with_personal_data()
    except RuntimeError:
        logger.exception("billing failed for %s", EMAIL)

    assert leaked(buffer.getvalue()) == []
    (record,) = records(buffer)
    assert record["message"] == "billing failed for [EMAIL]"
    assert (
        "charge failed for [EMAIL] card [CARD] iban [IBAN] hetu [HETU] with [SECRET]" in record["exception"]
    )
    assert record["exception_name"] == "RuntimeError"


def test_given_powertools_logger_when_logging_then_powertools_fields_kept() -> None:
    logger, buffer = powertools_logger()
    logger.append_keys(tenant_id="tenant-42", correlation_id="0401234567")
    logger.info("hello")

    (record,) = records(buffer)
    assert record["level"] == "INFO"
    assert record["service"].startswith("pii-test-")
    assert record["tenant_id"] == "tenant-42"
    assert record["correlation_id"] == "0401234567"
    assert record["location"].startswith(
        "test_given_powertools_logger_when_logging_then_powertools_fields_kept:"
    )
    assert record["timestamp"]


def test_given_powertools_logger_with_stack_trace_when_exception_logged_then_frames_scrubbed() -> None:
    buffer = io.StringIO()
    logger = Logger(
        service=f"pii-test-{uuid.uuid4().hex[:8]}",
        logger_formatter=ScrubbingFormatter(serialize_stacktrace=True),
        logger_handler=logging.StreamHandler(buffer),
    )
    try:
        _fail_with_personal_data()
    except RuntimeError:
        logger.exception("failed")

    assert leaked(buffer.getvalue()) == []
    (record,) = records(buffer)
    assert record["stack_trace"]["type"] == "RuntimeError"


@pytest.fixture
def plain_logger() -> tuple[logging.Logger, io.StringIO]:
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s %(customer)s"))
    handler.addFilter(ScrubbingFilter())
    logger = logging.getLogger(f"docflow.tests.pii.{uuid.uuid4().hex[:8]}")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    return logger, buffer


def test_given_plain_handler_with_filter_when_logging_then_message_extra_and_traceback_scrubbed(
    plain_logger: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, buffer = plain_logger
    logger.info("sent to %s", EMAIL, extra={"customer": {"phone": PHONE}})
    try:
        _fail_with_personal_data()
    except RuntimeError:
        logger.exception("failed for %s", PHONE, extra={"customer": IBAN})

    output = buffer.getvalue()
    assert leaked(output) == []
    assert output.startswith("INFO sent to [EMAIL] {'phone': '[PHONE]'}\nERROR failed for [PHONE] [IBAN]\n")
    assert "RuntimeError: charge failed for [EMAIL] card [CARD]" in output


def test_given_plain_handler_with_filter_when_arguments_do_not_fit_then_still_logged_scrubbed(
    plain_logger: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, buffer = plain_logger
    logger.info("only one %s", EMAIL, PHONE, extra={"customer": "-"})  # noqa: PLE1205 - the case under test
    output = buffer.getvalue()
    assert leaked(output) == []
    assert "[EMAIL]" in output
    assert "[PHONE]" in output
