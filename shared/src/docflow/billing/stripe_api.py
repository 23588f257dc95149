"""Access to Stripe through the official SDK, at its pinned API version, on ``STRIPE_API_BASE``.

One :class:`stripe.StripeClient` per process (built on first use: the SDK is imported lazily), on
httpx with bounded timeouts and no redirects, retrying connection errors, 409, 429 and 5xx a bounded
number of times (``STRIPE_MAX_NETWORK_RETRIES``, with the SDK's backoff and idempotency keys on every
retried POST). Whatever still fails becomes a problem: 503 when Stripe is unavailable or limits us
(try again later), 502 when it answered something we cannot use. Stripe's message is never passed on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from docflow.config import get_settings
from docflow.errors import ServiceUnavailable, UpstreamError
from docflow.observability import get_logger

if TYPE_CHECKING:
    import stripe


_http_clients: list[Any] = []


@lru_cache(maxsize=1)
def get_stripe() -> stripe.StripeClient:
    """The process's Stripe client (``STRIPE_SECRET_KEY``, ``STRIPE_API_BASE``, the pinned version)."""
    import httpx
    import stripe

    from docflow.billing.settings import get_billing_settings

    settings, billing = get_settings(), get_billing_settings()
    timeout = billing.stripe_timeout_seconds
    http = stripe.HTTPXClient(
        timeout=httpx.Timeout(timeout, connect=min(timeout, 2.0)), allow_sync_methods=True
    )
    _http_clients.append(http)
    return stripe.StripeClient(
        settings.require("stripe_secret_key"),
        base_addresses={"api": settings.stripe_api_base.rstrip("/")},
        max_network_retries=billing.stripe_max_network_retries,
        http_client=http,
    )


def reset_stripe() -> None:
    """Forget the client and close its connections (tests change the base URL or the key)."""
    get_stripe.cache_clear()
    while _http_clients:
        _http_clients.pop().close()


def api_version() -> str:
    """The Stripe API version the SDK is pinned to (sent on every request)."""
    import stripe

    return str(stripe.api_version)


@contextmanager
def stripe_errors(operation: str) -> Iterator[None]:
    """Turn the SDK's errors into 503 (unavailable, rate limited) or 502 (anything else), logged with
    their type and status only."""
    import stripe

    try:
        yield
    except stripe.StripeError as exc:
        status = getattr(exc, "http_status", None)
        get_logger().warning(
            "stripe request failed",
            extra={"operation": operation, "error_type": type(exc).__name__, "upstream_status": status},
        )
        unavailable = isinstance(exc, stripe.RateLimitError | stripe.APIConnectionError) or (
            isinstance(status, int) and status >= 500
        )
        if unavailable:
            raise ServiceUnavailable("Billing is unavailable right now; try again in a minute") from None
        raise UpstreamError("The billing provider refused the request") from None


def call(operation: str, request: Callable[[], Any]) -> Any:
    """Run one SDK call under :func:`stripe_errors`."""
    with stripe_errors(operation):
        return request()


def field(obj: Any, name: str) -> str:
    """A string field of a Stripe answer; 502 when the answer lacks it (not the object asked for)."""
    try:
        value = obj[name]
    except (KeyError, TypeError, AttributeError):
        value = None
    if not isinstance(value, str) or not value:
        get_logger().warning("stripe answer without a field", extra={"field": name})
        raise UpstreamError("The billing provider answered something unexpected")
    return value
