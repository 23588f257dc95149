"""One ASGI app that routes each request to the route group (function app) API Gateway would pick.

Paths come from ``template.yaml``; ``/docs`` shows one OpenAPI document merging every group.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.types import Receive, Scope, Send

from docflow.http.problems import problem_response
from docflow_local.template import FunctionSpec, HttpRoute, http_routes, load_template


def load_function_app(spec: FunctionSpec) -> FastAPI:
    """The FastAPI app a function's handler module exposes as ``app``."""
    module = importlib.import_module(spec.module)
    app = getattr(module, "app", None)
    if not isinstance(app, FastAPI):
        raise TypeError(f"{spec.module} has no FastAPI 'app'")
    return app


class LocalGateway:
    """Dispatches like API Gateway's HTTP API: most specific matching route wins, else 404."""

    def __init__(self, template_path: Path) -> None:
        self.routes: list[HttpRoute] = http_routes(load_template(template_path))
        self.apps: dict[str, FastAPI] = {}
        for route in self.routes:
            if route.function.logical_id not in self.apps:
                self.apps[route.function.logical_id] = load_function_app(route.function)
        self._openapi: dict[str, Any] | None = None

    def route_for(self, method: str, path: str) -> HttpRoute | None:
        """The route a request goes to, if any."""
        return next((route for route in self.routes if route.matches(method, path)), None)

    def openapi(self) -> dict[str, Any]:
        """One OpenAPI document with the paths and schemas of every route group."""
        if self._openapi is None:
            merged: dict[str, Any] = {
                "openapi": "3.1.0",
                "info": {"title": "DocFlow API (local)", "version": "local"},
                "paths": {},
                "components": {"schemas": {}},
            }
            for app in self.apps.values():
                spec = app.openapi()
                merged["paths"].update(spec.get("paths", {}))
                merged["components"]["schemas"].update(spec.get("components", {}).get("schemas", {}))
                for name, scheme in spec.get("components", {}).get("securitySchemes", {}).items():
                    merged["components"].setdefault("securitySchemes", {})[name] = scheme
            self._openapi = merged
        return self._openapi

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            message = await receive()
            while message["type"] != "lifespan.shutdown":
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                message = await receive()
            await send({"type": "lifespan.shutdown.complete"})
            return
        path = scope.get("path", "/")
        if scope["type"] == "http" and path == "/openapi.json":
            await JSONResponse(self.openapi())(scope, receive, send)
            return
        if scope["type"] == "http" and path == "/docs":
            page: HTMLResponse = get_swagger_ui_html(openapi_url="/openapi.json", title="DocFlow API")
            await page(scope, receive, send)
            return
        route = self.route_for(scope.get("method", "GET"), path)
        if route is None:
            await problem_response(404, "not_found", "Not found", "No route matches this path")(
                scope, receive, send
            )
            return
        await self.apps[route.function.logical_id](scope, receive, send)
