"""``make_handler``: the Lambda entry point of a route group (Mangum + Powertools)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from fastapi import FastAPI

from docflow import snapstart
from docflow.http import fastapi_compat
from docflow.observability import (
    capture_exception,
    flush_error_reports,
    get_logger,
    get_metrics,
    init_error_reporting,
)

#: Bodies API Gateway gets as text; anything else Mangum base64-encodes.
TEXT_MIME_TYPES = (
    "application/json",
    "application/problem+json",
    "application/javascript",
    "application/xml",
    "application/vnd.oai.openapi",
    "text/",
)

LambdaHandler = Callable[[dict[str, Any], Any], dict[str, Any]]

# Before any route of the function is built (handler modules import ``docflow.http`` first).
fastapi_compat.install()
# Every HTTP function binds its SnapStart hooks (a no-op without the Lambda runtime's module).
snapstart.bind_runtime()


def make_handler(app: FastAPI) -> LambdaHandler:
    """Wrap ``app`` for API Gateway HTTP API events.

    Mangum runs with ``lifespan="off"`` (no per-invocation startup; pools are module-level and lazy).
    The logger gets the Lambda context and clears request keys between invocations; metrics flush as
    EMF with a cold-start metric. With a DSN, Sentry is configured here and starts on the first event
    it must send (:mod:`docflow.sentry`): an exception escaping the handler is reported before it
    propagates, and queued reports are flushed before the invocation returns.
    """
    import warnings

    from mangum import Mangum

    # Most invocations emit no business metric; the cold-start metric still goes out when due.
    warnings.filterwarnings("ignore", message="No application metrics to publish", category=UserWarning)
    init_error_reporting()
    asgi_handler = Mangum(
        app,
        lifespan="off",
        api_gateway_base_path="/",
        text_mime_types=[*TEXT_MIME_TYPES],
    )
    logger = get_logger()
    metrics = get_metrics()

    @metrics.log_metrics(capture_cold_start_metric=True)
    @logger.inject_lambda_context(clear_state=True, log_event=False)
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        try:
            response: dict[str, Any] = asgi_handler(event, context)
        except Exception as exc:
            capture_exception(exc)
            raise
        finally:
            flush_error_reports()
        return response

    return cast(LambdaHandler, handler)
