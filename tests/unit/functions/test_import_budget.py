"""Every function's import budget: no heavy module at cold start (tests.support.import_budget).

Each handler is imported in a fresh interpreter with Sentry configured; then a first request that
needs neither a valid token nor the database runs, and still no heavy module may be loaded.
"""

from __future__ import annotations

import pytest

from docflow_local.template import load_template, zip_functions
from tests.support.import_budget import heavy_modules_loaded
from tests.support.paths import REPO_ROOT

#: Function folder -> (handler module, a first event that needs no database, its status).
FIRST_REQUESTS: dict[str, tuple[str, str | None, int | None]] = {
    "admin": ("docflow_admin.handler", "get-tenants-no-token.json", 401),
    "ai": ("docflow_ai.handler", "post-second-reading-no-token.json", 401),
    # Queue-triggered: its only event reads the database and asks the model.
    "ai_reading": ("docflow_ai_reading.handler", None, None),
    "auth": ("docflow_auth.handler", "get-me-no-token.json", 401),
    "billing": ("docflow_billing.handler", "post-checkout-session-no-token.json", 401),
    "clients": ("docflow_clients.handler", "list-clients-no-token.json", 401),
    # csp_report counts every request against its rate limit in the database, even one it refuses.
    "csp_report": ("docflow_csp_report.handler", None, None),
    "email": ("docflow_email_api.handler", "get-inbound-address-no-token.json", 401),
    "email_webhook": ("docflow_email_webhook.handler", "post-resend-no-signature.json", 400),
    "finance": ("docflow_finance.handler", "get-vat-summary-no-token.json", 401),
    "health": ("docflow_health.handler", "get-health.json", 200),
    "leads": ("docflow_leads.handler", "get-leads-no-token.json", 401),
    # A scheduled job: its only event is the schedule's, which reads the database.
    "monthly_report": ("docflow_monthly_report.handler", None, None),
    "metrics": ("docflow_metrics.handler", "get-metrics-unconfigured.json", 404),
    "ocr": ("docflow_ocr.handler", "post-ocr-no-token.json", 401),
    "receipts": ("docflow_receipts_api.handler", "get-list-no-token.json", 401),
    "stripe_webhook": ("docflow_stripe_webhook.handler", "post-webhook-no-signature.json", 400),
    "supabase_utils": ("docflow_supabase_utils.handler", "get-rls-check-no-token.json", 401),
    "users": ("docflow_users.handler", "list-members-no-token.json", 401),
    # Tenant integrations: the two API groups, the Linear webhook and the queue worker.
    "notion": ("docflow_notion.handler", "get-connection-no-token.json", 401),
    "linear": ("docflow_linear.handler", "get-connection-no-token.json", 401),
    "linear_webhook": ("docflow_linear_webhook.handler", "post-linear-no-signature.json", 400),
    # A queue consumer and a scheduled drain: both read the database.
    "integrations_worker": ("docflow_integrations_worker.handler", None, None),
}


def test_every_function_of_the_template_has_a_budget() -> None:
    template = load_template(REPO_ROOT / "template.yaml")
    handlers = {spec.module for spec in zip_functions(template)}
    assert handlers <= {module for module, _, _ in FIRST_REQUESTS.values()}


@pytest.mark.parametrize("function", sorted(FIRST_REQUESTS))
def test_handler_import_loads_no_heavy_module(function: str) -> None:
    module, _, _ = FIRST_REQUESTS[function]
    assert heavy_modules_loaded(module) == (None, [])


@pytest.mark.parametrize("function", sorted(name for name, (_, event, _) in FIRST_REQUESTS.items() if event))
def test_first_request_without_database_loads_no_heavy_module(function: str) -> None:
    module, event, status = FIRST_REQUESTS[function]
    assert event is not None
    assert heavy_modules_loaded(module, REPO_ROOT / "events" / function / event) == (status, [])
