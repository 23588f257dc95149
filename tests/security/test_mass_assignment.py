"""Mass assignment (OWASP API3): every JSON body model of every route forbids unknown fields and
offers none of the fields the server owns, so a client can never set them."""

from __future__ import annotations

from typing import Any

import pytest

from tests.security.inventory import Route, deployed_routes

#: Columns only the server sets.
SERVER_OWNED = frozenset(
    {"id", "tenant_id", "created_at", "updated_at", "created_by", "uploaded_by", "deleted_at", "user_id"}
)

#: Bodies a browser writes (CSP violation reports), parsed by hand field by field, never as a model.
BROWSER_REPORT_ROUTES = frozenset({"POST /api/csp-report"})

BODY_ROUTES = [r for r in deployed_routes() if r.method in {"POST", "PUT", "PATCH"}]


def _json_body_models(route: Route) -> list[tuple[str, dict[str, Any]]]:
    spec = route.app.openapi()
    operation = spec["paths"][route.path][route.method.lower()]
    content = operation.get("requestBody", {}).get("content", {})
    schemas = spec.get("components", {}).get("schemas", {})
    models = []
    for media_type, body in content.items():
        if "json" not in media_type:
            continue
        schema = body.get("schema", {})
        # An optional body is ``anyOf: [{$ref}, {type: null}]``: its model is checked all the same.
        for ref in [schema.get("$ref", "")] + [s.get("$ref", "") for s in schema.get("anyOf", [])]:
            if ref:
                name = ref.rsplit("/", 1)[-1]
                models.append((name, schemas[name]))
    return models


def _has_json_body(route: Route) -> bool:
    operation = route.app.openapi()["paths"][route.path][route.method.lower()]
    return any("json" in media for media in operation.get("requestBody", {}).get("content", {}))


@pytest.mark.parametrize("route", BODY_ROUTES, ids=lambda r: r.id)
def test_body_models_forbid_extra_and_server_owned_fields(route: Route) -> None:
    models = _json_body_models(route)
    if _has_json_body(route) and route.id not in BROWSER_REPORT_ROUTES:
        assert models, f"{route.id}: a JSON body without a named model is not checked"
    for name, schema in models:
        assert schema.get("additionalProperties") is False, f"{name} accepts unknown fields"
        offered = SERVER_OWNED & set(schema.get("properties", {}))
        assert offered == set(), f"{name} lets clients set {sorted(offered)}"
