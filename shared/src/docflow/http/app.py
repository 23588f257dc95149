"""``create_app``: every route group gets the same middleware, errors and OpenAPI conventions."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from starlette.middleware.cors import CORSMiddleware

from docflow import __version__
from docflow.config import get_settings
from docflow.http.middleware import CORRELATION_HEADER, RequestGuardMiddleware
from docflow.http.problems import PROBLEM_RESPONSES, install_problem_handlers

CORS_ALLOWED_HEADERS = ["Authorization", "Content-Type", "X-Tenant-Id", "X-Correlation-Id", "Idempotency-Key"]
CORS_EXPOSED_HEADERS = ["X-Correlation-Id", "Retry-After", "Location"]


def create_app(
    *routers: APIRouter,
    title: str,
    description: str = "",
    max_body_bytes: int | None = None,
) -> FastAPI:
    """A FastAPI app for one route group (one Lambda function).

    ``max_body_bytes`` overrides ``MAX_REQUEST_BODY_BYTES`` for groups that accept larger bodies.
    """
    settings = get_settings()
    app = FastAPI(
        title=title,
        description=description,
        version=__version__,
        docs_url="/docs" if settings.is_relaxed else None,
        redoc_url=None,
    )
    for router in routers:
        app.include_router(router, responses=PROBLEM_RESPONSES)  # errors documented as problems
    install_problem_handlers(app)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_origin_regex=settings.allowed_origin_regex,
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
        allow_headers=CORS_ALLOWED_HEADERS,
        expose_headers=CORS_EXPOSED_HEADERS,
        allow_credentials=False,
        max_age=600,
    )
    app.add_middleware(
        RequestGuardMiddleware, max_body_bytes=max_body_bytes or settings.max_request_body_bytes
    )
    return app


__all__ = ["CORRELATION_HEADER", "create_app"]
