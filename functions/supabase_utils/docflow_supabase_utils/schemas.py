"""Response models of the database utilities route group."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel


class AppliedMigration(BaseModel):
    """A version the database recorded; ``changed`` when its file differs from the shipped one,
    ``unknown`` when this build does not ship it (the database is ahead of the code)."""

    version: str
    applied_at: datetime
    state: Literal["ok", "changed", "unknown"]


class MigrationStatus(BaseModel):
    """Applied versions against the migrations this build ships."""

    status: Literal["up_to_date", "pending", "drift"]
    source: Literal["package", "directory"]
    latest_applied: str | None
    applied: list[AppliedMigration]
    pending: list[str]


class Latency(BaseModel):
    """Timed ``select 1`` round trips on one pooled connection, in milliseconds."""

    samples: int
    min_ms: float
    median_ms: float
    max_ms: float


class PoolStats(BaseModel):
    """The process's connection pool."""

    min_size: int
    max_size: int
    size: int
    available: int
    waiting: int


class DatabaseHealth(BaseModel):
    """Server, latency and connection figures."""

    status: Literal["ok"]
    server_version: str
    in_recovery: bool
    database_size_bytes: int
    connections: int
    max_connections: int
    latency: Latency
    pool: PoolStats


FindingKind = Literal[
    "table_without_rls",
    "rls_not_forced",
    "tenant_table_without_policy",
    "security_definer_outside_private_schema",
    "security_definer_without_search_path",
    "security_definer_executable_by_public",
    "view_without_security_invoker",
    "runtime_role_privileged",
]


class Finding(BaseModel):
    """One object that weakens row level security."""

    kind: FindingKind
    object: str


class RlsReport(BaseModel):
    """The RLS self-check: ``ok`` when there is no finding."""

    ok: bool
    findings: list[Finding]
    tables_checked: int
    tenant_tables: int
    security_definer_functions: int
    views_checked: int
