"""Domain errors. Each maps to one HTTP problem (RFC 9457) in :mod:`docflow.http.problems`.

Raise these from services and dependencies; never build error responses by hand. ``detail`` is
shown to the client, so it must never contain secrets, personal data or another tenant's data.
"""

from __future__ import annotations

from typing import Any, ClassVar


class DocflowError(Exception):
    """Base of every expected error: carries an HTTP status and a stable machine-readable code."""

    status: ClassVar[int] = 500
    code: ClassVar[str] = "internal_error"
    title: ClassVar[str] = "Internal error"

    def __init__(
        self,
        detail: str | None = None,
        *,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.headers = headers or {}
        self.extra = extra or {}


class BadRequest(DocflowError):
    status, code, title = 400, "bad_request", "Bad request"


class Unauthorized(DocflowError):
    status, code, title = 401, "unauthorized", "Authentication required"

    def __init__(self, detail: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"WWW-Authenticate": 'Bearer realm="docflow"'})
        super().__init__(detail, **kwargs)


class Forbidden(DocflowError):
    status, code, title = 403, "forbidden", "Forbidden"


class TenantSuspended(Forbidden):
    code, title = "tenant_suspended", "Tenant suspended"


class NotFound(DocflowError):
    status, code, title = 404, "not_found", "Not found"


class Conflict(DocflowError):
    status, code, title = 409, "conflict", "Conflict"


class PayloadTooLarge(DocflowError):
    status, code, title = 413, "payload_too_large", "Payload too large"


class UnsupportedMediaType(DocflowError):
    status, code, title = 415, "unsupported_media_type", "Unsupported media type"


class Unprocessable(DocflowError):
    status, code, title = 422, "validation_error", "Validation failed"


class RateLimited(DocflowError):
    status, code, title = 429, "rate_limited", "Too many requests"

    def __init__(self, retry_after_seconds: int, detail: str | None = None) -> None:
        super().__init__(detail, headers={"Retry-After": str(max(1, retry_after_seconds))})
        self.retry_after_seconds = retry_after_seconds


class UpstreamError(DocflowError):
    status, code, title = 502, "upstream_error", "Upstream service failed"


class ServiceUnavailable(DocflowError):
    status, code, title = 503, "service_unavailable", "Service unavailable"
