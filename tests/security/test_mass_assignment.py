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

BODY_ROUTES = [r for r in deployed_routes() if r.method in {"POST", "PUT", "PATCH"}]


def _json_body_models(route: Route) -> list[tuple[str, dict[str, Any]]]:
    spec = route.app.openapi()
    operation = spec["paths"][route.path][route.method.lower()]
    content = operation.get("requestBody", {}).get("content", {})
    schemas = spec.get("components", {}).get("schemas", {})
    models = []
    for media_type, body in content.items():
        ref = body.get("schema", {}).get("$ref", "")
        if "json" in media_type and ref:
            name = ref.rsplit("/", 1)[-1]
            models.append((name, schemas[name]))
    return models


@pytest.mark.parametrize("route", BODY_ROUTES, ids=lambda r: r.id)
def test_body_models_forbid_extra_and_server_owned_fields(route: Route) -> None:
    for name, schema in _json_body_models(route):
        assert schema.get("additionalProperties") is False, f"{name} accepts unknown fields"
        offered = SERVER_OWNED & set(schema.get("properties", {}))
        assert offered == set(), f"{name} lets clients set {sorted(offered)}"
