"""Lambda entry point of the database utilities function: the ``/api/v1/supabase`` routes, and the
daily retention job when EventBridge Scheduler invokes it with ``{"docflow_job": "retention.purge"}``."""

from typing import Any

from docflow.http import create_app, make_handler
from docflow.observability import get_logger, get_metrics
from docflow.retention import RETENTION_JOB
from docflow_supabase_utils.routes import router

app = create_app(
    router,
    title="DocFlow database utilities",
    description="Migration status, database health and the RLS self-check (DocFlow staff only).",
)
http_handler = make_handler(app)
logger = get_logger()


@get_metrics().log_metrics
@logger.inject_lambda_context(clear_state=True, log_event=False)
def retention_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The daily retention job (:mod:`docflow.retention`): rows deleted per table."""
    from docflow.retention import purge_expired

    return {"deleted": purge_expired()}


def handler(event: dict[str, Any], context: Any) -> Any:
    """Route the scheduled retention job to its handler, anything else to the app."""
    if isinstance(event, dict) and event.get("docflow_job") == RETENTION_JOB:
        return retention_handler(event, context)
    return http_handler(event, context)
