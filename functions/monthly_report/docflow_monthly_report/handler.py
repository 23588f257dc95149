"""Lambda entry point of the monthly report job.

The schedule's input may name the period (``{"period": "2026-10"}``, for a manual rerun); without
it the job reports the month before the delivery's time in Helsinki. Every tenant with reports on is
tried; if any failed the job raises after the others, so the scheduler's retry policy (and then its
dead-letter queue) sees it, and a rerun sends only what is still missing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from docflow import snapstart
from docflow.observability import get_logger, get_metrics

snapstart.bind_runtime()  # the SnapStart hooks (a no-op without the Lambda runtime's module)

logger = get_logger()


class ReportsFailed(RuntimeError):
    """Some tenants' reports failed this run (each is logged with its tenant id)."""


@get_metrics().log_metrics
@logger.inject_lambda_context(clear_state=True, log_event=False)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Send the period's report to every tenant once; see the module documentation."""
    from docflow.email.monthly import month_period, previous_month, run

    label = event.get("period") if isinstance(event, dict) else None
    period = month_period(str(label)) if label else previous_month(dt.datetime.now(dt.UTC))
    summary = run(period)
    if summary.errors:
        raise ReportsFailed(f"{summary.errors} tenant reports failed for {summary.period}")
    return {"period": summary.period, "outcomes": summary.outcomes}
