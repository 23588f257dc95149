"""Apply the ordered SQL files in ``migrations/``, each once, each in its own transaction.

Applied versions and their checksums are recorded in ``app_private.schema_migrations``; an applied
file that changed afterwards stops the run (write a new migration instead). A transaction-level
advisory lock keeps two concurrent runs from interleaving.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

_FILE_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
_LOCK_KEY = 4_242_001


class MigrationError(RuntimeError):
    """A migration file is malformed, changed after being applied, or failed."""


@dataclass(frozen=True, slots=True)
class Migration:
    """One SQL file of ``migrations/``."""

    version: str
    path: Path

    @property
    def sql(self) -> str:
        """The file's SQL text."""
        return self.path.read_text(encoding="utf-8")

    @property
    def checksum(self) -> str:
        """SHA-256 of the file, recorded when applied."""
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def find_migrations_dir(start: Path | None = None) -> Path:
    """``MIGRATIONS_DIR``, else the nearest ``migrations/`` folder at or above ``start`` (the cwd)."""
    if env := os.environ.get("MIGRATIONS_DIR"):
        return Path(env)
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "migrations"
        if candidate.is_dir() and any(candidate.glob("*.sql")):
            return candidate
    raise MigrationError("no migrations/ folder found; set MIGRATIONS_DIR")


def load_migrations(directory: Path) -> list[Migration]:
    """The migration files in version order; a misnamed file or a repeated version is an error."""
    migrations: list[Migration] = []
    for path in sorted(directory.glob("*.sql")):
        match = _FILE_NAME.match(path.name)
        if not match:
            raise MigrationError(f"migration file name not understood: {path.name}")
        migrations.append(Migration(version=path.stem, path=path))
    numbers = [m.version[:4] for m in migrations]
    if len(numbers) != len(set(numbers)):
        raise MigrationError("two migration files share a number")
    return migrations


def applied_versions(database_url: str) -> dict[str, str]:
    """Versions already applied, with their checksums (empty before the first run)."""
    import psycopg

    with psycopg.connect(database_url, prepare_threshold=None) as conn:
        exists = conn.execute("select to_regclass('app_private.schema_migrations') is not null").fetchone()
        if not exists or not exists[0]:
            return {}
        rows = conn.execute("select version, checksum from app_private.schema_migrations").fetchall()
    return dict(rows)


def migrate(database_url: str, directory: Path) -> list[str]:
    """Apply every pending migration; returns the versions applied by this run."""
    import psycopg

    migrations = load_migrations(directory)
    applied_now: list[str] = []
    with psycopg.connect(database_url, prepare_threshold=None, autocommit=True) as conn:
        with conn.transaction():
            conn.execute("create schema if not exists app_private")
            conn.execute(
                """
                create table if not exists app_private.schema_migrations (
                  version text primary key,
                  checksum text not null,
                  applied_at timestamptz not null default now()
                )
                """
            )
        for migration in migrations:
            with conn.transaction():
                conn.execute("select pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
                row = conn.execute(
                    "select checksum from app_private.schema_migrations where version = %s",
                    (migration.version,),
                ).fetchone()
                if row is not None:
                    if row[0] != migration.checksum:
                        raise MigrationError(f"{migration.version} changed after it was applied")
                    continue
                try:
                    conn.execute(migration.sql.encode())
                except psycopg.Error as exc:
                    raise MigrationError(f"{migration.version} failed: {exc}") from exc
                conn.execute(
                    "insert into app_private.schema_migrations (version, checksum) values (%s, %s)",
                    (migration.version, migration.checksum),
                )
                applied_now.append(migration.version)
    return applied_now
