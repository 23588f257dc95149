"""Lambda entry point of the Stripe webhook function.

HTTP API events go to the FastAPI app (signature checked); events from Stripe's Amazon EventBridge
destination (``source`` ``aws.partner/stripe.com/...``, the Stripe event in ``detail``) are already
authenticated by AWS and go straight to the same processing.
"""

from typing import Any

from docflow.billing import notify
from docflow.email.notices import email_notice
from docflow.http import create_app, make_handler
from docflow_stripe_webhook.routes import router

notify.install(email_notice)

app = create_app(router, title="DocFlow Stripe webhook", max_body_bytes=262_144)
_http_handler = make_handler(app)

EVENTBRIDGE_SOURCE_PREFIX = "aws.partner/stripe.com"


def handler(event: dict[str, Any], context: Any) -> Any:
    """Route an API Gateway event to the app, an EventBridge event to the event processing."""
    if str(event.get("source", "")).startswith(EVENTBRIDGE_SOURCE_PREFIX):
        from docflow.billing.events import process_event

        return {"outcome": process_event(dict(event.get("detail") or {})).value}
    return _http_handler(event, context)
