"""Text inputs (OWASP API8): every string a route takes, in its query or its JSON body, refuses a
NUL and the other control characters with a 422 at the schema (``docflow.http.types.Text``), never
a database error; the documented schema says so too; numeric filters are bounded."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from docflow_local.seed import DemoData
from tests.security.inventory import Route, deployed_routes

pytestmark = pytest.mark.db

#: Bodies a browser writes (CSP violation reports), parsed by hand field by field and only logged.
BROWSER_REPORT_ROUTES = frozenset({"POST /api/csp-report"})
#: What each string is tried with: NUL, a C0 control, DEL and a lone surrogate.
HOSTILE = ("a\x00b", "a\x1bb", "a\x7fb", "a\ud800b")


def _string_schema(schema: dict[str, Any]) -> dict[str, Any] | None:
    """The free-text string schema inside ``schema`` (directly, in ``anyOf`` or as list items); none
    for a number that may also be sent as a string (a decimal)."""
    options = [schema, *schema.get("anyOf", [])]
    if any(option.get("type") in {"number", "integer"} for option in options):
        return None
    for option in options:
        string = option.get("items", {}) if option.get("type") == "array" else option
        if string.get("type") == "string" and "enum" not in string and "format" not in string:
            return string
    return None


def _query_strings(route: Route) -> dict[str, dict[str, Any]]:
    operation = route.app.openapi()["paths"].get(route.path, {}).get(route.method.lower(), {})
    found = {}
    for parameter in operation.get("parameters", []):
        schema = _string_schema(parameter.get("schema", {}))
        if parameter.get("in") == "query" and schema is not None:
            found[parameter["name"]] = schema
    return found


def _body_strings(route: Route) -> dict[str, tuple[bool, dict[str, Any]]]:
    """Property -> (is a list, string schema) of the route's JSON body model."""
    spec = route.app.openapi()
    operation = spec["paths"].get(route.path, {}).get(route.method.lower(), {})
    schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
    refs = [schema.get("$ref", "")] + [s.get("$ref", "") for s in schema.get("anyOf", [])]
    found: dict[str, tuple[bool, dict[str, Any]]] = {}
    for ref in filter(None, refs):
        model = spec["components"]["schemas"][ref.rsplit("/", 1)[-1]]
        for name, prop in model.get("properties", {}).items():
            string = _string_schema(prop)
            if string is not None:
                is_list = any(o.get("type") == "array" for o in [prop, *prop.get("anyOf", [])])
                found[name] = (is_list, string)
    return found


QUERY_CASES = [(r, name) for r in deployed_routes() for name in _query_strings(r)]
BODY_CASES = [
    (r, name)
    for r in deployed_routes()
    if r.method in {"POST", "PUT", "PATCH"} and r.id not in BROWSER_REPORT_ROUTES
    for name in _body_strings(r)
]


@pytest.fixture
def caller(owner_headers: dict[str, str], staff_headers: dict[str, str]) -> dict[str, dict[str, str]]:
    return {"public": {}, "user": owner_headers, "platform_admin": staff_headers}


def test_the_sweep_found_the_text_inputs() -> None:
    queries = {f"{r.id} ?{name}" for r, name in QUERY_CASES}
    bodies = {f"{r.id} .{name}" for r, name in BODY_CASES}
    assert {"GET /api/v1/receipts ?q", "GET /api/v1/clients ?tag", "GET /api/leads ?cursor"} <= queries
    assert {
        "POST /api/leads .name",
        "POST /api/auth/tenants .name",
        "POST /api/users/invitations .email",
    } <= bodies
    assert {"PATCH /api/users/me/profile .display_name", "POST /api/leads/{lead_id}/convert .tags"} <= bodies


@pytest.mark.parametrize(("route", "name"), QUERY_CASES + BODY_CASES, ids=lambda v: getattr(v, "id", v))
def test_documented_schema_refuses_control_characters(route: Route, name: str) -> None:
    schema = (_query_strings(route).get(name) if (route, name) in QUERY_CASES else None) or _body_strings(
        route
    )[name][1]
    pattern = schema.get("pattern")
    assert pattern, f"{route.id} {name}: a free text without the Text type"
    for value in ("a\x00b", "a\x1bb", "a\x7fb"):
        assert not re.search(pattern, value), f"{route.id} {name}: the schema admits {value!r}"


def _refused_at(response: Any, name: str) -> bool:
    errors = response.json().get("errors", [])
    return response.status_code == 422 and any(name in error["loc"] for error in errors)


@pytest.mark.parametrize(("route", "name"), QUERY_CASES, ids=lambda v: getattr(v, "id", v))
def test_query_strings_refuse_control_characters(
    route: Route, name: str, clients: dict[str, TestClient], caller: dict[str, dict[str, str]], demo: DemoData
) -> None:
    client, headers = clients[route.function], caller[route.access]
    for value in HOSTILE[:3]:
        response = client.request(route.method, route.url(), headers=headers, params={name: value})
        assert _refused_at(response, name), f"{name}={value!r}: {response.status_code} {response.text[:200]}"


@pytest.mark.parametrize(("route", "name"), BODY_CASES, ids=lambda v: getattr(v, "id", v))
def test_body_strings_refuse_control_characters(
    route: Route, name: str, clients: dict[str, TestClient], caller: dict[str, dict[str, str]], demo: DemoData
) -> None:
    client, headers = clients[route.function], caller[route.access]
    is_list = _body_strings(route)[name][0]
    for value in HOSTILE:
        body = f'{{"{name}": {_json_string(value) if not is_list else "[" + _json_string(value) + "]"}}}'
        response = client.request(
            route.method, route.url(), headers={**headers, "Content-Type": "application/json"}, content=body
        )
        assert _refused_at(response, name), f"{name}={value!r}: {response.status_code} {response.text[:200]}"


def _json_string(value: str) -> str:
    """``value`` as a JSON string with every non-ASCII and control character escaped (``\\ud800`` too)."""
    return (
        '"'
        + "".join(ch if " " <= ch < "\x7f" and ch not in '"\\' else f"\\u{ord(ch):04x}" for ch in value)
        + '"'
    )


@pytest.mark.parametrize("value", ["1e999999", "-1e999999", "1e20", "NaN", "Infinity"])
def test_numeric_filters_are_bounded(
    value: str, clients: dict[str, TestClient], owner_headers: dict[str, str], demo: DemoData
) -> None:
    for name in ("min_total", "max_total"):
        response = clients["receipts"].get("/api/v1/receipts", headers=owner_headers, params={name: value})
        assert response.status_code == 422, f"{name}={value}: {response.status_code}"
