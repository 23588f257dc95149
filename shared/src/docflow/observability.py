"""Logging, metrics and error reporting, configured the same way for every function.

Logs are Powertools JSON lines scrubbed of personal data; the correlation id comes from the
``X-Correlation-Id`` header or the API Gateway request id; metrics are EMF; Sentry is optional,
configured at cold start and started on the first event it must send (:mod:`docflow.sentry`).
"""

from __future__ import annotations

import os
import sys
from contextvars import ContextVar
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aws_lambda_powertools import Logger, Metrics

DEFAULT_SERVICE = "docflow"
METRICS_NAMESPACE = "DocFlow"

_correlation_id: ContextVar[str | None] = ContextVar("docflow_correlation_id", default=None)


def service_name() -> str:
    """The function's service name (``POWERTOOLS_SERVICE_NAME``, set per function in the template)."""
    return os.environ.get("POWERTOOLS_SERVICE_NAME", DEFAULT_SERVICE)


@lru_cache(maxsize=1)
def get_logger() -> Logger:
    """The process's structured logger; every record passes the PII scrubber."""
    from aws_lambda_powertools import Logger

    from docflow.config import get_settings
    from docflow.pii.logging import ScrubbingFormatter

    return Logger(
        service=service_name(),
        level=get_settings().log_level,
        logger_formatter=ScrubbingFormatter(),
    )


@lru_cache(maxsize=1)
def get_metrics() -> Metrics:
    """The process's EMF metrics (flushed by the Lambda handler after each invocation)."""
    from aws_lambda_powertools import Metrics

    return Metrics(namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE", METRICS_NAMESPACE))


def current_correlation_id() -> str | None:
    """The correlation id of the request being handled, if any."""
    return _correlation_id.get()


def bind_request(correlation_id: str) -> None:
    """Start a request's log context: a fresh correlation id and no tenant from a previous request."""
    _correlation_id.set(correlation_id)
    if "docflow.sentry" in sys.modules:
        from docflow.sentry import begin_request

        begin_request()
    logger = get_logger()
    logger.remove_keys(["tenant_id", "user_id"])
    logger.set_correlation_id(correlation_id)


def bind_tenant(tenant_id: str, user_id: str) -> None:
    """Put the acting tenant and user ids (never names or emails) on logs and error reports."""
    get_logger().append_keys(tenant_id=tenant_id, user_id=user_id)
    from docflow.sentry import set_tenant_context

    set_tenant_context(tenant_id, user_id)


def init_error_reporting() -> bool:
    """Configure Sentry from the settings, to start on its first event; returns whether errors are
    reported. Imports no part of the SDK."""
    from docflow.config import get_settings
    from docflow.sentry import configure_sentry

    settings = get_settings()
    return configure_sentry(
        dsn=settings.sentry_dsn,
        environment=settings.sentry_environment or settings.environment,
        traces_sample_rate=settings.sentry_traces_sample_rate,
    )


def capture_exception(exc: BaseException) -> None:
    """Report an exception the HTTP layer turned into a 500, or one escaping the Lambda handler
    (Sentry never sees them otherwise); starts a configured Sentry that has not started yet."""
    if "docflow.sentry" not in sys.modules and "sentry_sdk" not in sys.modules:
        return  # error reporting was never set up in this process
    from docflow.sentry import ensure_sentry

    if ensure_sentry():
        import sentry_sdk

        sentry_sdk.capture_exception(exc)
    elif "sentry_sdk" in sys.modules:  # a client set up outside DocFlow (tools, tests)
        import sentry_sdk

        if sentry_sdk.is_initialized():
            sentry_sdk.capture_exception(exc)


def flush_error_reports() -> None:
    """Send queued error reports before Lambda freezes the process (nothing to do without Sentry)."""
    if "docflow.sentry" in sys.modules:
        from docflow.sentry import flush_sentry

        flush_sentry()
