"""Route inventory (OWASP API5 and API9): every deployed route requires a user token unless it is on
the reviewed public allowlist below, platform routes refuse every tenant role, browsers of foreign
origins get no CORS grant (API8), and the merged route list is a snapshot, so an added route shows
up as a diff in review.

Refresh the snapshot after a reviewed route change:
    UPDATE_ROUTE_SNAPSHOT=1 .venv/bin/pytest -p no:cacheprovider tests/security -k snapshot
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from docflow_local.seed import DemoData
from tests.security.inventory import Route, app_routes, deployed_routes

pytestmark = pytest.mark.db

SNAPSHOT = Path(__file__).with_name("routes.snapshot.json")

#: Routes that take no user token, each with the reason it was accepted.
PUBLIC_ALLOWLIST: dict[tuple[str, str], str] = {
    ("GET", "/"): "liveness probe",
    ("GET", "/health"): "liveness probe",
    ("GET", "/api/health"): "liveness; the deep check reveals only up or down",
    ("POST", "/api/leads"): "website contact form: public form key, honeypot, rate limits per IP and email",
    ("POST", "/api/csp-report"): "browsers send CSP reports without credentials: size-capped, rate limited",
    ("GET", "/api/metrics"): "Prometheus scrape, guarded by METRICS_TOKEN instead of a user token",
    ("POST", "/api/auth/callback"): "OAuth/PKCE callback: exchanges a one-time code, no session yet",
    ("POST", "/api/v1/stripe/webhook"): (
        "Stripe webhook: Stripe-Signature (HMAC over the raw body, 300 s tolerance) instead of a user token"
    ),
    ("POST", "/api/v1/webhooks/resend"): (
        "Resend webhook: Svix signature (svix-id, svix-timestamp, svix-signature; HMAC over the raw body,"
        " 300 s tolerance) instead of a user token"
    ),
}
#: Webhooks authenticate the sender by a signature over the raw body instead of a user token.
PUBLIC_WEBHOOK = re.compile(r"^POST /api/(v1/)?webhooks/[a-z]+$")

ROUTES = deployed_routes()
PROTECTED = [route for route in ROUTES if (route.method, route.path) not in PUBLIC_ALLOWLIST]
PLATFORM = [route for route in ROUTES if route.access == "platform_admin"]


def _is_allowlisted(route: Route) -> bool:
    return (route.method, route.path) in PUBLIC_ALLOWLIST or bool(PUBLIC_WEBHOOK.match(route.id))


def test_inventory_is_not_empty() -> None:
    assert len(ROUTES) >= 5
    assert {route.function for route in PLATFORM} >= {"admin", "supabase_utils"}


def test_every_route_without_a_user_dependency_is_on_the_public_allowlist() -> None:
    unreviewed = [route.id for route in ROUTES if route.access == "public" and not _is_allowlisted(route)]
    assert unreviewed == []


def test_the_allowlist_names_only_deployed_routes() -> None:
    """A stale entry would wave through a route added later under that name without review."""
    deployed = {(route.method, route.path) for route in ROUTES}
    assert sorted(set(PUBLIC_ALLOWLIST) - deployed) == []


def test_every_deployed_route_is_served_by_its_app() -> None:
    missing = [route.id for route in ROUTES if (route.method, route.path) not in app_routes(route.module)]
    assert missing == []


def test_every_app_route_is_deployed() -> None:
    """An app route missing from the template would be reachable locally but never reviewed here."""
    deployed = {(route.method, route.path) for route in ROUTES}
    modules = {route.module for route in ROUTES}
    hidden = sorted(
        f"{method} {path} ({module})"
        for module in modules
        for method, path in app_routes(module)
        if (method, path) not in deployed
    )
    assert hidden == []


@pytest.mark.parametrize("route", [r for r in PROTECTED if not _is_allowlisted(r)], ids=lambda r: r.id)
def test_protected_route_without_a_token_is_401(
    route: Route, clients: dict[str, TestClient], demo: DemoData
) -> None:
    body = {} if route.method in {"POST", "PUT", "PATCH"} else None
    response = clients[route.function].request(route.method, route.url(), json=body)
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["code"] == "unauthorized"


@pytest.mark.parametrize("route", PLATFORM, ids=lambda r: r.id)
def test_platform_route_is_403_for_every_tenant_role(
    route: Route,
    clients: dict[str, TestClient],
    demo: DemoData,
    headers_for: Callable[..., dict[str, str]],
) -> None:
    body = {} if route.method in {"POST", "PUT", "PATCH"} else None
    for user in demo.users:
        headers = headers_for(user.user_id, user.email, user.tenant_id)
        response = clients[route.function].request(
            route.method, route.url(user.tenant_id), headers=headers, json=body
        )
        assert response.status_code == 403, f"{user.email}: {response.text}"
        assert response.json()["code"] == "forbidden"


def test_admin_and_database_routes_are_platform_only() -> None:
    prefixed = [r for r in ROUTES if r.path.startswith(("/api/v1/admin/", "/api/v1/supabase/"))]
    assert prefixed
    assert [r.id for r in prefixed if r.access != "platform_admin"] == []


def _inventory() -> list[dict[str, str]]:
    return [{"method": r.method, "path": r.path, "function": r.function, "access": r.access} for r in ROUTES]


def test_route_snapshot() -> None:
    current = _inventory()
    if os.environ.get("UPDATE_ROUTE_SNAPSHOT") == "1":
        SNAPSHOT.write_text("[\n" + ",\n".join(json.dumps(r) for r in current) + "\n]\n")  # a line per route
        # A refreshed snapshot equals the routes by construction: this run compared nothing.
        pytest.fail("route snapshot refreshed: review its diff, then run again without UPDATE_ROUTE_SNAPSHOT")
    recorded = json.loads(SNAPSHOT.read_text())
    added = [r for r in current if r not in recorded]
    removed = [r for r in recorded if r not in current]
    assert (added, removed) == ([], []), "routes changed: review them, then refresh the snapshot (module doc)"


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.id)
def test_cors_preflight_trusts_only_configured_origins(route: Route, clients: dict[str, TestClient]) -> None:
    preflight = {
        "Access-Control-Request-Method": route.method,
        "Access-Control-Request-Headers": "authorization",
    }
    client = clients[route.function]
    foreign = client.options(route.url(), headers={**preflight, "Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in foreign.headers
    own = client.options(route.url(), headers={**preflight, "Origin": "https://app.docflow.test"})
    assert own.headers.get("access-control-allow-origin") == "https://app.docflow.test"
    assert "access-control-allow-credentials" not in own.headers
