"""Health routes: cheap liveness by default, a database round trip on ``?deep=true``."""

from __future__ import annotations

import time
from typing import Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from docflow import __version__
from docflow.errors import ServiceUnavailable
from docflow.observability import get_logger, service_name

router = APIRouter(tags=["health"])

DEEP_CHECK_TIMEOUT_SECONDS = 2.0


class DatabaseCheck(BaseModel):
    """Result of the database round trip."""

    status: Literal["ok"]
    latency_ms: float


class Health(BaseModel):
    """The service is up (and, when asked, can reach its database)."""

    status: Literal["ok"]
    service: str
    version: str
    database: DatabaseCheck | None = None


def _check_database() -> DatabaseCheck:
    from docflow.db import get_pool

    started = time.perf_counter()
    try:
        with get_pool().connection(timeout=DEEP_CHECK_TIMEOUT_SECONDS) as conn:
            conn.execute("select 1")
    except Exception as exc:
        get_logger().warning("database health check failed", extra={"error_type": type(exc).__name__})
        raise ServiceUnavailable("The database is not reachable") from None
    return DatabaseCheck(status="ok", latency_ms=round((time.perf_counter() - started) * 1000, 2))


@router.get("/", include_in_schema=False)
@router.get("/health", include_in_schema=False)
@router.get("/api/health", summary="Service health")
async def health(
    deep: bool = Query(default=False, description="Also check the database (503 when unreachable)"),
) -> Health:
    """``{"status": "ok"}`` while the function runs; with ``deep=true`` the database answers too.

    Async so the cheap path never hops to a worker thread; the blocking database check does.
    """
    database = await run_in_threadpool(_check_database) if deep else None
    return Health(status="ok", service=service_name(), version=__version__, database=database)
