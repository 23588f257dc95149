"""``/api/v1/supabase`` routes: database utilities for platform administrators, each call audited."""

from __future__ import annotations

from fastapi import APIRouter

from docflow import audit
from docflow.db import system_transaction
from docflow.errors import ServiceUnavailable
from docflow.http.deps import PlatformAdmin
from docflow.observability import get_logger
from docflow_supabase_utils import manifest
from docflow_supabase_utils.health import database_health
from docflow_supabase_utils.migrations import migration_status
from docflow_supabase_utils.rls import rls_self_check
from docflow_supabase_utils.schemas import DatabaseHealth, MigrationStatus, RlsReport

router = APIRouter(prefix="/api/v1/supabase", tags=["database"])


@router.get("/migrations", summary="Applied migrations against those this build ships")
def migrations(admin: PlatformAdmin) -> MigrationStatus:
    """``pending`` lists shipped versions not applied yet; ``drift`` means a recorded version is
    unknown to this build or its file changed after it was applied."""
    shipped = manifest.load()
    if shipped is None:
        raise ServiceUnavailable("This build ships no migration manifest")
    with system_transaction("supabase.migrations") as conn:
        status = migration_status(conn, shipped)
        audit.record(conn, action="supabase.migrations.read", actor=admin.user_id)
    return status


@router.get("/health", summary="Database health and latency")
def health(admin: PlatformAdmin) -> DatabaseHealth:
    """Timed round trips, server version and size, connections and the pool (503 when unreachable)."""
    import psycopg

    try:
        with system_transaction("supabase.health") as conn:
            report = database_health(conn)
            audit.record(conn, action="supabase.health.read", actor=admin.user_id)
    except psycopg.Error as exc:  # includes the pool's timeout
        get_logger().warning("database health check failed", extra={"error_type": type(exc).__name__})
        raise ServiceUnavailable("The database is not reachable") from None
    return report


@router.get("/rls-check", summary="Row level security self-check")
def rls_check(admin: PlatformAdmin) -> RlsReport:
    """Tables without RLS enabled and forced, unsafe SECURITY DEFINER functions, definer-rights views."""
    with system_transaction("supabase.rls_check") as conn:
        report = rls_self_check(conn)
        audit.record(
            conn,
            action="supabase.rls_check",
            actor=admin.user_id,
            details={"ok": report.ok, "findings": len(report.findings)},
        )
    return report
