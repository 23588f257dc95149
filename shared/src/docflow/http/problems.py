"""RFC 9457 problem details: the one error format of every DocFlow API response.

Bodies carry a stable ``code``, a human ``detail`` and the ``correlation_id`` to quote to support;
never a stack trace, a secret or the rejected input.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from docflow.errors import DocflowError
from docflow.observability import current_correlation_id, get_logger

PROBLEM_MEDIA_TYPE = "application/problem+json"

_HTTP_CODES: Mapping[int, tuple[str, str]] = {
    400: ("bad_request", "Bad request"),
    401: ("unauthorized", "Authentication required"),
    403: ("forbidden", "Forbidden"),
    404: ("not_found", "Not found"),
    405: ("method_not_allowed", "Method not allowed"),
    406: ("not_acceptable", "Not acceptable"),
    409: ("conflict", "Conflict"),
    413: ("payload_too_large", "Payload too large"),
    415: ("unsupported_media_type", "Unsupported media type"),
    422: ("validation_error", "Validation failed"),
    429: ("rate_limited", "Too many requests"),
}


#: JSON Schema of a problem body, documented on every route (extra members such as ``errors`` allowed).
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "type": "object",
    "required": ["type", "title", "status", "code", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "code": {"type": "string"},
        "detail": {"type": "string"},
        "correlation_id": {"type": ["string", "null"]},
    },
}

#: OpenAPI responses every route may give: its errors, as ``application/problem+json``.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {
        "description": description,
        "content": {PROBLEM_MEDIA_TYPE: {"schema": PROBLEM_SCHEMA}},
    }
    for status, description in (
        ("4XX", "Client error (RFC 9457 problem)"),
        ("5XX", "Server error (RFC 9457 problem)"),
    )
}


def problem_body(
    status: int, code: str, title: str, detail: str | None = None, **extra: Any
) -> dict[str, Any]:
    """The JSON body of a problem response."""
    body: dict[str, Any] = {
        "type": f"urn:docflow:problem:{code}",
        "title": title,
        "status": status,
        "code": code,
        "detail": detail or title,
        "correlation_id": current_correlation_id(),
    }
    body.update(extra)
    return body


def problem_response(
    status: int,
    code: str,
    title: str,
    detail: str | None = None,
    *,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    """A ``application/problem+json`` response."""
    return JSONResponse(
        problem_body(status, code, title, detail, **extra),
        status_code=status,
        headers=dict(headers or {}),
        media_type=PROBLEM_MEDIA_TYPE,
    )


def _validation_errors(errors: Sequence[Any]) -> list[dict[str, Any]]:
    """Pydantic errors without ``input`` and ``ctx``: they may echo personal data back."""
    return [
        {"loc": list(error.get("loc", ())), "msg": str(error.get("msg", "")), "type": error.get("type")}
        for error in errors
    ]


async def _docflow_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DocflowError)
    if exc.status >= 500:
        get_logger().error("request failed", extra={"error_code": exc.code})
    return problem_response(exc.status, exc.code, exc.title, exc.detail, headers=exc.headers, **exc.extra)


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return problem_response(
        422,
        "validation_error",
        "Validation failed",
        "The request does not match the expected schema",
        errors=_validation_errors(exc.errors()),
    )


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code, title = _HTTP_CODES.get(exc.status_code, ("http_error", "HTTP error"))
    detail = exc.detail if isinstance(exc.detail, str) and exc.status_code < 500 else title
    return problem_response(exc.status_code, code, title, detail, headers=exc.headers)


INTERNAL_ERROR_DETAIL = "Something went wrong on our side; quote the correlation id to support"


def report_unhandled(exc: Exception) -> None:
    """Log (scrubbed) and report an exception no handler expected."""
    from docflow.observability import capture_exception

    get_logger().exception("unhandled error", extra={"error_type": type(exc).__name__})
    capture_exception(exc)


def install_problem_handlers(app: FastAPI) -> None:
    """Route expected errors through the problem format; unexpected ones are answered by
    :class:`docflow.http.middleware.RequestGuardMiddleware`, inside the correlation and header layer."""
    app.add_exception_handler(DocflowError, _docflow_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
