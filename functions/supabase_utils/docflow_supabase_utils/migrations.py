"""Migration status: ``app_private.schema_migrations`` against the shipped manifest."""

from __future__ import annotations

from typing import TYPE_CHECKING

from docflow_supabase_utils.manifest import Manifest
from docflow_supabase_utils.schemas import AppliedMigration, MigrationStatus

if TYPE_CHECKING:
    from docflow.db import Connection


def migration_status(conn: Connection, manifest: Manifest) -> MigrationStatus:
    """What is applied, what is pending, and whether anything drifted."""
    exists = conn.execute(
        "select to_regclass('app_private.schema_migrations') is not null as present"
    ).fetchone()
    rows = (
        conn.execute(
            "select version, checksum, applied_at from app_private.schema_migrations order by version"
        ).fetchall()
        if exists and exists["present"]
        else []
    )
    applied = [
        AppliedMigration(
            version=row["version"],
            applied_at=row["applied_at"],
            state=(
                "unknown"
                if row["version"] not in manifest.checksums
                else "ok"
                if manifest.checksums[row["version"]] == row["checksum"]
                else "changed"
            ),
        )
        for row in rows
    ]
    recorded = {row["version"] for row in rows}
    pending = [version for version in manifest.checksums if version not in recorded]
    drifted = any(item.state != "ok" for item in applied)
    return MigrationStatus(
        status="drift" if drifted else "pending" if pending else "up_to_date",
        source=manifest.source,
        latest_applied=applied[-1].version if applied else None,
        applied=applied,
        pending=pending,
    )
