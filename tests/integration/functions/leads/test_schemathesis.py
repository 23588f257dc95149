"""Schemathesis, in process, against the OpenAPI of the leads, csp_report and metrics groups.

Every generated request (valid and invalid) must get a documented status, a conforming body and
never a 5xx. Rate limits are raised for the run so the generated traffic is not cut short.

One check is left out: ``allow_header_conformance`` (the ``Allow`` header of a 405 to ``OPTIONS``).
Starlette answers it with the methods of the first route matching the path only; in AWS, API
Gateway sends every ``OPTIONS`` to the health function's preflight route, never to these functions.
Requests with a ``cursor`` are not expected to be accepted: a cursor is opaque, and a made-up one is a 422.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import allow_header_conformance, positive_data_acceptance

from docflow.config import reset_settings
from docflow.tenancy import Role
from docflow_local.seed import DemoData
from tests.support.leads import TENANT_A

pytestmark = pytest.mark.db

EXCLUDED = [allow_header_conformance]
#: A cursor is opaque: any string is schema-valid, yet only one the API made names a position (422).
WITH_CURSOR_EXCLUDED = [*EXCLUDED, positive_data_acceptance]
#: Invalid data may be refused as too large (413) or of the wrong media type (415) before it is read.
CONFIG = schemathesis.Config.from_dict(
    {
        "checks": {
            "negative_data_rejection": {
                "expected-statuses": [400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 428, 429]
            }
        }
    }
)
# Legacy CSP reports are JSON under their own media type (reports+json is JSON by its suffix).
schemathesis.serializer.alias("application/csp-report", "application/json")
METRICS_TOKEN = "schemathesis-metrics-token-0123456789"
EXAMPLES = settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(scope="module", autouse=True)
def generous_limits() -> Iterator[None]:
    patch = pytest.MonkeyPatch()
    patch.setenv("LEADS_RATE_LIMIT_PER_IP", "10000")
    patch.setenv("LEADS_RATE_LIMIT_PER_EMAIL", "1000")
    patch.setenv("CSP_REPORT_RATE_LIMIT_PER_IP", "100000")
    patch.setenv("METRICS_TOKEN", METRICS_TOKEN)
    reset_settings()
    yield
    patch.undo()
    reset_settings()


@pytest.fixture
def owner_headers(demo: DemoData, token_for: Callable[..., str]) -> dict[str, str]:
    owner = next(u for u in demo.users if u.tenant_id == TENANT_A and u.role == Role.OWNER)
    return {"Authorization": f"Bearer {token_for(owner.user_id, owner.email)}"}


def _schema(module: str) -> Any:
    """The group's OpenAPI, read from its app (no database needed for that)."""
    import importlib

    return schemathesis.openapi.from_asgi("/openapi.json", importlib.import_module(module).app, config=CONFIG)


leads = _schema("docflow_leads.handler")
csp = _schema("docflow_csp_report.handler")
metrics = _schema("docflow_metrics.handler")


@leads.parametrize()
@EXAMPLES
def test_leads_api_conforms(postgres: object, case: Any, owner_headers: dict[str, str]) -> None:
    excluded = WITH_CURSOR_EXCLUDED if "cursor" in (case.query or {}) else EXCLUDED
    case.call_and_validate(headers=owner_headers, excluded_checks=excluded)


@csp.parametrize()
@EXAMPLES
def test_csp_report_api_conforms(postgres: object, case: Any) -> None:
    case.call_and_validate(excluded_checks=EXCLUDED)


@metrics.parametrize()
@EXAMPLES
def test_metrics_api_conforms(postgres: object, case: Any) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {METRICS_TOKEN}"}, excluded_checks=EXCLUDED)
