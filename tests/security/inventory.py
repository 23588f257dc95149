"""The route inventory: every deployed route from ``template.yaml``, joined to its FastAPI route.

Nothing here names a route group: a group added to the template is covered by every security test
the moment it lands.
"""

from __future__ import annotations

import importlib
import re
import uuid
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from fastapi import FastAPI
from fastapi.routing import iter_route_contexts

from docflow.http.deps import authenticate, platform_admin, tenant_context
from docflow.http.middleware import RequestGuardMiddleware
from docflow_local.template import http_routes, load_template

ROOT = Path(__file__).resolve().parents[2]
_PARAM = re.compile(r"\{([^}+]+)\+?\}")

Access = Literal["public", "user", "platform_admin"]


@dataclass(frozen=True)
class Route:
    """One deployed method + path, the function serving it and who may call it."""

    method: str
    path: str
    function: str
    module: str
    access: Access
    tenant_scoped: bool
    query_params: frozenset[str]

    @property
    def app(self) -> FastAPI:
        """The function's FastAPI app."""
        app: FastAPI = importlib.import_module(self.module).app
        return app

    @property
    def id(self) -> str:
        """``METHOD /path``, the id of a parametrized test."""
        return f"{self.method} {self.path}"

    @property
    def path_params(self) -> list[str]:
        """Names of the path parameters."""
        return _PARAM.findall(self.path)

    def url(self, value: object = None) -> str:
        """The path with every parameter replaced by ``value`` (a fresh UUID by default)."""
        return _PARAM.sub(lambda _: str(value if value is not None else uuid.uuid4()), self.path)


def _calls(dependant: Any) -> set[Any]:
    found: set[Any] = set()
    for sub in getattr(dependant, "dependencies", ()):
        if sub.call is not None:
            found.add(sub.call)
        found |= _calls(sub)
    return found


def _access(dependant: Any) -> Access:
    calls = _calls(dependant)
    if platform_admin in calls:
        return "platform_admin"
    return "user" if authenticate in calls else "public"


def _query_params(app: FastAPI, method: str, path: str) -> frozenset[str]:
    operation = app.openapi().get("paths", {}).get(path, {}).get(method.lower(), {})
    return frozenset(p["name"] for p in operation.get("parameters", []) if p.get("in") == "query")


@cache
def app_routes(module: str) -> dict[tuple[str, str], Any]:
    """``(method, path) -> route context`` of every API route a function's app serves."""
    app = importlib.import_module(module).app
    routes: dict[tuple[str, str], Any] = {}
    for context in iter_route_contexts(app.routes):
        if getattr(context, "dependant", None) is None:
            continue  # docs and OpenAPI routes of the local environment
        for method in context.methods or ():
            if method != "HEAD":
                routes[(method, context.path)] = context
    return routes


@cache
def deployed_routes() -> tuple[Route, ...]:
    """Every template route (preflight ``OPTIONS`` aside) with its access level, sorted."""
    routes: list[Route] = []
    for spec in http_routes(load_template(ROOT / "template.yaml")):
        if spec.method == "OPTIONS":
            continue
        context = app_routes(spec.function.module).get((spec.method, spec.path))
        app = importlib.import_module(spec.function.module).app
        routes.append(
            Route(
                method=spec.method,
                path=spec.path,
                function=spec.function.name,
                module=spec.function.module,
                access=_access(context.dependant) if context is not None else "public",
                tenant_scoped=context is not None and tenant_context in _calls(context.dependant),
                query_params=_query_params(app, spec.method, spec.path),
            )
        )
    return tuple(sorted(routes, key=lambda r: (r.path, r.method)))


def function_modules() -> dict[str, str]:
    """Function name -> handler module of every function serving HTTP routes."""
    return {route.function: route.module for route in deployed_routes()}


def max_body_bytes(app: FastAPI) -> int:
    """The body limit ``create_app`` gave the app's request guard."""
    for middleware in app.user_middleware:
        if middleware.cls is RequestGuardMiddleware:
            return int(middleware.kwargs["max_body_bytes"])
    raise AssertionError("the app has no request guard")
