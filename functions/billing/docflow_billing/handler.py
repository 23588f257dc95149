"""Lambda entry point of the billing function: the ``/api/v1/stripe`` routes, and the daily
reconciliation with Stripe when EventBridge Scheduler invokes it with ``{"docflow_job":
"billing.reconcile"}``."""

from dataclasses import asdict
from typing import Any

from docflow.http import create_app, make_handler
from docflow_billing.routes import router

app = create_app(router, title="DocFlow billing", max_body_bytes=4096)
_http_handler = make_handler(app)

RECONCILE_JOB = "billing.reconcile"


def handler(event: dict[str, Any], context: Any) -> Any:
    """Route the scheduled reconciliation to its job, anything else to the app."""
    if event.get("docflow_job") == RECONCILE_JOB:
        from docflow.billing.reconcile import reconcile

        return asdict(reconcile())
    return _http_handler(event, context)
