"""Lambda entry point of the billing function: the ``/api/v1/stripe`` routes, and the daily
reconciliation with Stripe when EventBridge Scheduler invokes it with ``{"docflow_job":
"billing.reconcile"}``."""

from dataclasses import asdict
from typing import Any

from docflow.http import create_app, make_handler
from docflow.observability import get_logger, get_metrics
from docflow_billing.routes import router

app = create_app(router, title="DocFlow billing", max_body_bytes=4096)
_http_handler = make_handler(app)
logger = get_logger()

RECONCILE_JOB = "billing.reconcile"


@get_metrics().log_metrics
@logger.inject_lambda_context(clear_state=True, log_event=False)
def reconcile_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The daily reconciliation (:mod:`docflow.billing.reconcile`); its metric is flushed with the
    invocation."""
    from docflow.billing.reconcile import reconcile

    return asdict(reconcile())


def handler(event: dict[str, Any], context: Any) -> Any:
    """Route the scheduled reconciliation to its job, anything else to the app."""
    if isinstance(event, dict) and event.get("docflow_job") == RECONCILE_JOB:
        return reconcile_handler(event, context)
    return _http_handler(event, context)
